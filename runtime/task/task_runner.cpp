// TaskRunner, the router: construction, the TaskRuntime entry points handed to the tasks' own
// ManagedTasks, events out, start-up and shutdown. The launch is in managed_task_start.cpp /
// managed_task_wait.cpp, the stop in managed_task_stop.cpp, Docker's events in
// task_runner_events.cpp.
#include <map>

#include "runtime/task/task_runner.hpp"

#include "runtime/docker/docker_host.hpp"
#include "runtime/labels.hpp"
#include "runtime/task/managed_task.hpp"

namespace ecslocal::runtime {

namespace {

constexpr std::size_t finished_keys_kept = 10000;

}  // namespace

TaskRunner::TaskRunner(DockerClient& docker, TaskRunnerOptions options)
    : docker_(docker),
      options_(std::move(options)),
      networks_(docker),
      pause_pool_(docker, networks_, options_.pause_pool, object_labels(TaskSpec{}),
                  [this](const std::string& message) { warn(message); }),
      logs_(docker),
      pause_image_(options_.pause_image),
      pool_(options_.workers, [this](const std::string& what) { warn("task runner job failed: " + what); }) {
  if (options_.docker_host.empty()) options_.docker_host = docker_host_from_env();
  endpoints_ = std::make_unique<EndpointsRelay>(docker_, networks_, options_.endpoints_socket_dir);
}

TaskRunner::~TaskRunner() { shutdown(false); }

void TaskRunner::set_event_sink(TaskEventSink sink) { events_out_.set_sink(std::move(sink)); }

void TaskRunner::warn(const std::string& message) const {
  if (options_.on_warning) options_.on_warning(message);
}

void TaskRunner::emit(const std::string& key, TaskEvent event) {
  event.key = key;
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

void TaskRunner::index_id(const std::string& id, const TaskPtr& task, int index) {
  std::lock_guard lock(mutex_);
  ids_[id] = IdRef{task, index};
}

void TaskRunner::unindex_id(const std::string& id) {
  std::lock_guard lock(mutex_);
  ids_.erase(id);
}

void TaskRunner::forget(const TaskPtr& task, const std::vector<std::string>& ids) {
  std::vector<std::function<void()>> idle_now;
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : ids) ids_.erase(id);
    auto it = tasks_.find(task->key());
    if (it != tasks_.end() && it->second == task) tasks_.erase(it);
    if (finished_.insert(task->key()).second) finished_order_.push_back(task->key());
    while (finished_order_.size() > finished_keys_kept) {
      finished_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
    if (tasks_.empty()) idle_now.swap(when_idle_);
    idle_.notify_all();
  }
  for (auto& done : idle_now) {
    if (done) done();
  }
}

std::vector<TaskRunner::TaskPtr> TaskRunner::all_tasks() const {
  std::lock_guard lock(mutex_);
  std::vector<TaskPtr> tasks;
  tasks.reserve(tasks_.size());
  for (const auto& [key, task] : tasks_) tasks.push_back(task);
  return tasks;
}

void TaskRunner::sample_usage(std::function<void(std::vector<TaskUsageSample>)> done) {
  std::map<std::string, std::vector<std::string>> by_task;  // key -> container ids
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, ref] : ids_)
      if (ref.index >= 0) by_task[ref.task->key()].push_back(id);
  }
  auto work = [this, by_task = std::move(by_task)] {
    std::vector<TaskUsageSample> out;
    for (const auto& [key, ids] : by_task) {
      TaskUsageSample sample;
      sample.key = key;
      for (const auto& id : ids) {
        auto usage = docker_.container_usage(id);
        if (!usage) continue;
        sample.cpu_total_ns += usage->cpu_total_ns;
        sample.memory_bytes += usage->memory_bytes;
        ++sample.containers;
      }
      sample.at = std::chrono::steady_clock::now();
      if (sample.containers) out.push_back(std::move(sample));
    }
    return out;
  };
  if (!pool_.submit(std::move(work), [done](std::vector<TaskUsageSample> samples) { done(std::move(samples)); }))
    done({});
}

