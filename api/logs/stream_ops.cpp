// CreateLogStream, DescribeLogStreams, DeleteLogStream.
#include <algorithm>

#include "api/logs/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/logs/mapping.hpp"
#include "api/logs/provider.hpp"
#include "api/logs/validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::logs {
namespace {

Json create_log_stream(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  const std::string name = json_read::string_or_empty(input, "logStreamName");
  check_log_stream_name(name);
  LogGroup& group = existing_group(provider.state(ctx), json_read::string_or_empty(input, "logGroupName"));
  if (group.streams.count(name))
    throw ResourceAlreadyExistsException("The specified log stream already exists");
  LogStream stream;
  stream.name = name;
  stream.creation_time = provider.now_ms();
  group.streams.emplace(name, std::move(stream));
  return Json::object();
}

Json describe_log_streams(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogGroup& group = existing_group(provider.state(ctx), requested_group_name(input));
  const auto prefix = json_read::optional_string(input, "logStreamNamePrefix");
  const std::string order = json_read::string_or_empty(input, "orderBy");
  const bool by_time = order == "LastEventTime";
  if (by_time && prefix) invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  std::vector<const LogStream*> streams;
  for (const auto& [name, stream] : group.streams)
    if (!prefix || name.rfind(*prefix, 0) == 0) streams.push_back(&stream);
  if (by_time) {
    // Streams without events sort first, as their last event time is unset.
    std::stable_sort(streams.begin(), streams.end(), [](const LogStream* a, const LogStream* b) {
      return a->last_event.value_or(-1) < b->last_event.value_or(-1);
    });
  }
  const bool descending = json_read::flag(input, "descending");
  if (descending) std::reverse(streams.begin(), streams.end());
  // Keys in the listing's order: the name, or the last event time (then the name) by LastEventTime.
  std::vector<std::string> keys;
  for (const LogStream* s : streams)
    keys.push_back(by_time ? sequence_key(static_cast<std::uint64_t>(s->last_event.value_or(-1) + 1)) + '\x01' + s->name
                           : s->name);
  Page page = paginate(keys, {json_read::optional_string(input, "nextToken"), json_read::optional_long(input, "limit"),
                              50, 50, "InvalidParameterException", descending});
  Json out_streams = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) out_streams.push_back(log_stream_json(ctx, group, *streams[i]));
  Json out{{"logStreams", std::move(out_streams)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json delete_log_stream(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogGroup& group = existing_group(provider.state(ctx), json_read::string_or_empty(input, "logGroupName"));
  const std::string name = json_read::string_or_empty(input, "logStreamName");
  existing_stream(group, name);
  group.streams.erase(name);
  return Json::object();
}

}  // namespace

void register_stream_operations(LogsProvider& p, OperationTable& table) {
  bind_operation(table, "CreateLogStream", p, create_log_stream);
  bind_operation(table, "DescribeLogStreams", p, describe_log_streams);
  bind_operation(table, "DeleteLogStream", p, delete_log_stream);
}

}  // namespace ecslocal::api::logs
