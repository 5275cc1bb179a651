#pragma once
// TaskRuntime on the Docker Engine, awsvpc style: a pause container on the task's network holds
// the task's network namespace (its fixed address, hostname, DNS, extra hosts, published ports),
// and every task container joins it (NetworkMode container:<pause id>), so they share one IP and
// reach each other on localhost.
//
//   launch: image checks and pulls (PullStarted, PullStopped) → network and pause container
//           (NetworkReady) → task volumes → containers created and started in dependsOn order
//           (ContainerStarted each; HEALTHY/COMPLETE/SUCCESS waits are woken by Docker's events).
//           A failure reports TaskFailed, then the runner tears down what it made and reports
//           TaskStopped. Pulls come first: a stop during a long pull is reported at once.
//   Docker events (one stream for the runner's life): die/oom → ContainerStopped, health_status
//           → ContainerHealth; the pause container dying stops the whole task. After every
//           reconnection, a resync inspects the known containers and reports what was missed.
//   stop:   containers stopped in reverse dependsOn order (independent ones in parallel, each with
//           its stop timeout), then the pause container; TaskStopped; then removal of the
//           containers and the task's volumes.
//
// The runner never decides task policy (essential containers, health replacement): the caller
// reads the events and calls stop(key). TaskEvents reach the sink in order, on a thread of their
// own, without any runner lock held.
//
// Inside, the runner is a router: it keeps which task has which key and which Docker ids, and
// hands every input (launch, stop, Docker's events, resync findings, timers) to the task's
// ManagedTask (runtime/managed_task.hpp). A ManagedTask owns its task's records and runs on a
// serial executor of its own over the BlockingPool, so it needs no lock; a launch waiting on a
// dependency holds no worker: it arms a timer (the poll interval, the startTimeout) and returns,
// and the dependency's event or the timer brings it back. Image pulls run beside the executor,
// so a stop during a long pull is still reported at once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runtime/task/blocking_pool.hpp"
#include "runtime/task/endpoints_relay.hpp"
#include "runtime/docker/docker_client.hpp"
#include "runtime/docker/docker_events.hpp"
#include "runtime/docker/docker_networks.hpp"
#include "runtime/task/instance_lock.hpp"
#include "runtime/logs/log_shipper.hpp"
#include "runtime/task/pause_image.hpp"
#include "runtime/task/pause_pool.hpp"
#include "runtime/task/runtime_timers.hpp"
#include "runtime/task/task_event_queue.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::runtime {

struct TaskRunnerOptions {
  // Docker calls at once (a launch waiting on a dependency holds none).
  std::size_t workers = 32;
  // The pause image ("ecslocal/pause:<hash>"); empty: ensure_pause_image() (or the first
  // launch) makes it from `pause`.
  std::string pause_image;
  PauseImageOptions pause;
  // When set, every object gets ecslocal.instance=<instance> and housekeeping only touches
  // objects with that label: two ecslocal processes (or test runs) can share one daemon.
  std::string instance;
  // For messages when the daemon cannot be reached, e.g. "unix:///var/run/docker.sock".
  std::string docker_host;
  // How often a launch waiting on a dependency inspects it, in case an event was missed.
  std::chrono::milliseconds dependency_poll{1000};
  // Warm pause containers kept running per network once a task ran on it (runtime/task/pause_pool.hpp);
  // 0: none, every launch makes its own.
  std::size_t pause_pool = 0;
  // The pause container holds nothing to flush: a short stop timeout.
  std::chrono::seconds pause_stop_timeout{5};
  // Tuning of the events stream (back-off); labels are set by the runner.
  DockerEventStreamOptions events;
  // The host folder of the task endpoints' Unix sockets (runtime/task/endpoints_relay.hpp): when
  // set, every pause container joins the endpoints network and the relay is kept running. Empty:
  // tasks have no 169.254.170.2.
  std::string endpoints_socket_dir;
  // Problems that are no task's business (a failed removal, a failed resync), for the log.
  std::function<void(const std::string&)> on_warning;
};

struct CleanupReport {
  std::size_t containers = 0;
  std::size_t networks = 0;
  std::size_t volumes = 0;
};

class TaskRunner final : public TaskRuntime {
 public:
  TaskRunner(DockerClient& docker, TaskRunnerOptions options = {});
  ~TaskRunner() override;  // shutdown(false)
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  // ---- TaskRuntime ----
  void set_event_sink(TaskEventSink sink) override;
  void launch(TaskSpec spec) override;
  void stop(const std::string& key) override;
  void remove_network(const std::string& name) override;
  void stop_all(std::function<void()> done) override;
  void sample_usage(std::function<void(std::vector<TaskUsageSample>)> done) override;
  void container_stats(std::vector<std::string> ids,
                       std::function<void(std::vector<ContainerStatsReading>)> done) override;

