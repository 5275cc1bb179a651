#pragma once
// The task state machine, pure: it applies what the container runtime reports (a TaskEvent) or a
// stop request to a Task at a given time and says what happened. No I/O, no clock, no counters:
// the provider moves cluster counters, releases addresses and tells the runtime to stop.
//
//   PROVISIONING ──NetworkReady──▶ PENDING (ENI ATTACHED, connectivity CONNECTED)
//   PENDING ──every container RUNNING (or a non-essential one already exited)──▶ RUNNING (startedAt)
//   an essential container stops ─▶ desiredStatus STOPPED, EssentialContainerExited, stop the task
//   TaskFailed ─▶ desiredStatus STOPPED, TaskFailedToStart, containers that never ran STOPPED
//   stop request ─▶ desiredStatus STOPPED with the caller's stopCode/reason, stop the task
//   deactivation (load-balanced task) ─▶ DEACTIVATING until the delay ends, then STOPPING, stop the task
//   a container stops while the task is being stopped ─▶ STOPPING
//   TaskStopped ─▶ (DEPROVISIONING) STOPPED: stoppedAt, every container STOPPED, ENI DELETED
//
// Statuses only move forward: late or repeated events never take a task back, and nothing
// changes a STOPPED task. `version` goes up by one for each call that changed something a client
// can see (a status, a health status, an exit code); timestamps alone (pulls) do not count.
#include <string>

#include "api/ecs/task_model.hpp"
#include "runtime/task_spec.hpp"

namespace ecslocal::api::ecs {

constexpr size_t kMaxReasonLength = 255;
inline constexpr const char* kEssentialExitedReason = "Essential container in task exited";
inline constexpr const char* kFailedToStartReason = "Task failed to start";

struct LifecycleOutcome {
  bool changed = false;          // something visible changed (version was bumped)
  bool stop_runtime = false;     // the runtime must be told to stop the task
  bool reached_stopped = false;  // the task just became STOPPED (release what it holds)
};

LifecycleOutcome apply_task_event(Task& task, const runtime::TaskEvent& event);

// StopTask, or a scheduler's stop: desiredStatus STOPPED with `code` and `reason`, stoppingAt.
// A task whose desired status is already STOPPED is left as it is.
LifecycleOutcome request_stop(Task& task, StopCode code, const std::string& reason, TimePoint at);

// A RUNNING task of a load-balanced service is stopped: desiredStatus STOPPED with `code` and
// `reason`, lastStatus DEACTIVATING until `until` (its targets drain meanwhile); the runtime is not
// told yet. A task not RUNNING is stopped as request_stop does.
LifecycleOutcome request_deactivation(Task& task, StopCode code, const std::string& reason, TimePoint at, TimePoint until);

// The end of DEACTIVATING (the deregistration delay is over): STOPPING, and the runtime must stop
// the task. Nothing happens to a task that is not deactivating.
LifecycleOutcome end_deactivation(Task& task);

// Task healthStatus from the essential containers that define a health check: UNHEALTHY if any
// of them is, HEALTHY if all are, else UNKNOWN (also when none has a check).
HealthStatus aggregate_health(const Task& task);

}  // namespace ecslocal::api::ecs
