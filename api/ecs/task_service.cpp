#include "api/ecs/task_service.hpp"

#include "api/ecs/arn.hpp"
#include "api/ecs/service_connect.hpp"
#include "api/ecs/task_log_groups.hpp"
#include "api/ecs/task_secrets.hpp"
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

// The ENI leaves EC2's list (kept, released, for DescribeTasks) and gives back its addresses.
void release_addresses(EcsProvider& provider, const Task& task) {
  if (!task.attachment) return;
  vpc::VpcRegistry& networks = provider.networks();
  vpc::VpcState& state = networks.at(task.account_id, task.region);
  auto it = state.enis.find(task.attachment->eni_id);
  if (it == state.enis.end()) return;
  const vpc::NetworkInterface& eni = it->second;
  if (!eni.private_ipv4.empty()) networks.release(state, eni.subnet_id, eni.private_ipv4, task.arn);
  if (!eni.public_ipv4.empty()) networks.public_ips().release(eni.public_ipv4, task.arn);
  state.tags.erase(eni.id);
  state.released_enis[eni.id] = std::move(it->second);
  state.enis.erase(it);
}

// What the runtime found: the MAC of the pause container, and the address it really got (another
// process's container may have held the planned one: the runtime then took the next free one).
void record_network(EcsProvider& provider, Task& task, const runtime::TaskEvent& event) {
  if (!event.endpoints_address.empty()) {
    task.endpoint_address = event.endpoints_address;
    provider.endpoints().on_task_network(provider.data_plane());
  }
  if (!task.attachment) return;
  vpc::VpcRegistry& networks = provider.networks();
  vpc::VpcState& state = networks.at(task.account_id, task.region);
  auto it = state.enis.find(task.attachment->eni_id);
  if (it == state.enis.end()) return;
  vpc::NetworkInterface& eni = it->second;
  if (!event.mac_address.empty()) eni.mac_address = event.mac_address;
  if (!event.ipv4_address.empty() && event.ipv4_address != eni.private_ipv4) {
    networks.claim(state, eni.subnet_id, event.ipv4_address, task.arn);
    networks.release(state, eni.subnet_id, eni.private_ipv4, task.arn);
    eni.private_ipv4 = event.ipv4_address;
    eni.private_dns_name = vpc::private_dns_name(task.region, event.ipv4_address);
  }
}

// Tells the observers what changed since they were last told.
void publish_changes(const EcsProvider& provider, Task& task) {
  if (!task.observed_running && task.last_status == TaskStatus::Running && !task.stopped()) {
    task.observed_running = true;
    task.observed_health = task.health;
    provider.publish_task_change(TaskChange::Running, task);
  }
  if (task.observed_running && !task.observed_stopping && task.health != task.observed_health && !task.stopped()) {
    task.observed_health = task.health;
    provider.publish_task_change(TaskChange::HealthChanged, task);
  }
  if (!task.observed_stopping && (task.desired_status == DesiredStatus::Stopped || task.last_status > TaskStatus::Running)) {
    task.observed_stopping = true;
    provider.publish_task_change(TaskChange::Stopping, task);
  }
  if (!task.observed_stopped && task.stopped()) {
    task.observed_stopped = true;
    provider.publish_task_change(TaskChange::Stopped, task);
  }
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
  publish_changes(provider, task);
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
  ResolvedSecrets secrets;
  if (!reason) reason = resolve_task_secrets(provider.secret_resolvers(), task, definition, secrets);
  if (!reason && provider.log_groups()) reason = prepare_log_groups(*provider.log_groups(), task, definition);
  if (reason) {
    fail_task_locally(provider, state, task, *reason, now);
    return;
  }
  const vpc::VpcState& networks = provider.networks().at(task.account_id, task.region);
  const vpc::NetworkInterface* eni = provider.eni_of(task);
  const vpc::Vpc* vpc = eni ? networks.find_vpc(eni->vpc_id) : nullptr;
  runtime::TaskSpec spec = build_task_spec(task, definition, vpc ? *vpc : networks.default_vpc(), eni, &secrets,
                                             provider.endpoints().api_url());
  if (eni) {
    auto subnet = networks.subnets.find(eni->subnet_id);
    if (subnet != networks.subnets.end()) spec.network.subnet_cidr = subnet->second.cidr();
  }
  if (!task.service_name.empty())
    if (const EcsService* service = state.services.find(task.cluster_name, task.service_name))
      task.service_connect_hosts =
          apply_discovery(spec, state, *service, task, provider.discovery(),
                          std::string("http://") + kTaskEndpointsAddress + "/api/" + task.endpoint_id + "/service-connect");
  task.service_connect = !spec.network.pause_command.empty();
  runtime->launch(std::move(spec));
}

void prune_stopped_tasks(EcsProvider& provider, EcsState& state, TimePoint now) {
  for (const auto& task : state.tasks.prune(now, provider.task_retention())) {
    state.tags.erase(task->arn);
    if (task->attachment)
      if (vpc::VpcState* networks = provider.networks().states().find(task->account_id, task->region))
        networks->released_enis.erase(task->attachment->eni_id);
  }
}

void EcsProvider::on_task_event(const runtime::TaskEvent& event) {
  auto arn = parse_arn(event.key);
  if (!arn || arn->service != "ecs" || arn->type() != "task") return;
  EcsState* state = store_.find(arn->account, arn->region);
  Task* task = state ? state->tasks.find_by_arn(event.key) : nullptr;
  if (!task) return;  // pruned, reset, or not ours
  if (event.kind == runtime::TaskEvent::Kind::NetworkReady) record_network(*this, *task, event);
  settle_task(*this, *state, *task, apply_task_event(*task, event));
  // Edge-triggered: the task's service reacts now, not at the next tick.
  if (!task->service_name.empty())
    if (EcsService* service = state->services.find(task->cluster_name, task->service_name))
      reconcile_service(*this, *state, *service, event.at);
}

void EcsProvider::tick(Clock::time_point now) {
  store_.for_each([&](const std::string&, const std::string&, EcsState& state) {
    for (const auto& arn : state.services.prune(now, task_retention_)) state.tags.erase(arn);
    prune_stopped_tasks(*this, state, now);
    for (EcsService* service : state.services.all()) reconcile_service(*this, state, *service, now);
  });
  usage_metrics_.tick(*this, now);
}

}  // namespace ecslocal::api::ecs
