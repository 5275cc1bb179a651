#pragma once
// Amazon ECS: the operation table and the state it acts on. Operation handlers live in one file
// per area (clusters, task definitions, tags, account settings, tasks, services), each registering
// its operations here; handlers are named like the operation (create_cluster, run_task).
//
// Ports: uses the task runtime (runtime seam), CloudWatch Logs' LogGroupDirectory (awslogs) and
// the TaskObservers it tells about its tasks; offers DesiredCount (Application Auto Scaling).
#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "api/common/ids.hpp"
#include "api/ecs/service_scheduler.hpp"
#include "api/ecs/state.hpp"
#include "api/ecs/tags.hpp"
#include "api/ecs/task_endpoints.hpp"
#include "api/ecs/usage_metrics.hpp"
#include "api/ports/desired_count.hpp"
#include "api/ports/ports.hpp"
#include "api/ports/service_discovery.hpp"
#include "api/ports/task_observer.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::runtime {
class TaskRuntime;
struct TaskEvent;
}  // namespace ecslocal::runtime

namespace ecslocal::api {
class LogGroupDirectory;
class TargetGroupDirectory;
class SecretResolver;
class ExecSessions;
}  // namespace ecslocal::api

namespace ecslocal::api::ecs {

class EcsProvider : public Service, public DesiredCount {
 public:
  // `networks`: the VPC state shared with EC2 (the platform owns it); a private one when null.
  explicit EcsProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>(),
                       std::shared_ptr<vpc::VpcRegistry> networks = nullptr);

