#pragma once
// CloudWatch Logs entities → JSON: the only file with the Logs wire names of outputs.
#include <string>

#include "api/logs/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::logs {

// arn:aws:logs:<region>:<account>:log-group:<name> (DescribeLogGroups adds ":*").
std::string log_group_arn(const RequestContext& ctx, const std::string& group);
std::string log_stream_arn(const RequestContext& ctx, const std::string& group, const std::string& stream);

Json log_group_json(const RequestContext& ctx, const LogGroup& group);
Json log_stream_json(const RequestContext& ctx, const LogGroup& group, const LogStream& stream);
Json output_event_json(const LogEvent& event);                                  // GetLogEvents
Json filtered_event_json(const std::string& stream, const LogEvent& event);     // FilterLogEvents
Json tags_json(const std::map<std::string, std::string>& tags);
std::string event_id(const LogEvent& event);

}  // namespace ecslocal::api::logs
