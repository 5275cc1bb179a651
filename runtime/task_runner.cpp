// TaskRunner: construction, the TaskRuntime entry points, events out, start-up and shutdown.
// The launch is in task_runner_start.cpp / task_runner_wait.cpp, the stop in
// task_runner_stop.cpp, Docker's events in task_runner_events.cpp.
#include "runtime/task_runner.hpp"

#include "runtime/docker_host.hpp"
#include "runtime/labels.hpp"
#include "runtime/task_runner_records.hpp"

namespace ecslocal::runtime {

namespace {

constexpr std::size_t finished_keys_kept = 10000;


}  // namespace

TaskRunner::TaskRunner(DockerClient& docker, TaskRunnerOptions options)
    : docker_(docker),
      options_(std::move(options)),
      networks_(docker),
      logs_(docker),
      pause_image_(options_.pause_image),
      pool_(options_.workers, [this](const std::string& what) { warn("task runner job failed: " + what); }) {
  if (options_.docker_host.empty()) options_.docker_host = docker_host_from_env();
}

TaskRunner::~TaskRunner() { shutdown(false); }

void TaskRunner::set_event_sink(TaskEventSink sink) { events_out_.set_sink(std::move(sink)); }

void TaskRunner::warn(const std::string& message) const {
  if (options_.on_warning) options_.on_warning(message);
}

void TaskRunner::emit(TaskRecord& task, TaskEvent event) {
  if (task.stopped_reported) return;  // nothing follows TaskStopped
  if (event.kind == TaskEvent::Kind::TaskStopped) task.stopped_reported = true;
  event.key = task.spec.key;
  event.at = std::chrono::system_clock::now();
  events_out_.push(std::move(event));
}

std::string TaskRunner::failure_reason(const std::string& prefix, const DockerError& error) const {
  std::string detail = error.message.empty() ? error.describe() : error.message;
  if (error.kind == DockerErrorKind::unavailable) {
    // The client already says "cannot connect to the Docker daemon at <host>: <why>": keep the why.
    std::string said = "cannot connect to the Docker daemon at " + options_.docker_host + ": ";
    if (detail.rfind(said, 0) == 0) detail.erase(0, said.size());
    return "ResourceInitializationError: cannot reach the Docker daemon at " + options_.docker_host + ": " + detail;
  }
  if (error.kind == DockerErrorKind::timeout && prefix != "CannotPullContainerError") {
    return "ContainerRuntimeTimeoutError: " + detail;
  }
  return prefix + ": " + detail;
}

Labels TaskRunner::object_labels(const TaskSpec& spec) const {
  Labels out = spec.labels;
  out[std::string(labels::managed)] = std::string(labels::managed_value);
  if (!options_.instance.empty()) out[std::string(labels::instance)] = options_.instance;
  return out;
}

std::vector<std::string> TaskRunner::housekeeping_filters() const {
  std::vector<std::string> filters = {labels::managed_filter()};
  if (!options_.instance.empty()) filters.push_back(labels::filter(labels::instance, options_.instance));
  return filters;
}

std::vector<std::string> TaskRunner::shared_network_filters() const {
  return {labels::managed_filter(), labels::filter(labels::shared, labels::shared_value)};
}

NetworkRequest TaskRunner::network_request(const TaskNetworkSpec& net) const {
  Labels network_labels = net.network_labels;
  network_labels.erase(std::string(labels::instance));  // no owner: the last user removes it
  network_labels[std::string(labels::shared)] = std::string(labels::shared_value);
  return NetworkRequest{net.network, net.cidr, net.gateway, network_labels};
}

std::size_t TaskRunner::remove_unused_networks() {
  std::size_t removed = networks_.remove_unused(shared_network_filters()).size();
  return removed + networks_.remove_unused(housekeeping_filters()).size();
}

void TaskRunner::unindex_id(const std::string& id) {
  std::lock_guard lock(mutex_);
  ids_.erase(id);
}

void TaskRunner::index_id(const std::string& id, const TaskPtr& task, int index) {
  std::lock_guard lock(mutex_);
  ids_[id] = IdRef{task, index};
}

void TaskRunner::forget(const TaskPtr& task) {
  std::vector<std::string> ids;
  {
    std::lock_guard task_lock(task->mutex);
    if (!task->pause_id.empty()) ids.push_back(task->pause_id);
    for (const auto& container : task->containers) {
      if (!container.id.empty()) ids.push_back(container.id);
    }
  }
  std::lock_guard lock(mutex_);
  for (const auto& id : ids) ids_.erase(id);
  auto it = tasks_.find(task->spec.key);
  if (it != tasks_.end() && it->second == task) tasks_.erase(it);
  if (finished_.insert(task->spec.key).second) finished_order_.push_back(task->spec.key);
  while (finished_order_.size() > finished_keys_kept) {
    finished_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
  idle_.notify_all();
}

std::size_t TaskRunner::active_tasks() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void TaskRunner::launch(TaskSpec spec) {
  auto task = std::make_shared<TaskRecord>(std::move(spec));
  task->name_prefix = "ecslocal-" + content_tag(task->spec.key).substr(0, 12);
  bool refused = false;
  {
    std::lock_guard lock(mutex_);
    if (tasks_.count(task->spec.key)) {
      warn("launch of " + task->spec.key + " ignored: that task is already running");
      return;
    }
    refused = shutting_down_;
    if (!refused) {
      tasks_[task->spec.key] = task;
      finished_.erase(task->spec.key);
    }
  }
  if (!refused && pool_.submit([this, task] { run_launch(task); })) return;
  {
    std::lock_guard lock(mutex_);
    tasks_.erase(task->spec.key);
  }
  std::lock_guard task_lock(task->mutex);
  TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
  failed.reason = "ResourceInitializationError: ecslocal is shutting down";
  emit(*task, std::move(failed));
  emit(*task, task_event(TaskEvent::Kind::TaskStopped));
}

void TaskRunner::stop(const std::string& key) {
  TaskPtr task;
  bool unknown = false;
  {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(key);
    if (it != tasks_.end()) task = it->second;
    unknown = !task && !finished_.count(key);
  }
  if (task) return request_stop(task, false);
  if (unknown) {  // never launched here (or long forgotten): nothing runs, say so
    TaskEvent stopped = task_event(TaskEvent::Kind::TaskStopped);
    stopped.key = key;
    events_out_.push(std::move(stopped));
  }
}

void TaskRunner::request_stop(const TaskPtr& task, bool from_pause_exit) {
  {
    std::lock_guard lock(task->mutex);
    if (task->stop_requested) return;
    task->stop_requested = true;
    task->cv.notify_all();
    if (task->launch_active) {
      if (from_pause_exit) {
        TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
        failed.reason = "ResourceInitializationError: the task's network container (pause) exited";
        task->failed = true;
        emit(*task, std::move(failed));
      }
      // Nothing made yet (e.g. still pulling): stopped now; the launch job quits when it can.
      if (!task->made_objects) emit(*task, task_event(TaskEvent::Kind::TaskStopped));
      return;  // the launch job tears down what it made
    }
  }
  if (!pool_.submit([this, task] { run_stop(task); })) run_stop(task);
}

void TaskRunner::stop_all(std::function<void()> done) {
  std::vector<TaskPtr> tasks;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, task] : tasks_) tasks.push_back(task);
  }
  for (const auto& task : tasks) request_stop(task, false);
  auto wait = [this, done = std::move(done)] {
    {
      std::unique_lock lock(mutex_);
      idle_.wait(lock, [this] { return tasks_.empty() || shutting_down_; });
    }
    if (done) done();
  };
  if (!pool_.submit(wait)) wait();
}

