#pragma once
// The narrow view other services (ECS's awslogs check at launch) have of CloudWatch Logs: does a
// log group exist, and create it. Implemented by api/logs' provider; called on the state strand.
#include <string>

namespace ecslocal::api {

class LogGroupDirectory {
 public:
  virtual ~LogGroupDirectory() = default;
  virtual bool log_group_exists(const std::string& account_id, const std::string& region,
                                const std::string& group) const = 0;
  // Creates the group when missing; false when the name is not a valid log group name.
  virtual bool create_log_group(const std::string& account_id, const std::string& region,
                                const std::string& group) = 0;
};

}  // namespace ecslocal::api
