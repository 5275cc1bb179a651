// CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy.
#include <algorithm>
#include <cctype>

#include "api/logs/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/logs/mapping.hpp"
#include "api/logs/provider.hpp"
#include "api/logs/validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::logs {
namespace {

std::map<std::string, std::string> tags_from(const Json& input) {
  std::map<std::string, std::string> out;
  auto it = input.find("tags");
  if (it == input.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

Json create_log_group(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  const std::string name = json_read::string_or_empty(input, "logGroupName");
  check_log_group_name(name);
  LogsState& state = provider.state(ctx);
  if (state.groups.count(name))
    throw ResourceAlreadyExistsException("The specified log group already exists");
  LogGroup group;
  group.name = name;
  group.creation_time = provider.now_ms();
  group.kms_key_id = json_read::string_or_empty(input, "kmsKeyId");
  group.tags = tags_from(input);
  state.groups.emplace(name, std::move(group));
  return Json::object();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

Json describe_log_groups(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  const auto prefix = json_read::optional_string(input, "logGroupNamePrefix");
  const auto pattern = json_read::optional_string(input, "logGroupNamePattern");
  if (prefix && pattern)
    invalid_parameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  const std::string wanted = pattern ? lower(*pattern) : std::string();
  std::vector<const LogGroup*> matches;
  for (const auto& [name, group] : provider.state(ctx).groups) {
    if (prefix && name.rfind(*prefix, 0) != 0) continue;
    if (pattern && lower(name).find(wanted) == std::string::npos) continue;
    matches.push_back(&group);
  }
  std::vector<std::string> keys;  // by name
  for (const LogGroup* g : matches) keys.push_back(g->name);
  Page page = paginate(keys, {json_read::optional_string(input, "nextToken"), json_read::optional_long(input, "limit"),
                              50, 50, "InvalidParameterException"});
  Json groups = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) groups.push_back(log_group_json(ctx, *matches[i]));
  Json out{{"logGroups", std::move(groups)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json delete_log_group(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogsState& state = provider.state(ctx);
  const std::string name = json_read::string_or_empty(input, "logGroupName");
  existing_group(state, name);
  state.groups.erase(name);
  return Json::object();
}

Json put_retention_policy(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  const int days = json_read::optional_int(input, "retentionInDays").value_or(0);
  check_retention_days(days);
  existing_group(provider.state(ctx), json_read::string_or_empty(input, "logGroupName")).retention_days = days;
  return Json::object();
}

Json delete_retention_policy(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  existing_group(provider.state(ctx), json_read::string_or_empty(input, "logGroupName")).retention_days.reset();
  return Json::object();
}

}  // namespace

void register_group_operations(LogsProvider& p, OperationTable& table) {
  bind_operation(table, "CreateLogGroup", p, create_log_group);
  bind_operation(table, "DescribeLogGroups", p, describe_log_groups);
  bind_operation(table, "DeleteLogGroup", p, delete_log_group);
  bind_operation(table, "PutRetentionPolicy", p, put_retention_policy);
  bind_operation(table, "DeleteRetentionPolicy", p, delete_retention_policy);
}

}  // namespace ecslocal::api::logs
