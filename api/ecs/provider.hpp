#pragma once
// Amazon ECS: the operation table and the state it acts on. Operation handlers live in one file
// per area (clusters, task definitions, tags, account settings, ...), each registering its
// operations here; handlers are named like the operation (create_cluster, run_task).
#include <chrono>
#include <memory>

#include "api/common/ids.hpp"
#include "api/ecs/service_scheduler.hpp"
#include "api/ecs/state.hpp"
#include "api/ecs/task_network.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::runtime {
class TaskRuntime;
struct TaskEvent;
}  // namespace ecslocal::runtime

namespace ecslocal::api {
class LogGroupDirectory;
}  // namespace ecslocal::api

namespace ecslocal::api::ecs {

class EcsProvider : public Service {
 public:
  // `networks`: the VPC state shared with EC2 (the app owns it); a private one when null.
  explicit EcsProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>(),
                       std::shared_ptr<vpc::VpcRegistry> networks = nullptr);

  std::string_view name() const override { return "ecs"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  void reset() override {
    store_.clear();
    networks_->clear();
    public_ips_.clear();
  }
  std::string validation_error_code() const override { return "InvalidParameterException"; }

  EcsState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  IdSource& ids() { return *ids_; }

  // --- tasks (api/ecs/task_service.cpp) ---
  // The container runtime tasks run on; without one, RunTask's tasks fail at once.
  void set_task_runtime(runtime::TaskRuntime* runtime) { task_runtime_ = runtime; }
  runtime::TaskRuntime* task_runtime() const { return task_runtime_; }
  // A runtime event, delivered ON THE STATE STRAND: moves the task it names (key = task ARN).
  void on_task_event(const runtime::TaskEvent& event);
  // The VPC state (shared with EC2) and the loopback "public" addresses.
  vpc::VpcRegistry& networks() { return *networks_; }
  PublicAddressPool& public_ips() { return public_ips_; }
  // How long STOPPED tasks stay describable (pruned lazily by the task operations).
  void set_task_retention(Clock::duration retention) { task_retention_ = retention; }
  Clock::duration task_retention() const { return task_retention_; }
  // CloudWatch Logs' groups, for awslogs containers (api/ecs/task_log_groups.cpp); without it
  // RunTask checks no log group.
  void set_log_groups(LogGroupDirectory* groups) { log_groups_ = groups; }
  LogGroupDirectory* log_groups() const { return log_groups_; }

  // --- services (api/ecs/service_ops.cpp, service_scheduler.cpp) ---
  SchedulerSettings& scheduler() { return scheduler_; }
  // The slow level-triggered pass over every service; run ON THE STATE STRAND (about once a second).
  void tick(Clock::time_point now);

 private:
  std::shared_ptr<IdSource> ids_;
  EcsStore store_;
  OperationTable table_;
  runtime::TaskRuntime* task_runtime_ = nullptr;
  std::shared_ptr<vpc::VpcRegistry> networks_;
  PublicAddressPool public_ips_;
  Clock::duration task_retention_ = std::chrono::hours(1);
  SchedulerSettings scheduler_;
  LogGroupDirectory* log_groups_ = nullptr;
};

// Each area adds its operations; defined in the area's *_ops.cpp file.
void register_cluster_operations(EcsProvider& provider, OperationTable& table);
void register_task_definition_operations(EcsProvider& provider, OperationTable& table);
void register_tag_operations(EcsProvider& provider, OperationTable& table);
void register_account_setting_operations(EcsProvider& provider, OperationTable& table);
void register_task_operations(EcsProvider& provider, OperationTable& table);
void register_service_operations(EcsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::ecs
