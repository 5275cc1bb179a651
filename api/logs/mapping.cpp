#include "api/logs/mapping.hpp"

#include <cstdio>

namespace ecslocal::api::logs {

std::string log_group_arn(const RequestContext& ctx, const std::string& group) {
  return "arn:aws:logs:" + ctx.region + ":" + ctx.account_id + ":log-group:" + group;
}

std::string log_stream_arn(const RequestContext& ctx, const std::string& group, const std::string& stream) {
  return log_group_arn(ctx, group) + ":log-stream:" + stream;
}

Json log_group_json(const RequestContext& ctx, const LogGroup& group) {
  Json out{{"logGroupName", group.name},
           {"creationTime", group.creation_time},
           {"metricFilterCount", 0},
           {"arn", log_group_arn(ctx, group.name) + ":*"},
           {"storedBytes", group.stored_bytes()}};
  if (group.retention_days) out["retentionInDays"] = *group.retention_days;
  if (!group.kms_key_id.empty()) out["kmsKeyId"] = group.kms_key_id;
  return out;
}

Json log_stream_json(const RequestContext& ctx, const LogGroup& group, const LogStream& stream) {
  Json out{{"logStreamName", stream.name},
           {"creationTime", stream.creation_time},
           {"arn", log_stream_arn(ctx, group.name, stream.name)},
           {"storedBytes", stream.stored_bytes}};
  if (stream.first_event) out["firstEventTimestamp"] = *stream.first_event;
  if (stream.last_event) out["lastEventTimestamp"] = *stream.last_event;
  if (stream.last_ingestion) out["lastIngestionTime"] = *stream.last_ingestion;
  if (stream.uploads > 0) out["uploadSequenceToken"] = stream.sequence_token();
  return out;
}

Json output_event_json(const LogEvent& event) {
  return Json{{"timestamp", event.timestamp}, {"message", event.message}, {"ingestionTime", event.ingestion_time}};
}

std::string event_id(const LogEvent& event) {
  char text[64];
  std::snprintf(text, sizeof text, "%020llu", static_cast<unsigned long long>(event.id));
  return text;
}

Json filtered_event_json(const std::string& stream, const LogEvent& event) {
  return Json{{"logStreamName", stream},
              {"timestamp", event.timestamp},
              {"message", event.message},
              {"ingestionTime", event.ingestion_time},
              {"eventId", event_id(event)}};
}

Json tags_json(const std::map<std::string, std::string>& tags) {
  Json out = Json::object();
  for (const auto& [k, v] : tags) out[k] = v;
  return out;
}

}  // namespace ecslocal::api::logs
