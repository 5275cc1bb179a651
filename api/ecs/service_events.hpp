#pragma once
// The texts of service events, deployment rollout reasons and scheduler stop reasons, in the
// current AWS form "(service name) ...". One place, so tests and the scheduler agree.
#include <string>
#include <vector>

namespace ecslocal::api::ecs::msg {

inline constexpr const char* kBreakerReason = "ECS deployment circuit breaker: tasks failed to start.";

inline std::string task_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + std::string("(task ") + id + ")";
  return out;
}

inline std::string started_tasks(const std::string& service, const std::vector<std::string>& ids, int replaced_unhealthy) {
  std::string out = "(service " + service + ") has started " + std::to_string(ids.size()) + " tasks: " + task_list(ids) + ".";
  if (replaced_unhealthy > 0)
    out += " Amazon ECS replaced " + std::to_string(replaced_unhealthy) + " tasks due to an unhealthy status.";
  return out;
}

inline std::string stopped_running(const std::string& service, const std::vector<std::string>& ids) {
  return "(service " + service + ") has stopped " + std::to_string(ids.size()) + " running tasks: " + task_list(ids) + ".";
}

inline std::string stopped_pending(const std::string& service, size_t count) {
  return "(service " + service + ") stopped " + std::to_string(count) + " pending tasks.";
}

inline std::string failed_health_checks(const std::string& service, const std::string& task_id) {
  return "(service " + service + ") (task " + task_id + ") failed container health checks.";
}

// Load balancers (spec elb §5.2-5.3).
inline std::string registered_targets(const std::string& service, size_t count, const std::string& target_group) {
  return "(service " + service + ") registered " + std::to_string(count) + " targets in (target-group " + target_group + ")";
}

inline std::string deregistered_targets(const std::string& service, size_t count, const std::string& target_group) {
  return "(service " + service + ") deregistered " + std::to_string(count) + " targets in (target-group " + target_group + ")";
}

inline std::string draining_connections(const std::string& service, const std::string& task_set, size_t count) {
  return "(service " + service + ", taskSet " + task_set + ") has begun draining connections on " + std::to_string(count) +
         " tasks.";
}

inline std::string unhealthy_target(const std::string& service, const std::string& task_id, int port,
                                    const std::string& target_group, const std::string& reason) {
  return "(service " + service + ") (task " + task_id + ") (port " + std::to_string(port) + ") is unhealthy in (target-group " +
         target_group + ") due to (reason " + reason + ").";
}

inline std::string elb_unhealthy_reason(const std::string& target_group) {
  return "Task failed ELB health checks in (target-group " + target_group + ")";
}

inline std::string deployment_completed(const std::string& service, const std::string& deployment) {
  return "(service " + service + ") (deployment " + deployment + ") deployment completed.";
}

inline std::string deployment_failed(const std::string& service, const std::string& deployment) {
  return "(service " + service + ") (deployment " + deployment + ") deployment failed: tasks failed to start.";
}

inline std::string rolling_back(const std::string& service, const std::string& deployment) {
  return "(service " + service + ") rolling back to deployment " + deployment + ".";
}

inline std::string steady_state(const std::string& service) { return "(service " + service + ") has reached a steady state."; }

inline std::string unable_to_place(const std::string& service, const std::string& reason) {
  return "(service " + service + ") was unable to place a task. Reason: " + reason + (reason.empty() || reason.back() == '.' ? "" : ".");
}

inline std::string unable_to_start_consistently(const std::string& service) {
  return "(service " + service + ") is unable to consistently start tasks successfully.";
}

inline std::string deployment_blocked(const std::string& service) {
  return "(service " + service +
         ") was unable to stop or start tasks during a deployment because of the service deployment configuration. "
         "Update the minimumHealthyPercent or maximumPercent value and try again.";
}

inline std::string in_progress_reason(const std::string& deployment) { return "ECS deployment " + deployment + " in progress."; }
inline std::string completed_reason(const std::string& deployment) { return "ECS deployment " + deployment + " completed."; }

inline std::string scaling_reason(const std::string& deployment) {
  return "Scaling activity initiated by (deployment " + deployment + ")";
}

}  // namespace ecslocal::api::ecs::msg
