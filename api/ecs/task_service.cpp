#include "api/ecs/task_service.hpp"

#include "api/ecs/arn.hpp"
#include "api/ecs/task_log_groups.hpp"
#include "api/ecs/task_spec_builder.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::api::ecs {
namespace {

runtime::TaskEvent task_event(runtime::TaskEvent::Kind kind, const Task& task, const std::string& reason, TimePoint at) {
  runtime::TaskEvent event;
  event.kind = kind;
  event.key = task.arn;
  event.reason = reason;
  event.at = at;
  return event;
}

void release_addresses(EcsProvider& provider, const Task& task) {
  if (!task.attachment) return;
  const auto& eni = *task.attachment;
  vpc::VpcRegistry& networks = provider.networks();
  vpc::VpcState& state = networks.at(task.account_id, task.region);
  if (!eni.private_ipv4.empty()) networks.release(state, eni.pool_subnet_id, eni.private_ipv4);
  state.enis.erase(eni.eni_id);
  state.tags.erase(eni.eni_id);
  if (!eni.public_ipv4.empty()) provider.public_ips().release(eni.public_ipv4);
}

}  // namespace

void sync_cluster_usage(EcsState& state, Task& task) {
  const auto wanted = usage_bucket(task);
  if (wanted == task.counted_bucket) return;
  if (Cluster* cluster = state.clusters.find(task.cluster_name)) {
    if (task.counted_bucket) cluster->usage.add_task(*task.counted_bucket, task.capacity_kind, -1);
    if (wanted) cluster->usage.add_task(*wanted, task.capacity_kind, +1);
  }
  task.counted_bucket = wanted;
}

void settle_task(EcsProvider& provider, EcsState& state, Task& task, const LifecycleOutcome& outcome) {
  sync_cluster_usage(state, task);
  if (outcome.reached_stopped) release_addresses(provider, task);
  if (!outcome.stop_runtime) return;
  if (runtime::TaskRuntime* runtime = provider.task_runtime()) {
    runtime->stop(task.arn);
    return;
  }
  // Nothing runs it: it stops right away.
  const TimePoint at = task.stopping_at.value_or(task.created_at);
  settle_task(provider, state, task, apply_task_event(task, task_event(runtime::TaskEvent::Kind::TaskStopped, task, "", at)));
}

void fail_task_locally(EcsProvider& provider, EcsState& state, Task& task, const std::string& reason, TimePoint at) {
  using Kind = runtime::TaskEvent::Kind;
  settle_task(provider, state, task, apply_task_event(task, task_event(Kind::TaskFailed, task, reason, at)));
  settle_task(provider, state, task, apply_task_event(task, task_event(Kind::TaskStopped, task, "", at)));
}

void launch_task(EcsProvider& provider, EcsState& state, Task& task, const TaskDefinition& definition, TimePoint now) {
  runtime::TaskRuntime* runtime = provider.task_runtime();
  std::optional<std::string> reason = runtime ? unsupported_start_reason(definition) : std::optional<std::string>(kNoRuntimeReason);
  if (!reason && provider.log_groups()) reason = prepare_log_groups(*provider.log_groups(), task, definition);
  if (reason) {
    fail_task_locally(provider, state, task, *reason, now);
    return;
  }
  const vpc::VpcState& networks = provider.networks().at(task.account_id, task.region);
  const vpc::Vpc* vpc = task.attachment ? networks.find_vpc(task.attachment->vpc_id) : nullptr;
  runtime->launch(build_task_spec(task, definition, vpc ? *vpc : networks.default_vpc()));
}

void prune_stopped_tasks(EcsProvider& provider, EcsState& state, TimePoint now) {
  for (const auto& arn : state.tasks.prune(now, provider.task_retention())) state.tags.erase(arn);
}

void EcsProvider::on_task_event(const runtime::TaskEvent& event) {
  auto arn = parse_arn(event.key);
  if (!arn || arn->service != "ecs" || arn->type() != "task") return;
  EcsState* state = store_.find(arn->account, arn->region);
  Task* task = state ? state->tasks.find_by_arn(event.key) : nullptr;
  if (!task) return;  // pruned, reset, or not ours
  settle_task(*this, *state, *task, apply_task_event(*task, event));
  if (event.kind == runtime::TaskEvent::Kind::NetworkReady && task->attachment) {
    // EC2 shows the MAC the pause container got.
    auto& enis = networks().at(task->account_id, task->region).enis;
    if (auto it = enis.find(task->attachment->eni_id); it != enis.end()) it->second.mac_address = task->attachment->mac_address;
  }
  // Edge-triggered: the task's service reacts now, not at the next tick.
  constexpr std::string_view kServiceGroup = "service:";
  if (task->group.rfind(kServiceGroup, 0) == 0)
    if (EcsService* service = state->services.find(task->cluster_name, task->group.substr(kServiceGroup.size())))
      reconcile_service(*this, *state, *service, event.at);
}

void EcsProvider::tick(Clock::time_point now) {
  store_.for_each([&](EcsState& state) {
    for (const auto& arn : state.services.prune(now, task_retention_)) state.tags.erase(arn);
    prune_stopped_tasks(*this, state, now);
    for (EcsService* service : state.services.all()) reconcile_service(*this, state, *service, now);
  });
}

}  // namespace ecslocal::api::ecs
