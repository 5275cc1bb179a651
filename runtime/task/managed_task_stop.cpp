// ManagedTask, the stop: containers in reverse dependsOn order (a wave at a time, the members of
// a wave in parallel, each with its own stop timeout), then the pause container; TaskStopped as
// soon as all of that has stopped; the removals come after, so they never delay the report.
#include <thread>

#include "runtime/task/managed_task.hpp"
#include "runtime/task/task_runner_deps.hpp"

namespace ecslocal::runtime {

namespace {

// Runs work(i) for every i, in parallel when there is more than one.
template <typename Work>
void for_each_parallel(const std::vector<std::size_t>& items, Work work) {
  if (items.size() == 1) return work(items.front());
  std::vector<std::jthread> threads;
  threads.reserve(items.size());
  for (std::size_t item : items) threads.emplace_back([&work, item] { work(item); });
}

}  // namespace

void TaskRunner::ManagedTask::stop(bool from_pause_exit) {
  post([from_pause_exit](ManagedTask& self) { self.request_stop(from_pause_exit); });
}

void TaskRunner::ManagedTask::request_stop(bool from_pause_exit) {
  if (stop_requested_ || done_) return;
  stop_requested_ = true;
  halt_ = true;
  if (launch_active_) {
    if (from_pause_exit) {
      TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
      failed.reason = "ResourceInitializationError: the task's network container (pause) exited";
      failed_ = true;
      emit(std::move(failed));
    }
    // Nothing made yet (e.g. still pulling): stopped now; the launch quits when it can.
    if (!made_objects_) emit(task_event(TaskEvent::Kind::TaskStopped));
    wake();  // a launch waiting on a dependency ends now and tears down what it made
    return;
  }
  run_stop();
}

void TaskRunner::ManagedTask::run_stop() {
  if (stopping_) return;
  stopping_ = true;
  stop_requested_ = true;
  halt_ = true;
  std::string pause_id = pause_exited_ ? std::string() : pause_id_;
  for (const auto& wave : task_deps::stop_waves(spec_.containers)) {
    std::vector<std::size_t> running;
    for (std::size_t index : wave) {
      const ContainerRecord& record = containers_[index];
      if (record.started && !record.exited) running.push_back(index);
    }
    if (running.empty()) continue;
    // The stops run in parallel; their findings are recorded here, one after another.
    struct Outcome {
      std::optional<DockerError> stop_error;
      std::optional<DockerResult<ContainerInfo>> info;
    };
    std::vector<Outcome> outcomes(containers_.size());
    for_each_parallel(running, [&](std::size_t index) {
      const std::string& id = containers_[index].id;
      auto stopped = docker_.stop_container(id, std::chrono::seconds(spec_.containers[index].stop_timeout_s));
      if (!stopped && stopped.error().kind != DockerErrorKind::not_found) {
        outcomes[index].stop_error = stopped.error();
        return;
      }
      // The die event may still be on its way: the exit code comes from an inspect, now.
      outcomes[index].info = docker_.inspect_container(id);
    });
    for (std::size_t index : running) {
      const Outcome& outcome = outcomes[index];
      int i = static_cast<int>(index);
      if (outcome.stop_error) {
        record_exit(i, std::nullopt, false, runner_.failure_reason("CannotStopContainerError", *outcome.stop_error));
      } else if (outcome.info && *outcome.info && !(*outcome.info)->running) {
        record_exit(i, (*outcome.info)->exit_code, (*outcome.info)->oom_killed, {});
      } else if (outcome.info && !*outcome.info) {
        record_exit(i, std::nullopt, false,
                    runner_.failure_reason("CannotInspectContainerError", outcome.info->error()));
      }
    }
  }
  if (!pause_id.empty()) {
    auto stopped = docker_.stop_container(pause_id, runner_.options_.pause_stop_timeout);
    if (!stopped && stopped.error().kind != DockerErrorKind::not_found) {
      runner_.warn("cannot stop the pause container of " + spec_.key + ": " + stopped.error().describe());
    }
  }
  runner_.logs_.finish(spec_.key);  // every shipped line is out before the task is reported stopped
  emit(task_event(TaskEvent::Kind::TaskStopped));
  remove_objects();
  done();
}

void TaskRunner::ManagedTask::remove_objects() {
  std::vector<std::string> ids;
  for (const auto& record : containers_) {
    if (!record.id.empty()) ids.push_back(record.id);
  }
  std::vector<std::size_t> items(ids.size());
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = i;
  auto remove = [&](const std::string& id) {
    auto removed = docker_.remove_container(id, RemoveOptions{true, true});
    if (!removed && removed.error().kind != DockerErrorKind::not_found) {
      runner_.warn("cannot remove container " + id + " of " + spec_.key + ": " + removed.error().describe());
    }
  };
  if (!items.empty()) for_each_parallel(items, [&](std::size_t i) { remove(ids[i]); });
  if (!pause_id_.empty()) remove(pause_id_);
  for (const auto& volume : volumes_) {
    auto removed = docker_.remove_volume(volume, false);
    if (!removed && removed.error().kind != DockerErrorKind::not_found) {
      runner_.warn("cannot remove volume " + volume + " of " + spec_.key + ": " + removed.error().describe());
    }
  }
}

void TaskRunner::ManagedTask::done() {
  if (done_) return;
  done_ = true;
  std::vector<std::string> ids;
  if (!pause_id_.empty()) ids.push_back(pause_id_);
  for (const auto& record : containers_) {
    if (!record.id.empty()) ids.push_back(record.id);
  }
  runner_.forget(shared_from_this(), ids);
}

}  // namespace ecslocal::runtime
