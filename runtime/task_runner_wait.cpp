// TaskRunner, the order of a launch: which container may start next under dependsOn, waiting for
// a dependency's condition (woken by Docker's events, with a slow inspect in case one is
// missed), startTimeout; and the bookkeeping of exits and health shared with the events side.
#include "runtime/task_runner.hpp"
#include "runtime/task_runner_deps.hpp"
#include "runtime/task_runner_records.hpp"

namespace ecslocal::runtime {

namespace {

constexpr const char* oom_reason = "OutOfMemoryError: Container killed due to memory usage";

bool has_health_check(const TaskContainerSpec& container) {
  const auto& check = container.create.health_check;
  return check && !check->test.empty() && check->test.front() != "NONE";
}

}  // namespace

struct TaskRunner::Decision {
  NextStep step = NextStep::wait;
  std::size_t index = 0;
  std::string why;
  std::string container;  // the container that can never start, for `failed`
  std::optional<std::chrono::steady_clock::time_point> wake_at;  // the earliest startTimeout
};

TaskRunner::Decision TaskRunner::next_container(TaskRecord& task) {
  Decision decision;
  if (task.stop_requested || shutting_down_) {
    decision.step = NextStep::aborted;
    return decision;
  }
  auto now = std::chrono::steady_clock::now();
  const auto& specs = task.spec.containers;
  bool all_started = true;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (task.containers[i].started || task.containers[i].exited) continue;
    all_started = false;
    bool ready = true;
    for (const auto& dependency : specs[i].depends_on) {
      std::size_t j = *task_deps::find_container(specs, dependency.container);
      const ContainerRecord& dep = task.containers[j];
      task_deps::DependencyView view{dep.started || dep.exited, dep.exited, dep.exit_code.value_or(-1), dep.health,
                                     has_health_check(specs[j])};
      std::string why;
      auto readiness = task_deps::evaluate(dependency, view, why);
      if (readiness == task_deps::Readiness::impossible) {
        return Decision{NextStep::failed, i, why, specs[i].name, std::nullopt};
      }
      if (readiness == task_deps::Readiness::satisfied) continue;
      ready = false;
      if (dependency.condition == DependencyCondition::Start || !view.started || !specs[j].start_timeout_s) continue;
      auto deadline = dep.started_at + std::chrono::seconds(*specs[j].start_timeout_s);
      if (now >= deadline) {
        why = "dependency " + specs[j].name + " did not reach " + task_deps::to_string(dependency.condition) +
              " within " + std::to_string(*specs[j].start_timeout_s) + " seconds (startTimeout)";
        return Decision{NextStep::failed, i, why, specs[i].name, std::nullopt};
      }
      if (!decision.wake_at || deadline < *decision.wake_at) decision.wake_at = deadline;
    }
    if (ready) return Decision{NextStep::start, i, {}, {}, std::nullopt};
  }
  decision.step = all_started ? NextStep::done : NextStep::wait;
  return decision;
}

bool TaskRunner::start_containers(const TaskPtr& task) {
  auto next_poll = std::chrono::steady_clock::now() + options_.dependency_poll;
  while (true) {
    Decision decision;
    {
      std::unique_lock lock(task->mutex);
      decision = next_container(*task);
      if (decision.step == NextStep::wait) {
        auto until = next_poll;
        if (decision.wake_at && *decision.wake_at < until) until = *decision.wake_at;
        task->cv.wait_until(lock, until);
      }
    }
    switch (decision.step) {
      case NextStep::start:
        if (!start_container(task, decision.index)) return false;
        break;
      case NextStep::done:
        return true;
      case NextStep::failed:
        fail(task, "CannotStartContainerError: " + decision.why, decision.container);
        return false;
      case NextStep::aborted:
        return false;
      case NextStep::wait:
        if (std::chrono::steady_clock::now() >= next_poll) {
          poll_waited_dependencies(task);
          next_poll = std::chrono::steady_clock::now() + options_.dependency_poll;
        }
        break;
    }
  }
}

void TaskRunner::poll_waited_dependencies(const TaskPtr& task) {
  std::vector<std::pair<std::size_t, std::string>> waited;  // (index, id)
  {
    std::lock_guard lock(task->mutex);
    const auto& specs = task->spec.containers;
    std::vector<bool> seen(specs.size(), false);
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (task->containers[i].started) continue;
      for (const auto& dependency : specs[i].depends_on) {
        std::size_t j = *task_deps::find_container(specs, dependency.container);
        const ContainerRecord& dep = task->containers[j];
        if (dependency.condition == DependencyCondition::Start || seen[j] || !dep.started || dep.exited) continue;
        seen[j] = true;
        waited.emplace_back(j, dep.id);
      }
    }
  }
  for (const auto& [index, id] : waited) {
    auto info = docker_.inspect_container(id);
    if (!info) continue;  // the next poll, or an event, will tell
    std::lock_guard lock(task->mutex);
    if (!info->running) {
      record_exit(*task, static_cast<int>(index), info->exit_code, info->oom_killed, {});
    } else if (!info->health_status.empty()) {
      record_health(*task, static_cast<int>(index), info->health_status);
    }
  }
}

void TaskRunner::report_stopped(TaskRecord& task, std::size_t index) {
  ContainerRecord& record = task.containers[index];
  if (record.stop_reported || !record.start_reported) return;
  record.stop_reported = true;
  TaskEvent stopped = task_event(TaskEvent::Kind::ContainerStopped);
  stopped.container = task.spec.containers[index].name;
  stopped.runtime_id = record.id;
  stopped.exit_code = record.exit_code;
  stopped.reason = record.exit_reason;
  emit(task, std::move(stopped));
}

void TaskRunner::record_exit(TaskRecord& task, int index, std::optional<int> exit_code, bool oom,
                             const std::string& reason) {
  if (index < 0 || static_cast<std::size_t>(index) >= task.containers.size()) return;
  ContainerRecord& record = task.containers[index];
  record.oom = record.oom || oom;
  if (record.exited) return;
  record.exited = true;
  record.exit_code = exit_code;
  record.exit_reason = record.oom ? std::string(oom_reason) : reason;
  report_stopped(task, static_cast<std::size_t>(index));
  task.cv.notify_all();
}

void TaskRunner::record_health(TaskRecord& task, int index, const std::string& health) {
  if (index < 0 || static_cast<std::size_t>(index) >= task.containers.size()) return;
  ContainerRecord& record = task.containers[index];
  if (record.health == health) return;
  record.health = health;
  if (record.start_reported && !record.exited) {
    TaskEvent event = task_event(TaskEvent::Kind::ContainerHealth);
    event.container = task.spec.containers[index].name;
    event.runtime_id = record.id;
    event.health = health;
    emit(task, std::move(event));
  }
  task.cv.notify_all();
}

}  // namespace ecslocal::runtime