DockerResult<std::string> TaskRunner::ensure_pause_image() {
  std::lock_guard lock(pause_mutex_);
  if (!pause_image_.empty()) {
    auto existing = docker_.inspect_image(pause_image_);
    if (existing) return pause_image_;
    if (existing.error().kind != DockerErrorKind::not_found || !options_.pause_image.empty()) return existing.error();
  }
  auto made = runtime::ensure_pause_image(docker_, options_.pause);
  if (!made) return made.error();
  pause_image_ = *made;
  return pause_image_;
}

std::string TaskRunner::pause_reference() {
  std::lock_guard lock(pause_mutex_);
  return pause_image_;
}

void TaskRunner::remove_network(const std::string& name) {
  pool_.submit([this, name] {
    if (networks_.remove_if_unused(name, shared_network_filters())) return;
    if (networks_.remove_if_unused(name, housekeeping_filters())) return;
    warn("the Docker network " + name + " stays (in use, not ecslocal's, or Docker refused): it goes at shutdown");
  });
}

DockerStatus TaskRunner::acquire_instance_lock(const Labels& extra_labels) {
  if (lock_) return docker_ok();
  auto image = ensure_pause_image();
  if (!image) {
    warn("no instance lock (the pause image is not ready: " + image.error().describe() +
         "): another ecslocal with the same --instance would not be noticed");
    return docker_ok();
  }
  auto lock = InstanceLock::acquire(docker_, InstanceLockOptions{options_.instance, *image, extra_labels});
  if (lock) {
    lock_ = std::move(lock).value();
    return docker_ok();
  }
  if (lock.error().kind == DockerErrorKind::conflict) {
    lock_refused_ = true;
    return lock.error();
  }
  warn("no instance lock (" + lock.error().describe() + "): another ecslocal with the same --instance would not be noticed");
  return docker_ok();
}

