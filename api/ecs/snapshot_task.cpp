// Snapshots of tasks: every member of a task, its containers, overrides and ENI attachment, the
// cluster-counter and failure bookkeeping, and the registry's creation order (sequence numbers,
// the next one) that ListTasks follows.
#include <set>

#include "api/ecs/snapshot.hpp"
#include "api/ecs/snapshot_types.hpp"

namespace ecslocal::api::ecs {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_ENUM(TaskStatus, {{TaskStatus::Provisioning, "PROVISIONING"},
                                    {TaskStatus::Pending, "PENDING"},
                                    {TaskStatus::Activating, "ACTIVATING"},
                                    {TaskStatus::Running, "RUNNING"},
                                    {TaskStatus::Deactivating, "DEACTIVATING"},
                                    {TaskStatus::Stopping, "STOPPING"},
                                    {TaskStatus::Deprovisioning, "DEPROVISIONING"},
                                    {TaskStatus::Stopped, "STOPPED"}})
ECSLOCAL_SNAPSHOT_ENUM(ContainerStatus, {{ContainerStatus::Pending, "PENDING"},
                                         {ContainerStatus::Running, "RUNNING"},
                                         {ContainerStatus::Stopped, "STOPPED"}})
ECSLOCAL_SNAPSHOT_ENUM(DesiredStatus, {{DesiredStatus::Running, "RUNNING"}, {DesiredStatus::Stopped, "STOPPED"}})
ECSLOCAL_SNAPSHOT_ENUM(HealthStatus, {{HealthStatus::Unknown, "UNKNOWN"},
                                      {HealthStatus::Healthy, "HEALTHY"},
                                      {HealthStatus::Unhealthy, "UNHEALTHY"}})
ECSLOCAL_SNAPSHOT_ENUM(StopCode, {{StopCode::None, "NONE"},
                                  {StopCode::TaskFailedToStart, "TaskFailedToStart"},
                                  {StopCode::EssentialContainerExited, "EssentialContainerExited"},
                                  {StopCode::UserInitiated, "UserInitiated"},
                                  {StopCode::ServiceSchedulerInitiated, "ServiceSchedulerInitiated"}})
ECSLOCAL_SNAPSHOT_ENUM(AttachmentStatus, {{AttachmentStatus::Precreated, "PRECREATED"},
                                          {AttachmentStatus::Attached, "ATTACHED"},
                                          {AttachmentStatus::Deleted, "DELETED"}})

ECSLOCAL_SNAPSHOT_FIELDS(Container, name, arn, image, image_digest, runtime_id, status, exit_code, reason, health,
                         essential, has_health_check, cpu, memory, memory_reservation, started_at, finished_at)
ECSLOCAL_SNAPSHOT_FIELDS(ContainerOverride, name, command, environment, cpu, memory, memory_reservation)
ECSLOCAL_SNAPSHOT_FIELDS(TaskOverrides, containers, cpu, memory, task_role_arn, execution_role_arn,
                         ephemeral_storage_gib)
ECSLOCAL_SNAPSHOT_FIELDS(NetworkAttachment, id, eni_id, status)  // the ENI itself: the VPC snapshot
ECSLOCAL_SNAPSHOT_FIELDS(Task,
                         // identity
                         id, arn, account_id, region, cluster_name, cluster_arn, task_definition_arn, family, revision,
                         sequence,
                         // placement
                         launch_type, capacity_provider_name, platform_version, platform_family, availability_zone,
                         cpu_architecture, cpu, memory, ephemeral_storage_gib, group, started_by, reference_id,
                         service_name, enable_execute_command, overrides, attachment, containers, endpoint_id,
                         credentials_id, task_role_arn, endpoint_address, service_connect, service_connect_hosts,
                         // state
                         last_status, desired_status, health, stop_code, stopped_reason, connected, version, created_at,
                         connectivity_at, pull_started_at, pull_stopped_at, started_at, stopping_at,
                         execution_stopped_at, stopped_at,
                         // bookkeeping
                         counted_bucket, failure_counted, observed_running, observed_stopping, observed_stopped,
                         observed_health, capacity_kind, deactivating_until, targets_registered)

Json snapshot_task(const Task& task) { return task; }

Task restore_task(const Json& snapshot) {
  Task task = snapshot.get<Task>();
  if (task.arn.empty() || task.id.empty()) throw std::runtime_error("a task needs an id and an ARN");
  return task;
}

Json snapshot_tasks(const TaskRegistry& registry) {
  Json items = Json::array();
  for (const Task* task : registry.all()) items.push_back(snapshot_task(*task));
  return Json{{"next_sequence", registry.next_sequence()}, {"items", std::move(items)}};
}

void restore_tasks(TaskRegistry& registry, const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("tasks must be an object");
  std::vector<Task> tasks;
  std::set<std::string> arns;
  std::uint64_t last_sequence = 0;
  for (const auto& item : snap::array_member(snapshot, "items")) {
    Task task = restore_task(item);
    if (!arns.insert(task.arn).second) throw std::runtime_error("the task " + task.arn + " appears twice");
    if (task.sequence <= last_sequence) throw std::runtime_error("the task " + task.arn + " is out of creation order");
    last_sequence = task.sequence;
    tasks.push_back(std::move(task));
  }
  const std::uint64_t next = snapshot.value("next_sequence", last_sequence + 1);
  if (next <= last_sequence)
    throw std::runtime_error("next_sequence " + std::to_string(next) + " is not past the last task's");
  registry.restore(std::move(tasks), next);
}

}  // namespace ecslocal::api::ecs
