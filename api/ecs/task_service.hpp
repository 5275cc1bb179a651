#pragma once
// What every path that moves a task shares (RunTask, StopTask, runtime events): keeping the
// cluster's counters true, releasing the task's addresses once it is STOPPED, telling the runtime
// to stop it, handing a new task to the runtime, and forgetting STOPPED tasks after the retention
// period. Also defines EcsProvider::on_task_event.
#include <string>

#include "api/ecs/provider.hpp"
#include "api/ecs/task_lifecycle.hpp"

namespace ecslocal::api::ecs {

inline constexpr const char* kNoRuntimeReason = "ResourceInitializationError: no container runtime configured";

// After the lifecycle moved `task`: counters follow its bucket; a STOPPED task gives back its
// addresses; a stop the lifecycle asked for goes to the runtime (without a runtime the task stops
// at once).
void settle_task(EcsProvider& provider, EcsState& state, Task& task, const LifecycleOutcome& outcome);

// Moves the cluster's counters so the task is counted in usage_bucket(task) (and nowhere else).
void sync_cluster_usage(EcsState& state, Task& task);

// Hands a new task to the runtime; without one (or when ecslocal cannot run the definition) the
// task fails to start at `now` and is STOPPED before this returns.
void launch_task(EcsProvider& provider, EcsState& state, Task& task, const TaskDefinition& definition, TimePoint now);

// TaskFailed then TaskStopped at `at`, applied here (no runtime involved).
void fail_task_locally(EcsProvider& provider, EcsState& state, Task& task, const std::string& reason, TimePoint at);

// Forgets STOPPED tasks older than the provider's retention (and their tags).
void prune_stopped_tasks(EcsProvider& provider, EcsState& state, TimePoint now);

}  // namespace ecslocal::api::ecs