DockerResult<CleanupReport> TaskRunner::cleanup_leftovers() {
  CleanupReport report;
  if (lock_refused_) return docker_error(DockerErrorKind::conflict, "another ecslocal holds this instance's lock");
  auto filters = housekeeping_filters();
  auto containers = docker_.list_containers(ContainerListQuery{true, filters});
  if (!containers) return containers.error();
  for (const auto& container : *containers) {
    auto role = container.labels.find(std::string(labels::role));
    if (role != container.labels.end() && role->second == labels::role_lock) continue;  // ours, or a live one's
    auto removed = docker_.remove_container(container.id, RemoveOptions{true, true});
    if (removed || removed.error().kind == DockerErrorKind::not_found) {
      ++report.containers;
    } else {
      warn("cannot remove the leftover container " + container.name + ": " + removed.error().describe());
    }
  }
  report.networks = remove_unused_networks();
  auto volumes = docker_.list_volumes(filters);
  if (!volumes) return volumes.error();
  for (const auto& volume : *volumes) {
    auto removed = docker_.remove_volume(volume.name, true);
    if (removed) {
      ++report.volumes;
    } else if (removed.error().kind != DockerErrorKind::not_found) {
      warn("cannot remove the leftover volume " + volume.name + ": " + removed.error().describe());
    }
  }
  return report;
}

void TaskRunner::start() {
  std::lock_guard lock(mutex_);
  if (started_ || shutting_down_) return;
  started_ = true;
  DockerEventStreamOptions stream_options = options_.events;
  stream_options.labels = housekeeping_filters();
  DockerEventStreamCallbacks callbacks;
  callbacks.on_event = [this](const ContainerEvent& event) { on_docker_event(event); };
  callbacks.on_resync = [this](bool after_break) { on_resync(after_break); };
  callbacks.on_break = [this](const DockerError& error) { warn("Docker events stream broke: " + error.describe()); };
  events_in_ = std::make_unique<DockerEventStream>(docker_, std::move(callbacks), std::move(stream_options));
  events_in_->start();
}

void TaskRunner::shutdown(bool remove_everything) {
  std::vector<TaskPtr> tasks;
  if (lock_refused_) remove_everything = false;  // what exists is another process's
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return;
    shutting_down_ = true;
    leave_running_ = !remove_everything;
    for (const auto& [key, task] : tasks_) tasks.push_back(task);
  }
  if (events_in_) events_in_->stop();
  for (const auto& task : tasks) {
    if (remove_everything) {
      request_stop(task, false);
    } else {
      std::lock_guard lock(task->mutex);
      task->cv.notify_all();  // a launch waiting on a dependency leaves now
    }
  }
  if (remove_everything) {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return tasks_.empty(); });
    lock.unlock();
    remove_unused_networks();
  }
  pool_.shutdown();
  logs_.shutdown();
  events_out_.stop();
  if (lock_) lock_->release();
}

}  // namespace ecslocal::runtime
