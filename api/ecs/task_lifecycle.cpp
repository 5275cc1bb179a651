#include "api/ecs/task_lifecycle.hpp"

namespace ecslocal::api::ecs {
namespace {

using Kind = runtime::TaskEvent::Kind;

std::string clip(const std::string& text) { return text.size() > kMaxReasonLength ? text.substr(0, kMaxReasonLength) : text; }

void set_once(std::optional<TimePoint>& field, TimePoint at) {
  if (!field) field = at;
}

// Moves lastStatus forward to `status`; never back.
bool advance(Task& task, TaskStatus status) {
  if (status <= task.last_status) return false;
  task.last_status = status;
  return true;
}

bool set_desired_stopped(Task& task, StopCode code, const std::string& reason, TimePoint at) {
  if (task.desired_status == DesiredStatus::Stopped) return false;
  task.desired_status = DesiredStatus::Stopped;
  task.stop_code = code;
  task.stopped_reason = clip(reason);
  set_once(task.stopping_at, at);
  return true;
}

bool refresh_health(Task& task) {
  const HealthStatus health = aggregate_health(task);
  if (health == task.health) return false;
  task.health = health;
  return true;
}

// RUNNING once every container runs, or is a non-essential one that already exited.
bool maybe_running(Task& task, TimePoint at) {
  if (task.desired_status != DesiredStatus::Running || task.last_status >= TaskStatus::Running) return false;
  for (const auto& c : task.containers) {
    const bool done = c.status == ContainerStatus::Running || (c.status == ContainerStatus::Stopped && !c.essential);
    if (!done) return false;
  }
  task.last_status = TaskStatus::Running;
  task.started_at = at;
  return true;
}

bool on_network_ready(Task& task, const runtime::TaskEvent& e) {
  bool changed = false;
  // The ENI's MAC and address are the VPC state's (the provider records them from the event).
  if (task.attachment && task.attachment->status == AttachmentStatus::Precreated) {
    task.attachment->status = AttachmentStatus::Attached;
    changed = true;
  }
  if (!task.connected) {
    task.connected = true;
    task.connectivity_at = e.at;
    changed = true;
  }
  return advance(task, TaskStatus::Pending) || changed;
}

bool on_container_started(Task& task, const runtime::TaskEvent& e) {
  Container* c = task.find_container(e.container);
  if (!c) return false;
  if (c->runtime_id.empty()) c->runtime_id = e.runtime_id;
  if (c->image_digest.empty()) c->image_digest = e.image_digest;
  if (!c->started_at) c->started_at = e.at;
  bool changed = advance(task, TaskStatus::Pending);
  if (c->status == ContainerStatus::Pending) {
    c->status = ContainerStatus::Running;
    changed = true;
  }
  return maybe_running(task, e.at) || changed;
}

bool on_container_health(Task& task, const runtime::TaskEvent& e) {
  Container* c = task.find_container(e.container);
  if (!c || !c->has_health_check || c->status == ContainerStatus::Stopped) return false;
  HealthStatus health = HealthStatus::Unknown;
  if (e.health == "healthy") health = HealthStatus::Healthy;
  if (e.health == "unhealthy") health = HealthStatus::Unhealthy;
  if (health == c->health) return false;
  c->health = health;
  refresh_health(task);
  return true;
}

LifecycleOutcome on_container_stopped(Task& task, const runtime::TaskEvent& e) {
  LifecycleOutcome out;
  Container* c = task.find_container(e.container);
  if (!c) return out;
  if (c->status != ContainerStatus::Stopped) {
    c->status = ContainerStatus::Stopped;
    c->exit_code = e.exit_code;
    if (c->started_at) c->finished_at = e.at;
    if (!e.reason.empty()) c->reason = clip(e.reason);
    out.changed = true;
  } else if (!c->exit_code && e.exit_code) {
    c->exit_code = e.exit_code;  // the runtime learned the code after a failure report
    out.changed = true;
  }
  if (c->essential) {
    set_once(task.execution_stopped_at, e.at);
    if (set_desired_stopped(task, StopCode::EssentialContainerExited, kEssentialExitedReason, e.at))
      out.changed = out.stop_runtime = true;
    // Died while its targets drained: nothing is left to wait for, the runtime tidies up now.
    if (task.deactivating_until) {
      task.deactivating_until.reset();
      out.changed = out.stop_runtime = true;
    }
  }
  if (task.desired_status == DesiredStatus::Stopped)
    out.changed = advance(task, TaskStatus::Stopping) || out.changed;
  else
    out.changed = maybe_running(task, e.at) || out.changed;
  return out;
}

bool on_task_failed(Task& task, const runtime::TaskEvent& e) {
  const std::string reason = e.reason.empty() ? kFailedToStartReason : e.reason;
  bool changed = set_desired_stopped(task, StopCode::TaskFailedToStart, reason, e.at);
  for (auto& c : task.containers) {
    if (c.status != ContainerStatus::Pending) continue;
    c.status = ContainerStatus::Stopped;
    if (c.name == e.container) c.reason = clip(reason);
    changed = true;
  }
  return changed;
}

LifecycleOutcome on_task_stopped(Task& task, const runtime::TaskEvent& e) {
  if (task.started_at)
    set_desired_stopped(task, StopCode::EssentialContainerExited, e.reason.empty() ? kEssentialExitedReason : e.reason, e.at);
  else
    set_desired_stopped(task, StopCode::TaskFailedToStart, e.reason.empty() ? kFailedToStartReason : e.reason, e.at);
  for (auto& c : task.containers) c.status = ContainerStatus::Stopped;
  task.deactivating_until.reset();
  if (task.attachment) task.attachment->status = AttachmentStatus::Deleted;
  set_once(task.execution_stopped_at, e.at);
  task.stopped_at = e.at;
  task.last_status = TaskStatus::Stopped;  // passing through DEPROVISIONING: the runtime freed the network
  LifecycleOutcome out;
  out.changed = out.reached_stopped = true;
  return out;
}

}  // namespace

HealthStatus aggregate_health(const Task& task) {
  bool any_check = false, all_healthy = true;
  for (const auto& c : task.containers) {
    if (!c.essential || !c.has_health_check) continue;
    any_check = true;
    if (c.health == HealthStatus::Unhealthy) return HealthStatus::Unhealthy;
    if (c.health != HealthStatus::Healthy) all_healthy = false;
  }
  return any_check && all_healthy ? HealthStatus::Healthy : HealthStatus::Unknown;
}

LifecycleOutcome apply_task_event(Task& task, const runtime::TaskEvent& event) {
  LifecycleOutcome out;
  if (task.stopped()) return out;
  switch (event.kind) {
    case Kind::PullStarted:
      set_once(task.pull_started_at, event.at);
      break;
    case Kind::PullStopped:
      set_once(task.pull_stopped_at, event.at);
      break;
    case Kind::NetworkReady:
      out.changed = on_network_ready(task, event);
      break;
    case Kind::ContainerStarted:
      out.changed = on_container_started(task, event);
      break;
    case Kind::ContainerHealth:
      out.changed = on_container_health(task, event);
      break;
    case Kind::ContainerStopped:
      out = on_container_stopped(task, event);
      break;
    case Kind::TaskFailed:
      out.changed = on_task_failed(task, event);
      break;
    case Kind::TaskStopped:
      out = on_task_stopped(task, event);
      break;
  }
  if (out.changed) ++task.version;
  return out;
}

LifecycleOutcome request_stop(Task& task, StopCode code, const std::string& reason, TimePoint at) {
  LifecycleOutcome out;
  if (task.stopped() || !set_desired_stopped(task, code, reason, at)) return out;
  ++task.version;
  out.changed = out.stop_runtime = true;
  return out;
}

LifecycleOutcome request_deactivation(Task& task, StopCode code, const std::string& reason, TimePoint at, TimePoint until) {
  if (task.last_status != TaskStatus::Running || task.desired_status != DesiredStatus::Running)
    return request_stop(task, code, reason, at);
  LifecycleOutcome out;
  set_desired_stopped(task, code, reason, at);
  task.last_status = TaskStatus::Deactivating;
  task.deactivating_until = until;
  ++task.version;
  out.changed = true;
  return out;
}

LifecycleOutcome end_deactivation(Task& task) {
  LifecycleOutcome out;
  if (!task.deactivating_until || task.stopped()) return out;
  task.deactivating_until.reset();
  advance(task, TaskStatus::Stopping);
  ++task.version;
  out.changed = out.stop_runtime = true;
  return out;
}

}  // namespace ecslocal::api::ecs
