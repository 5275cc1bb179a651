// ManagedTask, the order of a launch: which container may start next under dependsOn, waiting
// for a dependency's condition (a timer, woken early by Docker's events, with a slow inspect in
// case one is missed), startTimeout; and the bookkeeping of exits and health shared with the
// events side.
#include "runtime/task/managed_task.hpp"
#include "runtime/task/task_runner_deps.hpp"

namespace ecslocal::runtime {

namespace {

constexpr const char* oom_reason = "OutOfMemoryError: Container killed due to memory usage";

bool has_health_check(const TaskContainerSpec& container) {
  const auto& check = container.create.health_check;
  return check && !check->test.empty() && check->test.front() != "NONE";
}

}  // namespace

TaskRunner::ManagedTask::Decision TaskRunner::ManagedTask::next_container() const {
  Decision decision;
  if (halted()) {
    decision.step = NextStep::aborted;
    return decision;
  }
  auto now = std::chrono::steady_clock::now();
  const auto& specs = spec_.containers;
  bool all_started = true;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (containers_[i].started || containers_[i].exited) continue;
    all_started = false;
    bool ready = true;
    for (const auto& dependency : specs[i].depends_on) {
      std::size_t j = *task_deps::find_container(specs, dependency.container);
      const ContainerRecord& dep = containers_[j];
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

void TaskRunner::ManagedTask::continue_launch() {
  if (!launch_active_ || waiting_) return;
  while (true) {
    Decision decision = next_container();
    switch (decision.step) {
      case NextStep::start:
        if (!start_container(decision.index)) return finish_launch(false);
        break;
      case NextStep::done:
        return finish_launch(true);
      case NextStep::failed:
        fail("CannotStartContainerError: " + decision.why, decision.container);
        return finish_launch(false);
      case NextStep::aborted:
        return finish_launch(false);
      case NextStep::wait: {
        auto until = next_poll_;
        if (decision.wake_at && *decision.wake_at < until) until = *decision.wake_at;
        waiting_ = true;
        std::weak_ptr<ManagedTask> weak = shared_from_this();
        timer_ = runner_.timers_.schedule(until, [weak] {
          if (auto task = weak.lock()) task->post([](ManagedTask& self) { self.on_timer(); });
        });
        if (timer_ == 0) {  // the timers are stopped: shutdown
          waiting_ = false;
          return finish_launch(false);
        }
        return;
      }
    }
  }
}

void TaskRunner::ManagedTask::wake() {
  if (!waiting_) return;
  if (timer_ != 0) runner_.timers_.cancel(timer_);
  timer_ = 0;
  waiting_ = false;
  continue_launch();
}

void TaskRunner::ManagedTask::on_timer() {
  if (!waiting_) return;  // woken by something else first
  timer_ = 0;
  waiting_ = false;
  if (std::chrono::steady_clock::now() >= next_poll_) {
    poll_waited_dependencies();
    next_poll_ = std::chrono::steady_clock::now() + runner_.options_.dependency_poll;
  }
  continue_launch();
}

void TaskRunner::ManagedTask::leave() {
  post([](ManagedTask& self) {
    if (!self.waiting_) return;  // a launch step in progress ends by itself (shutting_down)
    self.waiting_ = false;
    self.finish_launch(false);
  });
}

void TaskRunner::ManagedTask::poll_waited_dependencies() {
  std::vector<std::pair<std::size_t, std::string>> waited;  // (index, id)
  const auto& specs = spec_.containers;
  std::vector<bool> seen(specs.size(), false);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (containers_[i].started) continue;
    for (const auto& dependency : specs[i].depends_on) {
      std::size_t j = *task_deps::find_container(specs, dependency.container);
      const ContainerRecord& dep = containers_[j];
      if (dependency.condition == DependencyCondition::Start || seen[j] || !dep.started || dep.exited) continue;
      seen[j] = true;
      waited.emplace_back(j, dep.id);
    }
  }
  for (const auto& [index, id] : waited) {
    auto info = docker_.inspect_container(id);
    if (!info) continue;  // the next poll, or an event, will tell
    if (!info->running) {
      record_exit(static_cast<int>(index), info->exit_code, info->oom_killed, {});
    } else if (!info->health_status.empty()) {
      record_health(static_cast<int>(index), info->health_status);
    }
  }
}

void TaskRunner::ManagedTask::report_stopped(std::size_t index) {
  ContainerRecord& record = containers_[index];
  if (record.stop_reported || !record.start_reported) return;
  record.stop_reported = true;
  TaskEvent stopped = task_event(TaskEvent::Kind::ContainerStopped);
  stopped.container = spec_.containers[index].name;
  stopped.runtime_id = record.id;
  stopped.exit_code = record.exit_code;
  stopped.reason = record.exit_reason;
  emit(std::move(stopped));
}

void TaskRunner::ManagedTask::record_exit(int index, std::optional<int> exit_code, bool oom,
                                          const std::string& reason) {
  if (index < 0 || static_cast<std::size_t>(index) >= containers_.size()) return;
  ContainerRecord& record = containers_[index];
  record.oom = record.oom || oom;
  if (record.exited) return;
  record.exited = true;
  record.exit_code = exit_code;
  record.exit_reason = record.oom ? std::string(oom_reason) : reason;
  report_stopped(static_cast<std::size_t>(index));
  wake();
}

void TaskRunner::ManagedTask::record_health(int index, const std::string& health) {
  if (index < 0 || static_cast<std::size_t>(index) >= containers_.size()) return;
  ContainerRecord& record = containers_[index];
  if (record.health == health) return;
  record.health = health;
  if (record.start_reported && !record.exited) {
    TaskEvent event = task_event(TaskEvent::Kind::ContainerHealth);
    event.container = spec_.containers[index].name;
    event.runtime_id = record.id;
    event.health = health;
    emit(std::move(event));
  }
  wake();
}

void TaskRunner::ManagedTask::container_event(int index, const ContainerEvent& event) {
  post([index, event](ManagedTask& self) {
    switch (event.action) {
      case ContainerAction::oom:
        if (index >= 0 && static_cast<std::size_t>(index) < self.containers_.size()) self.containers_[index].oom = true;
        return;
      case ContainerAction::die:
        if (index < 0) {
          if (self.pause_exited_) return;
          self.pause_exited_ = true;
          return self.request_stop(true);  // the pause held the task's namespace: the task is gone
        }
        return self.record_exit(index, event.exit_code, false, {});
      case ContainerAction::health_status:
        if (index < 0 || event.health_status.empty()) return;
        return self.record_health(index, event.health_status);
      default:
        return;
    }
  });
}

void TaskRunner::ManagedTask::resync(std::shared_ptr<const std::unordered_map<std::string, std::string>> states,
                                     std::chrono::steady_clock::time_point listed_from) {
  post([states, listed_from](ManagedTask& self) {
    if (self.stopping_ || self.done_) return;
    // Only what ran before the listing began must show up in it.
    struct Watched {
      int index;
      std::string id;
    };
    std::vector<Watched> watched;
    if (self.pause_started_ && !self.pause_exited_ && self.pause_started_at_ < listed_from)
      watched.push_back({-1, self.pause_id_});
    for (std::size_t i = 0; i < self.containers_.size(); ++i) {
      const ContainerRecord& record = self.containers_[i];
      if (record.started && !record.exited && record.started_at < listed_from)
        watched.push_back({static_cast<int>(i), record.id});
    }
    for (const auto& item : watched) {
      if (self.stopping_) return;
      auto state = states->find(item.id);
      self.resync_container(item.index, item.id, state == states->end() ? std::string() : state->second);
    }
  });
}

void TaskRunner::ManagedTask::resync_container(int index, const std::string& id, const std::string& listed_state) {
  bool gone = listed_state.empty();
  bool health_checked = index >= 0 && spec_.containers[index].create.health_check.has_value();
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
    if ((gone || !info->running) && !pause_exited_) {
      pause_exited_ = true;
      request_stop(true);
    }
    return;
  }
  if (gone) {
    record_exit(index, std::nullopt, false, "CannotInspectContainerError: the container was removed");
  } else if (!info->running) {
    record_exit(index, info->exit_code, info->oom_killed, {});
  } else if (!info->health_status.empty()) {
    record_health(index, info->health_status);
  }
}

}  // namespace ecslocal::runtime