  // ---- log shipping (containers with TaskContainerSpec::ship_logs) ----
  // Batches of their output lines, from the shipper's threads; every line of a task reaches the
  // sink before its TaskStopped is emitted.
  void set_log_sink(LogBatchSink sink) { logs_.set_sink(std::move(sink)); }

  // ---- start-up and shutdown ----
  // Takes the instance lock (runtime/instance_lock.hpp) for options.instance; call first, before
  // cleanup_leftovers(). Another live ecslocal of the same instance: a conflict error whose
  // message is meant for the user, and this runner then never touches Docker objects (its
  // shutdown removes nothing). Docker unreachable or no pause image: a warning, and ok (nothing
  // could be removed from a daemon that does not answer). The lock goes at shutdown.
  DockerStatus acquire_instance_lock(const Labels& extra_labels = {});
  // Imports the pause image when missing; returns its reference.
  DockerResult<std::string> ensure_pause_image();
  // Removes every container, then network and volume, labelled ecslocal.managed=true (and with
  // this runner's instance label, when it has one) left by an earlier run. Call before start().
  DockerResult<CleanupReport> cleanup_leftovers();
  // Opens the Docker events stream. Idempotent.
  void start();
  // Stops the events thread at once; with remove_everything, stops and removes every task's
  // containers and volumes and then the unused ecslocal networks; otherwise leaves them running.
  // Later launches are refused (TaskFailed). Idempotent.
  void shutdown(bool remove_everything);

  // ---- for tests and the admin routes ----
  std::size_t active_tasks() const;
  std::size_t warm_pause_containers() const { return pause_pool_.size(); }
  bool events_connected() const { return events_in_ && events_in_->connected(); }
  // Waits until every queued event was handed to the sink.
  void drain_events() { events_out_.drain(); }

 private:
  class ManagedTask;  // runtime/managed_task.hpp
  friend class ManagedTask;
  using TaskPtr = std::shared_ptr<ManagedTask>;
  struct IdRef {
    TaskPtr task;
    int index = -1;  // into the task's containers; -1: the pause container
  };

  // For the ManagedTasks (task_runner.cpp).
  void emit(const std::string& key, TaskEvent event);
  void warn(const std::string& message) const;
  std::string failure_reason(const std::string& prefix, const DockerError& error) const;
  Labels object_labels(const TaskSpec& spec) const;
  std::vector<std::string> housekeeping_filters() const;
  // The networks every instance shares (managed, shared=true), whoever made them.
  std::vector<std::string> shared_network_filters() const;
  NetworkRequest network_request(const TaskNetworkSpec& net) const;
  // Removes the unused networks: the shared ones and (made by earlier versions) this instance's.
  std::size_t remove_unused_networks();
  void index_id(const std::string& id, const TaskPtr& task, int index);
  void unindex_id(const std::string& id);
  // The task is done (stopped and removed, or its launch ended leaving things running).
  void forget(const TaskPtr& task, const std::vector<std::string>& ids);
  std::string pause_reference();
  bool shutting_down() const { return shutting_down_; }
  bool leave_running() const { return leave_running_; }
  bool task_endpoints() const { return !options_.endpoints_socket_dir.empty(); }

  // Docker's side (task_runner_events.cpp).
  void on_docker_event(const ContainerEvent& event);
  void on_resync(bool after_break);
  void resync();

  std::vector<TaskPtr> all_tasks() const;

  DockerClient& docker_;
  TaskRunnerOptions options_;
  DockerNetworks networks_;
  std::unique_ptr<EndpointsRelay> endpoints_;  // used by launches with options_.endpoints_socket_dir
  PausePool pause_pool_;
  TaskEventQueue events_out_;
  std::unique_ptr<DockerEventStream> events_in_;
  LogShipper logs_;

  mutable std::mutex mutex_;  // the maps below; never held while calling into a task
  std::condition_variable idle_;  // a task was forgotten
  std::unordered_map<std::string, TaskPtr> tasks_;
  std::unordered_map<std::string, IdRef> ids_;
  std::unordered_set<std::string> finished_;
  std::deque<std::string> finished_order_;
  std::vector<std::function<void()>> when_idle_;  // stop_all's completions
  bool started_ = false;
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> leave_running_{false};  // shutdown without removal: launches stop where they are

  std::unique_ptr<InstanceLock> lock_;  // released last in shutdown
  std::atomic<bool> lock_refused_{false};  // another process holds it: hands off Docker

  std::mutex pause_mutex_;  // one import at a time
  std::string pause_image_;

  RuntimeTimers timers_;  // before the pool: its functions post onto executors over the pool
  BlockingPool pool_;  // last: its workers may still use everything above while it drains
};

}  // namespace ecslocal::runtime
