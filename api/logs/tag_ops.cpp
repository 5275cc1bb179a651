// Log group tags: TagLogGroup / UntagLogGroup / ListTagsLogGroup (by name, the older calls) and
// TagResource / UntagResource / ListTagsForResource (by ARN, with or without the trailing ":*").
#include "api/logs/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/logs/mapping.hpp"
#include "api/logs/provider.hpp"
#include "api/logs/validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::logs {
namespace {

constexpr std::size_t kMaxTags = 50;

LogGroup& group_by_arn(LogsProvider& provider, const RequestContext& ctx, const Json& input) {
  std::string arn = json_read::string_or_empty(input, "resourceArn");
  const std::string prefix = log_group_arn(ctx, "");
  if (arn.rfind(prefix, 0) != 0) {
    if (arn.rfind("arn:", 0) != 0) invalid_parameter("Invalid ARN: " + arn);
    throw ResourceNotFoundException("The specified resource does not exist.");
  }
  std::string name = arn.substr(prefix.size());
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, ":*") == 0) name.resize(name.size() - 2);
  LogGroup* group = provider.state(ctx).find_group(name);
  if (!group) throw ResourceNotFoundException("The specified log group does not exist.");
  return *group;
}

LogGroup& group_by_name(LogsProvider& provider, const RequestContext& ctx, const Json& input) {
  return existing_group(provider.state(ctx), json_read::string_or_empty(input, "logGroupName"));
}

void add_tags(LogGroup& group, const Json& input, const char* too_many_error) {
  auto merged = group.tags;
  auto it = input.find("tags");
  if (it != input.end() && it->is_object())
    for (const auto& [k, v] : it->items())
      if (v.is_string()) merged[k] = v.get<std::string>();
  if (merged.size() > kMaxTags) throw AwsError(too_many_error, "A resource can have no more than 50 tags.");
  group.tags = std::move(merged);
}

void remove_tags(LogGroup& group, const Json& input, const char* member) {
  for (const auto& key : json_read::strings(input, member)) group.tags.erase(key);
}

Json tag_log_group(LogsProvider& p, const RequestContext& ctx, Json& in) {
  add_tags(group_by_name(p, ctx, in), in, "InvalidParameterException");
  return Json::object();
}

Json untag_log_group(LogsProvider& p, const RequestContext& ctx, Json& in) {
  remove_tags(group_by_name(p, ctx, in), in, "tags");
  return Json::object();
}

Json list_tags_log_group(LogsProvider& p, const RequestContext& ctx, Json& in) {
  return Json{{"tags", tags_json(group_by_name(p, ctx, in).tags)}};
}

Json tag_resource(LogsProvider& p, const RequestContext& ctx, Json& in) {
  add_tags(group_by_arn(p, ctx, in), in, "TooManyTagsException");
  return Json::object();
}

Json untag_resource(LogsProvider& p, const RequestContext& ctx, Json& in) {
  remove_tags(group_by_arn(p, ctx, in), in, "tagKeys");
  return Json::object();
}

Json list_tags_for_resource(LogsProvider& p, const RequestContext& ctx, Json& in) {
  return Json{{"tags", tags_json(group_by_arn(p, ctx, in).tags)}};
}

}  // namespace

void register_tag_operations(LogsProvider& p, OperationTable& table) {
  bind_operation(table, "TagLogGroup", p, tag_log_group);
  bind_operation(table, "UntagLogGroup", p, untag_log_group);
  bind_operation(table, "ListTagsLogGroup", p, list_tags_log_group);
  bind_operation(table, "TagResource", p, tag_resource);
  bind_operation(table, "UntagResource", p, untag_resource);
  bind_operation(table, "ListTagsForResource", p, list_tags_for_resource);
}

}  // namespace ecslocal::api::logs
