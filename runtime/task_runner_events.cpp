// TaskRunner, Docker's side: container events (die, oom, health_status) turned into TaskEvents,
// and the resync after every (re)connection of the events stream, which inspects the containers
// of known tasks and reports the exits and health changes the stream did not deliver.
#include <unordered_map>

#include "runtime/task_runner.hpp"
#include "runtime/task_runner_records.hpp"

namespace ecslocal::runtime {

void TaskRunner::on_docker_event(const ContainerEvent& event) {
  IdRef ref;
  {
    std::lock_guard lock(mutex_);
    auto it = ids_.find(event.id);
    if (it == ids_.end()) return;
    ref = it->second;
  }
  const TaskPtr& task = ref.task;
  switch (event.action) {
    case ContainerAction::oom: {
      std::lock_guard lock(task->mutex);
      if (ref.index >= 0) task->containers[ref.index].oom = true;
      return;
    }
    case ContainerAction::die: {
      if (ref.index < 0) return on_pause_exit(task);
      std::lock_guard lock(task->mutex);
      record_exit(*task, ref.index, event.exit_code, false, {});
      return;
    }
    case ContainerAction::health_status: {
      if (ref.index < 0 || event.health_status.empty()) return;
      std::lock_guard lock(task->mutex);
      record_health(*task, ref.index, event.health_status);
      return;
    }
    default:
      return;
  }
}

// The pause container held the task's network namespace: without it the task is gone.
void TaskRunner::on_pause_exit(const TaskPtr& task) {
  {
    std::lock_guard lock(task->mutex);
    if (task->pause_exited) return;
    task->pause_exited = true;
  }
  request_stop(task, true);
}

void TaskRunner::on_resync(bool after_break) {
  {
    std::lock_guard lock(mutex_);
    if (tasks_.empty() || shutting_down_) return;
  }
  // The first connection matters too: launches may have begun before the stream was up.
  pool_.submit([this] { resync(); });
}

void TaskRunner::resync() {
  std::vector<TaskPtr> tasks;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, task] : tasks_) tasks.push_back(task);
  }
  // What runs by our records, taken before the listing: all of it must show up there.
  struct Watched {
    TaskPtr task;
    int index;  // -1: the pause container
    std::string id;
  };
  std::vector<Watched> watched;
  for (const auto& task : tasks) {
    std::lock_guard lock(task->mutex);
    if (task->stopping) continue;
    if (task->pause_started && !task->pause_exited) watched.push_back({task, -1, task->pause_id});
    for (std::size_t i = 0; i < task->containers.size(); ++i) {
      const ContainerRecord& record = task->containers[i];
      if (record.started && !record.exited) watched.push_back({task, static_cast<int>(i), record.id});
    }
  }
  if (watched.empty()) return;
  auto listed = docker_.list_containers(ContainerListQuery{true, housekeeping_filters()});
  if (!listed) {
    warn("resync after the Docker events stream connected failed: " + listed.error().describe());
    return;
  }
  std::unordered_map<std::string, std::string> states;  // id -> state
  for (const auto& container : *listed) states[container.id] = container.state;
  for (const auto& item : watched) {
    auto state = states.find(item.id);
    resync_container(item.task, item.index, item.id, state == states.end() ? std::string() : state->second);
  }
}

void TaskRunner::resync_container(const TaskPtr& task, int index, const std::string& id,
                                  const std::string& listed_state) {
  bool gone = listed_state.empty();
  bool health_checked = index >= 0 && task->spec.containers[index].create.health_check.has_value();
  if (!gone && listed_state == "running" && !health_checked) return;  // nothing it could have missed
  std::optional<ContainerInfo> info;
  if (!gone) {
    auto inspected = docker_.inspect_container(id);
    if (inspected) {
      info = std::move(inspected).value();
    } else if (inspected.error().kind == DockerErrorKind::not_found) {
      gone = true;
    } else {
      return;  // Docker is flaky again: the next resync will tell
    }
  }
  if (index < 0) {
    if (gone || !info->running) on_pause_exit(task);
    return;
  }
  std::lock_guard lock(task->mutex);
  if (gone) {
    record_exit(*task, index, std::nullopt, false, "CannotInspectContainerError: the container was removed");
  } else if (!info->running) {
    record_exit(*task, index, info->exit_code, info->oom_killed, {});
  } else if (!info->health_status.empty()) {
    record_health(*task, index, info->health_status);
  }
}

}  // namespace ecslocal::runtime
