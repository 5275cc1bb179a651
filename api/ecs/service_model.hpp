#pragma once
// The ECS service entity (a service, its deployments and its events) and its registry (one per
// account and region). The scheduler (service_scheduler) moves services; the operations
// (service_ops) create, change and delete them; service_mapping spells them on the wire.
//
// Members the emulator only stores and echoes (load balancers, service registries, placement,
// Service Connect, deployment alarms) are kept as the JSON the caller sent, already checked
// against the model by the gateway.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/task_model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

enum class ServiceStatus { Active, Draining, Inactive };
enum class DeploymentStatus { Primary, Active };
enum class RolloutState { InProgress, Completed, Failed };

struct DeploymentSettings {
  int minimum_healthy_percent = 100;
  int maximum_percent = 200;
  bool circuit_breaker = false;
  bool rollback = false;
  Json alarms;  // DeploymentAlarms as given (null when absent)
};

// What a deployment launches: copied from the service when the deployment is created.
struct DeploymentTemplate {
  std::string task_definition_arn;
  std::optional<std::string> launch_type;  // absent when a capacity provider strategy is used
  std::vector<CapacityProviderStrategyItem> capacity_provider_strategy;
  std::string platform_version;  // as requested ("LATEST" unless given)
  std::optional<AwsVpcConfiguration> awsvpc;
  Json service_connect;  // ServiceConnectConfiguration as given (null when absent)
  // Resolved by api/ecs/service_connect when it is enabled: the Cloud Map namespace (ARN and
  // name) and the deployment's serviceConnectResources ([{discoveryName, discoveryArn}]).
  std::string service_connect_namespace, service_connect_namespace_name;
  Json service_connect_resources;
  // The service's loadBalancers when the deployment started (its tasks' target groups); null in
  // snapshots from before it was recorded (the service's are used then).
  Json load_balancers;
};

struct Deployment {
  std::string id;  // "ecs-svc/<19 digits>"
  DeploymentStatus status = DeploymentStatus::Primary;
  DeploymentTemplate spec;
  std::string platform_version_resolved;  // "1.4.0"
  int desired_count = 0;
  int running_count = 0, pending_count = 0;  // refreshed by the scheduler
  int failed_tasks = 0;
  RolloutState rollout = RolloutState::InProgress;
  std::string rollout_reason;
  Clock::time_point created_at{}, updated_at{};
  // Scheduler bookkeeping (not on the wire).
  int consecutive_failures = 0;         // tasks that never ran, in a row: for back-off
  bool proven = false;                  // a task of it was healthy: failedTasks stops counting
  bool rollback = false;                // made by the circuit breaker's rollback
  std::optional<Clock::time_point> next_launch_at;  // back-off: no launch before this
};

struct ServiceEvent {
  std::string id;
  Clock::time_point created_at{};
  std::string message;
};

struct EcsService {
  std::string name, arn;
  std::string account_id, region;
  std::string cluster_name, cluster_arn;
  std::uint64_t sequence = 0;  // creation order within the registry (listing order, page keys)
  ServiceStatus status = ServiceStatus::Active;
  int desired_count = 0;
  DeploymentTemplate spec;  // what the service runs now (its PRIMARY deployment's template)
  DeploymentSettings deployment_settings;
  std::vector<Deployment> deployments;  // PRIMARY first, then older ones newest first
  std::deque<ServiceEvent> events;      // newest first, at most kMaxServiceEvents
  std::string role_arn, created_by;
  Clock::time_point created_at{};
  Json load_balancers = Json::array(), service_registries = Json::array();
  Json placement_constraints = Json::array(), placement_strategy = Json::array();
  std::optional<int> health_check_grace_period;
  std::string scheduling_strategy = "REPLICA";
  std::string deployment_controller = "ECS";
  bool enable_ecs_managed_tags = false;
  std::string propagate_tags = "NONE";
  bool enable_execute_command = false;
  // ENABLED or DISABLED. A service that never had a value (a snapshot from before) is DISABLED.
  std::string availability_zone_rebalancing = "DISABLED";
  CapacityKind capacity_kind = CapacityKind::Fargate;
  // Scheduler bookkeeping (not on the wire).
  std::optional<Clock::time_point> inactive_at;
  bool steady = false;                   // the last reconcile found the service steady
  std::optional<DeploymentTemplate> last_completed;  // for circuit-breaker rollback
  std::string last_completed_id;
  std::set<std::string> suppressed_messages;  // identical messages are not repeated

  Deployment* primary() { return deployments.empty() ? nullptr : &deployments.front(); }
  const Deployment* primary() const { return deployments.empty() ? nullptr : &deployments.front(); }
  Deployment* find_deployment(const std::string& id);
  const Deployment* find_deployment(const std::string& id) const;
  bool active() const { return status == ServiceStatus::Active; }
  std::string group() const { return "service:" + name; }
};

constexpr size_t kMaxServiceEvents = 100;

class ServiceRegistry {
 public:
  // The service of that name in the cluster, whatever its status.
  EcsService* find(const std::string& cluster, const std::string& name);
  const EcsService* find(const std::string& cluster, const std::string& name) const;
  // Stores `service` (replacing an INACTIVE one of the same name), sets its `sequence` and returns it.
  EcsService& put(EcsService service);
  // A service of a snapshot, kept with its sequence (later ones are put after it).
  EcsService& put_restored(EcsService service);
  // Every service, in creation order.
  std::vector<EcsService*> all();
  std::vector<const EcsService*> all() const;
  // Forgets INACTIVE services that became inactive at least `retention` before `now`; returns
  // their ARNs (their tags go too).
  std::vector<std::string> prune(Clock::time_point now, Clock::duration retention);
  size_t size() const { return services_.size(); }

 private:
  std::vector<std::unique_ptr<EcsService>> services_;  // creation order
  std::uint64_t next_sequence_ = 1;
};

const char* service_status_text(ServiceStatus status);
const char* deployment_status_text(DeploymentStatus status);
const char* rollout_state_text(RolloutState state);

}  // namespace ecslocal::api::ecs
