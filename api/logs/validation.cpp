#include "api/logs/errors.hpp"
#include "api/logs/validation.hpp"

#include <algorithm>
#include <array>

#include "api/common/json_read.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::logs {
namespace {

// The retention periods PutRetentionPolicy accepts.
constexpr std::array<int, 22> kRetentionDays{1,   3,   5,   7,   14,  30,   60,   90,   120,  150,  180,
                                             365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

bool group_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '/' || c == '#';
}

}  // namespace

void invalid_parameter(const std::string& message) { throw InvalidParameterException(message); }

bool valid_log_group_name(const std::string& name) {
  return !name.empty() && name.size() <= 512 && std::all_of(name.begin(), name.end(), group_char);
}

bool valid_log_stream_name(const std::string& name) {
  return !name.empty() && name.size() <= 512 && name.find_first_of(":*") == std::string::npos;
}

void check_log_group_name(const std::string& name, const char* member) {
  if (!valid_log_group_name(name))
    invalid_parameter("1 validation error detected: Value '" + name + "' at '" + member +
                      "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                      "[\\.\\-_/#A-Za-z0-9]+");
}

void check_log_stream_name(const std::string& name) {
  if (!valid_log_stream_name(name))
    invalid_parameter("1 validation error detected: Value '" + name +
                      "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular "
                      "expression pattern: [^:*]*");
}

void check_retention_days(int days) {
  if (std::find(kRetentionDays.begin(), kRetentionDays.end(), days) == kRetentionDays.end())
    invalid_parameter("1 validation error detected: Value '" + std::to_string(days) +
                      "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
                      "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, "
                      "2922, 3288, 3653]");
}

std::string requested_group_name(const Json& input) {
  auto name = json_read::optional_string(input, "logGroupName");
  auto identifier = json_read::optional_string(input, "logGroupIdentifier");
  if (name && identifier)
    invalid_parameter("LogGroup name and LogGroup identifier are mutually exclusive parameters.");
  if (!name && !identifier) invalid_parameter("Either LogGroup name or LogGroup identifier must be specified.");
  if (name) return *name;
  // An ARN: arn:aws:logs:<region>:<account>:log-group:<name>[:*]
  std::string id = *identifier;
  const std::string marker = ":log-group:";
  if (id.rfind("arn:", 0) != 0) return id;
  auto at = id.find(marker);
  if (at == std::string::npos) invalid_parameter("Invalid logGroupIdentifier: " + id);
  id = id.substr(at + marker.size());
  if (id.size() >= 2 && id.compare(id.size() - 2, 2, ":*") == 0) id.resize(id.size() - 2);
  return id;
}

LogGroup& existing_group(LogsState& state, const std::string& name) {
  LogGroup* group = state.find_group(name);
  if (!group) throw ResourceNotFoundException("The specified log group does not exist.");
  return *group;
}

LogStream& existing_stream(LogGroup& group, const std::string& name) {
  auto it = group.streams.find(name);
  if (it == group.streams.end()) throw ResourceNotFoundException("The specified log stream does not exist.");
  return it->second;
}

}  // namespace ecslocal::api::logs
