// TaskRunner, the stop: containers in reverse dependsOn order (a wave at a time, the members of
// a wave in parallel, each with its own stop timeout), then the pause container; TaskStopped as
// soon as all of that has stopped; the removals come after, so they never delay the report.
#include <thread>

#include "runtime/task_runner.hpp"
#include "runtime/task_runner_deps.hpp"
#include "runtime/task_runner_records.hpp"

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

void TaskRunner::run_stop(const TaskPtr& task) {
  std::string pause_id;
  {
    std::lock_guard lock(task->mutex);
    if (task->stopping) return;
    task->stopping = true;
    task->stop_requested = true;
    pause_id = task->pause_exited ? std::string() : task->pause_id;
  }
  for (const auto& wave : task_deps::stop_waves(task->spec.containers)) {
    std::vector<std::size_t> running;
    {
      std::lock_guard lock(task->mutex);
      for (std::size_t index : wave) {
        const ContainerRecord& record = task->containers[index];
        if (record.started && !record.exited) running.push_back(index);
      }
    }
    if (!running.empty()) for_each_parallel(running, [&](std::size_t index) { stop_one(task, index); });
  }
  if (!pause_id.empty()) {
    auto stopped = docker_.stop_container(pause_id, options_.pause_stop_timeout);
    if (!stopped && stopped.error().kind != DockerErrorKind::not_found) {
      warn("cannot stop the pause container of " + task->spec.key + ": " + stopped.error().describe());
    }
  }
  logs_.finish(task->spec.key);  // every shipped line is out before the task is reported stopped
  {
    std::lock_guard lock(task->mutex);
    emit(*task, task_event(TaskEvent::Kind::TaskStopped));
  }
  remove_objects(task);
  forget(task);
}

void TaskRunner::stop_one(const TaskPtr& task, std::size_t index) {
  const TaskContainerSpec& spec = task->spec.containers[index];
  std::string id;
  {
    std::lock_guard lock(task->mutex);
    id = task->containers[index].id;
  }
  auto stopped = docker_.stop_container(id, std::chrono::seconds(spec.stop_timeout_s));
  if (!stopped && stopped.error().kind != DockerErrorKind::not_found) {
    std::lock_guard lock(task->mutex);
    record_exit(*task, static_cast<int>(index), std::nullopt, false,
                failure_reason("CannotStopContainerError", stopped.error()));
    return;
  }
  // The die event may still be on its way: the exit code comes from an inspect, now.
  auto info = docker_.inspect_container(id);
  std::lock_guard lock(task->mutex);
  if (info && !info->running) {
    record_exit(*task, static_cast<int>(index), info->exit_code, info->oom_killed, {});
  } else if (!info) {
    record_exit(*task, static_cast<int>(index), std::nullopt, false,
                failure_reason("CannotInspectContainerError", info.error()));
  }
}

void TaskRunner::remove_objects(const TaskPtr& task) {
  std::vector<std::string> ids;
  std::vector<std::string> volumes;
  {
    std::lock_guard lock(task->mutex);
    for (const auto& record : task->containers) {
      if (!record.id.empty()) ids.push_back(record.id);
    }
    volumes = task->volumes;
  }
  std::vector<std::size_t> items(ids.size());
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = i;
  auto remove = [&](const std::string& id) {
    auto removed = docker_.remove_container(id, RemoveOptions{true, true});
    if (!removed && removed.error().kind != DockerErrorKind::not_found) {
      warn("cannot remove container " + id + " of " + task->spec.key + ": " + removed.error().describe());
    }
  };
  if (!items.empty()) for_each_parallel(items, [&](std::size_t i) { remove(ids[i]); });
  std::string pause_id;
  {
    std::lock_guard lock(task->mutex);
    pause_id = task->pause_id;
  }
  if (!pause_id.empty()) remove(pause_id);
  for (const auto& volume : volumes) {
    auto removed = docker_.remove_volume(volume, false);
    if (!removed && removed.error().kind != DockerErrorKind::not_found) {
      warn("cannot remove volume " + volume + " of " + task->spec.key + ": " + removed.error().describe());
    }
  }
}

}  // namespace ecslocal::runtime
