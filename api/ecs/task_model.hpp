#pragma once
// The ECS task entity (a task and its containers) and its registry (one per account and region).
//
// Statuses are enums here; their wire spelling lives in task_mapping. A task only moves forward
// (see task_lifecycle): lastStatus and container lastStatus never go back, desiredStatus goes
// RUNNING → STOPPED once, stopCode/stoppedReason are written once.
//
// Cluster counters: `counted_bucket` is the ClusterUsage bucket the task is currently counted in
// (nullopt once STOPPED); the provider moves the cluster's counters whenever `usage_bucket(task)`
// differs from it, so every path (RunTask, events, failures, StopTask) keeps them true.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/task_definition_model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

// In the order a task goes through them.
enum class TaskStatus { Provisioning, Pending, Activating, Running, Deactivating, Stopping, Deprovisioning, Stopped };
enum class ContainerStatus { Pending, Running, Stopped };
enum class DesiredStatus { Running, Stopped };
enum class HealthStatus { Unknown, Healthy, Unhealthy };
enum class StopCode { None, TaskFailedToStart, EssentialContainerExited, UserInitiated, ServiceSchedulerInitiated };
enum class AttachmentStatus { Precreated, Attached, Deleted };

using TimePoint = Clock::time_point;

struct Container {
  std::string name, arn, image;
  std::string image_digest, runtime_id;  // from the runtime once started
  ContainerStatus status = ContainerStatus::Pending;
  std::optional<int> exit_code;
  std::string reason;  // why it stopped, when known (≤255 characters)
  HealthStatus health = HealthStatus::Unknown;
  bool essential = true;
  bool has_health_check = false;  // only checks of the task definition are reported
  int cpu = 0;                    // after overrides
  std::optional<int> memory, memory_reservation;
  std::optional<TimePoint> started_at, finished_at;  // from the runtime's events
};

// RunTask's overrides as the task keeps (and reports) them.
struct ContainerOverride {
  std::string name;
  std::optional<std::vector<std::string>> command;
  std::optional<std::vector<EnvironmentVariable>> environment;
  std::optional<int> cpu, memory, memory_reservation;
};

struct TaskOverrides {
  std::vector<ContainerOverride> containers;  // one per container of the definition, in its order
  std::optional<std::string> cpu, memory;     // normalised ("1 vCPU" → "1024")
  std::optional<std::string> task_role_arn, execution_role_arn;
  std::optional<int> ephemeral_storage_gib;
  const ContainerOverride* find(const std::string& name) const;
};

// An awsvpcConfiguration, as RunTask, CreateService or UpdateService gave it.
struct AwsVpcConfiguration {
  std::vector<std::string> subnets, security_groups;
  std::string assign_public_ip = "DISABLED";  // ENABLED | DISABLED
};

// The ENI attachment of an awsvpc task. The ENI itself (subnet, addresses, MAC, groups) is stored
// once, in the VPC state: vpc::VpcState::enis while the task holds it (EC2 lists it), then
// vpc::VpcState::released_enis once the task stopped (still described by DescribeTasks) until the
// task is forgotten.
struct NetworkAttachment {
  std::string id;      // attachment id (UUID)
  std::string eni_id;  // eni-...
  AttachmentStatus status = AttachmentStatus::Precreated;
};

struct Task {
  // Identity.
  std::string id, arn;
  std::string account_id, region;
  std::string cluster_name, cluster_arn;
  std::string task_definition_arn, family;
  long long revision = 0;
  std::uint64_t sequence = 0;  // creation order within the registry (listing order)

  // Placement.
  std::string launch_type = "FARGATE";
  std::string capacity_provider_name;  // when a capacity provider strategy placed it
  std::string platform_version, platform_family, availability_zone, cpu_architecture;
  std::optional<std::string> cpu, memory;  // task size, as strings ("256")
  std::optional<int> ephemeral_storage_gib;
  std::string group, started_by, reference_id;
  std::string service_name;  // the service that runs it (empty for RunTask's tasks)
  bool enable_execute_command = false;
  TaskOverrides overrides;
  std::optional<NetworkAttachment> attachment;
  std::vector<Container> containers;
  // The task metadata and credentials endpoints (api/ecs/task_endpoints.hpp): the random id of the
  // task's metadata URIs (a container's is "<endpoint_id>-<10 digits>"), the id of its
  // credentials path (only with a task role), and that role (override, else the definition's).
  std::string endpoint_id, credentials_id, task_role_arn;
  // The task's address on the endpoints network (the runtime's NetworkReady): requests relayed from
  // another address are not this task's, whatever id they carry.
  std::string endpoint_address;
  // The task runs a Service Connect proxy (api/ecs/service_connect.hpp): DescribeTasks shows its
  // ecs-service-connect-<6> container; the endpoint hosts it was given at launch are the only
  // ones its proxy serves.
  bool service_connect = false;
  std::vector<std::string> service_connect_hosts;

  // State.
  TaskStatus last_status = TaskStatus::Provisioning;
  DesiredStatus desired_status = DesiredStatus::Running;
  HealthStatus health = HealthStatus::Unknown;
  StopCode stop_code = StopCode::None;
  std::string stopped_reason;
  bool connected = false;
  long long version = 1;
  TimePoint created_at{};
  std::optional<TimePoint> connectivity_at, pull_started_at, pull_stopped_at, started_at;
  std::optional<TimePoint> stopping_at, execution_stopped_at, stopped_at;

  // Bookkeeping (not on the wire).
  std::optional<TaskBucket> counted_bucket;
  bool failure_counted = false;  // a service deployment counted its stop as a failure
  // DEACTIVATING (a load-balanced service's task on its way out): the runtime is told to stop it
  // once the virtual clock reaches this (its target groups' deregistration delay).
  std::optional<TimePoint> deactivating_until;
  bool targets_registered = false;  // the service recorded its "registered ... targets" events
  // What the TaskObservers were last told (see EcsProvider::publish_task_change).
  bool observed_running = false, observed_stopping = false, observed_stopped = false;
  HealthStatus observed_health = HealthStatus::Unknown;
  CapacityKind capacity_kind = CapacityKind::Fargate;

  bool stopped() const { return last_status == TaskStatus::Stopped; }
  Container* find_container(const std::string& name);
  const Container* find_container(const std::string& name) const;
};

// The bucket a task belongs in: Pending until it has run, Running once it reached RUNNING, none
// once STOPPED (a stopping task stays where it was until STOPPED).
std::optional<TaskBucket> usage_bucket(const Task& task);

class TaskRegistry {
 public:
  Task& add(Task task);  // sets `sequence`
  Task* find_by_arn(const std::string& arn);
  const Task* find_by_arn(const std::string& arn) const;
  // Every task in creation order.
  std::vector<Task*> all();
  std::vector<const Task*> all() const;
  // Forgets STOPPED tasks whose stoppedAt is at least `retention` before `now`; returns them.
  std::vector<std::unique_ptr<Task>> prune(TimePoint now, Clock::duration retention);
  size_t size() const { return tasks_.size(); }

  // Snapshots: the sequence the next task gets; restore() replaces every task by `tasks` (in
  // creation order, their `sequence` kept) and continues numbering at `next_sequence`.
  std::uint64_t next_sequence() const { return next_sequence_; }
  void restore(std::vector<Task> tasks, std::uint64_t next_sequence);

 private:
  std::vector<std::unique_ptr<Task>> tasks_;  // creation order
  std::unordered_map<std::string, Task*> by_arn_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace ecslocal::api::ecs
