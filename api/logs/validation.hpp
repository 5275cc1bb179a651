#pragma once
// Input rules of CloudWatch Logs the model's compact form does not carry (name patterns, the
// allowed retention values, batch limits). Failures are InvalidParameterException.
#include <cstdint>
#include <optional>
#include <string>

#include "api/logs/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::logs {

bool valid_log_group_name(const std::string& name);   // [.\-_/#A-Za-z0-9]{1,512}
bool valid_log_stream_name(const std::string& name);  // 1-512, no ':' or '*'
void check_log_group_name(const std::string& name, const char* member = "logGroupName");
void check_log_stream_name(const std::string& name);
void check_retention_days(int days);

// The group a request names through logGroupName or logGroupIdentifier (a name or an ARN);
// both or neither: InvalidParameterException.
std::string requested_group_name(const Json& input);

// ResourceNotFoundException when missing.
LogGroup& existing_group(LogsState& state, const std::string& name);
LogStream& existing_stream(LogGroup& group, const std::string& name);

[[noreturn]] void invalid_parameter(const std::string& message);

}  // namespace ecslocal::api::logs
