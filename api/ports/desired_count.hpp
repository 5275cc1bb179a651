#pragma once
// How Application Auto Scaling (and the console) read and change an ECS service's desired
// count, as UpdateService would: the same validation, events and deployments follow. ECS
// implements it; called on the state strand.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api {

struct ServiceCapacity {
  int desired = 0, running = 0, pending = 0;
  std::string status;          // ACTIVE | DRAINING | INACTIVE
  bool deployment_in_progress = false;  // a rollout that has not COMPLETED yet
  std::vector<std::string> target_group_arns;  // of its loadBalancers (ALBRequestCountPerTarget labels)
};

struct ServiceRef {
  std::string account_id, region;
  std::string cluster;  // name
  std::string service;  // name
};

class DesiredCount {
 public:
  virtual ~DesiredCount() = default;
  // nullopt when the service does not exist (or is INACTIVE).
  virtual std::optional<ServiceCapacity> capacity(const ServiceRef& service) const = 0;
  // Throws the AwsError ECS would answer (ServiceNotFoundException, ...). `cause` is for the
  // service's events and the log.
  virtual void set_desired_count(const ServiceRef& service, int desired, const std::string& cause,
                                 std::chrono::system_clock::time_point now) = 0;
};

}  // namespace ecslocal::api