void TaskRunner::container_stats(std::vector<std::string> ids,
                                 std::function<void(std::vector<ContainerStatsReading>)> done) {
  // One pool job per container, so a task's containers are read at once (Docker takes up to a
  // second for a one-shot sample); the last to finish calls `done`.
  struct Batch {
    std::mutex mutex;
    std::vector<ContainerStatsReading> readings;
    std::size_t left = 0;
    std::function<void(std::vector<ContainerStatsReading>)> done;
  };
  auto batch = std::make_shared<Batch>();
  batch->done = std::move(done);
  batch->readings.reserve(ids.size());
  {
    std::lock_guard lock(mutex_);
    for (auto& id : ids) {
      ContainerStatsReading reading;
      auto known = ids_.find(id);
      if (known != ids_.end() && known->second.index >= 0) reading.task_interface = task_network_interface;
      reading.id = std::move(id);
      batch->readings.push_back(std::move(reading));
    }
  }
  batch->left = batch->readings.size();
  if (batch->left == 0) {
    if (!pool_.submit([batch] { batch->done({}); })) batch->done({});
    return;
  }
  std::vector<std::string> to_read;  // copied before any job runs
  for (const auto& reading : batch->readings) to_read.push_back(reading.id);
  auto finish_one = [batch] {
    std::vector<ContainerStatsReading> out;
    {
      std::lock_guard lock(batch->mutex);
      if (--batch->left > 0) return;
      out = std::move(batch->readings);
    }
    batch->done(std::move(out));
  };
  for (std::size_t i = 0; i < to_read.size(); ++i) {
    auto read = [this, batch, i, id = to_read[i], finish_one] {
      auto stats = docker_.container_stats(id);
      {
        std::lock_guard lock(batch->mutex);
        auto& reading = batch->readings[i];
        reading.ok = stats.ok();
        if (stats) {
          reading.document = std::move(stats).value();
        } else {
          reading.error = stats.error().message.empty() ? stats.error().describe() : stats.error().message;
        }
      }
      finish_one();
    };
    if (!pool_.submit(std::move(read))) {
      {
        std::lock_guard lock(batch->mutex);
        batch->readings[i].error = "ecslocal is shutting down";
      }
      finish_one();
    }
  }
}

std::size_t TaskRunner::active_tasks() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void TaskRunner::launch(TaskSpec spec) {
  auto task = std::make_shared<ManagedTask>(*this, std::move(spec));
  bool refused = false;
  {
    std::lock_guard lock(mutex_);
    if (tasks_.count(task->key())) {
      warn("launch of " + task->key() + " ignored: that task is already running");
      return;
    }
    refused = shutting_down_;
    if (!refused) {
      tasks_[task->key()] = task;
      finished_.erase(task->key());
    }
  }
  if (refused) return task->refuse("ResourceInitializationError: ecslocal is shutting down");
  task->launch();
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
  if (task) return task->stop(false);
  if (unknown) {  // never launched here (or long forgotten): nothing runs, say so
    TaskEvent stopped = task_event(TaskEvent::Kind::TaskStopped);
    emit(key, std::move(stopped));
  }
}

void TaskRunner::stop_all(std::function<void()> done) {
  // The warm pause containers go too, once the tasks are gone.
  if (pause_pool_.enabled()) {
    done = [this, done = std::move(done)] {
      pause_pool_.drain();
      if (done) done();
    };
  }
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    idle = tasks_.empty() || shutting_down_;
    if (!idle) when_idle_.push_back(std::move(done));
  }
  if (idle) {
    // On a runtime thread, as promised, even when there is nothing to stop.
    if (!pool_.submit([done = std::move(done)] {
          if (done) done();
        }))
      if (done) done();
    return;
  }
  for (const auto& task : all_tasks()) task->stop(false);
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
  // The endpoints relay sits on its network: it goes first when no task is left there.
  endpoints_->remove_if_idle(pause_reference());
  std::size_t removed = networks_.remove_unused(shared_network_filters()).size();
  return removed + networks_.remove_unused(housekeeping_filters()).size();
}

void TaskRunner::remove_network(const std::string& name) {
  pool_.submit([this, name] {
    pause_pool_.drain(name);
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
  auto lock = InstanceLock::take(docker_, InstanceLockOptions{options_.instance, *image, extra_labels});
  if (lock) {
    lock_ = std::move(lock).value();
    // The lock is held from the create on; its container's start (about 200 ms) runs off the
    // start-up path. The shutdown's pool_.shutdown() waits for it before the lock is released.
    pool_.submit([this] {
      if (auto started = lock_->start(); !started)
        warn("the instance lock container did not start (" + started.error().describe() +
             "): another ecslocal with the same --instance could take the lock in " +
             std::to_string(InstanceLockOptions{}.starting_grace.count()) + " s");
    });
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
    if (role != container.labels.end() && role->second == labels::role_endpoints) continue;  // shared: see below
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
  if (lock_refused_) remove_everything = false;  // what exists is another process's
  std::vector<TaskPtr> tasks;
  std::vector<std::function<void()>> idle_now;
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return;
    shutting_down_ = true;
    leave_running_ = !remove_everything;
    for (const auto& [key, task] : tasks_) tasks.push_back(task);
    idle_now.swap(when_idle_);  // stop_all's waits end with the shutdown
  }
  for (auto& done : idle_now) {
    if (done) done();
  }
  if (events_in_) events_in_->stop();
  pause_pool_.close();
  for (const auto& task : tasks) {
    if (remove_everything) {
      task->stop(false);
    } else {
      task->leave();  // a launch waiting on a dependency leaves now
    }
  }
  if (remove_everything) {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return tasks_.empty(); });
    lock.unlock();
    pause_pool_.drain();
    remove_unused_networks();
  }
  timers_.stop();
  pool_.shutdown();
  logs_.shutdown();
  events_out_.stop();
  if (lock_) lock_->release();
}

}  // namespace ecslocal::runtime