  std::string_view name() const override { return "ecs"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "InvalidParameterException"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  void connect(Ports& ports) override { ports_ = &ports; }
  // The slow level-triggered pass over every service, and the pruning of STOPPED tasks.
  void tick(Clock::time_point now) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override {
    store_.clear();
    endpoints_.clear();
    usage_metrics_.reset();
  }

  // ---- DesiredCount ----
  std::optional<ServiceCapacity> capacity(const ServiceRef& service) const override;
  void set_desired_count(const ServiceRef& service, int desired, const std::string& cause, Clock::time_point now) override;

  EcsState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  EcsStore& store() { return store_; }
  const EcsStore& store() const { return store_; }
  IdSource& ids() { return *ids_; }

  // --- tasks (api/ecs/task_service.cpp) ---
  // The container runtime tasks run on (a port the app provides); without one, RunTask's tasks
  // fail at once. set_task_runtime overrides the port (unit tests).
  runtime::TaskRuntime* task_runtime() const;
  void set_task_runtime(runtime::TaskRuntime* runtime) { task_runtime_override_ = runtime; }
  // A runtime event, delivered ON THE STATE STRAND: moves the task it names (key = task ARN).
  void on_task_event(const runtime::TaskEvent& event);
  // The VPC state (shared with EC2), loopback "public" addresses included.
  vpc::VpcRegistry& networks() { return *networks_; }
  const vpc::VpcRegistry& networks() const { return *networks_; }
  // How long STOPPED tasks stay describable (pruned lazily by the task operations).
  void set_task_retention(Clock::duration retention) { task_retention_ = retention; }
  Clock::duration task_retention() const { return task_retention_; }
  // CloudWatch Logs' groups, for awslogs containers (api/ecs/task_log_groups.cpp): the port, or
  // the override (unit tests); without either RunTask checks no log group.
  LogGroupDirectory* log_groups() const;
  void set_log_groups(LogGroupDirectory* groups) { log_groups_override_ = groups; }
  // ELBv2's target groups, for services with loadBalancers: the port, or the override (unit
  // tests); without either the target groups are not checked.
  TargetGroupDirectory* target_groups() const;
  void set_target_groups(TargetGroupDirectory* groups) { target_groups_override_ = groups; }
  // Cloud Map, for serviceRegistries and Service Connect: the port, or the override (unit tests);
  // without either the configurations are stored as given and nothing resolves.
  ServiceDiscovery* discovery() const;
  ExecSessions* exec_sessions() const;
  void set_exec_sessions(ExecSessions* sessions) { exec_sessions_override_ = sessions; }
  void set_discovery(ServiceDiscovery* discovery) { discovery_override_ = discovery; }
  // The SecretResolver ports (SSM, Secrets Manager) task `secrets` are read through at launch,
  // or the overrides (unit tests).
  std::vector<SecretResolver*> secret_resolvers() const;
  void set_secret_resolvers(std::vector<SecretResolver*> resolvers) { secret_resolvers_override_ = std::move(resolvers); }
  // The task's ENI in the VPC state (in use or released), null without one.
  const vpc::NetworkInterface* eni_of(const Task& task) const;
  // Tells every TaskObserver (ELBv2, Cloud Map, metrics, the console).
  void publish_task_change(TaskChange change, const Task& task) const;

  // --- the task metadata and credentials endpoints (api/ecs/task_endpoints.hpp) ---
  // The first 8 hex digits of every endpoint id (api/ports/task_metadata.hpp: endpoint_route).
  void set_endpoint_route(std::string route) { endpoint_route_ = std::move(route); }
  const std::string& endpoint_route() const { return endpoint_route_; }
  TaskEndpoints& endpoints() { return endpoints_; }
  // The server's DataPlane port (listeners services open), null without one.
  DataPlane* data_plane() const { return ports_ ? ports_->find<DataPlane>() : nullptr; }
  // The port registry (null before connect).
  Ports* ports() const { return ports_; }
  // STS's RoleCredentialIssuer (task-role credentials), or the override (unit tests).
  RoleCredentialIssuer* credential_issuer() const;
  void set_credential_issuer(RoleCredentialIssuer* issuer) { credential_issuer_override_ = issuer; }

  // --- services (api/ecs/service_ops.cpp, service_scheduler.cpp) ---
  SchedulerSettings& scheduler() { return scheduler_; }

  // --- tags: one resolver per ARN resource type (see tags.hpp) ---
  void register_tag_resolver(const std::string& resource_type, TagResolver resolver) {
    tag_resolvers_[resource_type] = std::move(resolver);
  }
  void unregister_tag_resolver(const std::string& resource_type) { tag_resolvers_.erase(resource_type); }
  const TagResolver* find_tag_resolver(const std::string& resource_type) const;

 private:
  std::shared_ptr<IdSource> ids_;
  EcsStore store_;
  OperationTable table_;
  Ports* ports_ = nullptr;
  runtime::TaskRuntime* task_runtime_override_ = nullptr;
  LogGroupDirectory* log_groups_override_ = nullptr;
  ServiceDiscovery* discovery_override_ = nullptr;
  ExecSessions* exec_sessions_override_ = nullptr;
  TargetGroupDirectory* target_groups_override_ = nullptr;
  std::vector<SecretResolver*> secret_resolvers_override_;
  RoleCredentialIssuer* credential_issuer_override_ = nullptr;
  std::string endpoint_route_ = api::endpoint_route("default");
  TaskEndpoints endpoints_{*this};
  std::shared_ptr<vpc::VpcRegistry> networks_;
  Clock::duration task_retention_ = std::chrono::hours(1);
  SchedulerSettings scheduler_;
  UsageMetrics usage_metrics_;
  std::map<std::string, TagResolver> tag_resolvers_;
};

// Each area adds its operations; defined in the area's *_ops.cpp file.
void register_cluster_operations(EcsProvider& provider, OperationTable& table);
void register_task_definition_operations(EcsProvider& provider, OperationTable& table);
void register_tag_operations(EcsProvider& provider, OperationTable& table);
void register_account_setting_operations(EcsProvider& provider, OperationTable& table);
void register_task_operations(EcsProvider& provider, OperationTable& table);
void register_service_operations(EcsProvider& provider, OperationTable& table);
void register_exec_operations(EcsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::ecs
