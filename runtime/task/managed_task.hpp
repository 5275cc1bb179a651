#pragma once
// One task of the TaskRunner: its records, on a serial executor of its own. Private to the
// runner's .cpp files.
//
// Everything that reads or changes the records runs on the task's executor (one function at a
// time, so no lock): the launch steps, Docker's events for the task's containers, resync
// findings, stop requests and timers. Blocking Docker calls made there (create, start, stop,
// inspect) occupy a pool worker for their duration, as real work; waiting does not:
//   - image pulls run as a pool job beside the executor, so a stop during a long pull is
//     handled (and TaskStopped reported) at once;
//   - a launch whose next container waits on a dependency arms a timer (its next poll, the
//     earliest startTimeout) and returns; the dependency's exit or health event, the timer, a
//     stop or shutdown bring it back.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/task/serial_executor.hpp"
#include "runtime/task/task_runner.hpp"

namespace ecslocal::runtime {

inline TaskEvent task_event(TaskEvent::Kind kind) {
  TaskEvent event;
  event.kind = kind;
  return event;
}

class TaskRunner::ManagedTask : public std::enable_shared_from_this<ManagedTask> {
 public:
  ManagedTask(TaskRunner& runner, TaskSpec spec);

  const TaskSpec& spec() const { return spec_; }
  const std::string& key() const { return spec_.key; }

  // ---- inputs; each is posted onto the task's executor ----
  void launch();
  void stop(bool from_pause_exit);
  void container_event(int index, const ContainerEvent& event);  // index -1: the pause container
  // Resync: `states` (id -> Docker's state) were listed by a call that began at `listed_from`.
  void resync(std::shared_ptr<const std::unordered_map<std::string, std::string>> states,
              std::chrono::steady_clock::time_point listed_from);
  // Shutdown without removal: a launch waiting on a dependency ends where it is.
  void leave();
  // The launch was never taken (shutdown): TaskFailed and TaskStopped, at once.
  void refuse(const std::string& reason);

 private:
  struct ContainerRecord {
    std::string id;            // Docker's id, once created
    std::string image_digest;  // repo digest, else image id
    bool started = false;      // start_container succeeded
    bool start_reported = false;
    bool exited = false;  // stopped since it started (or failed to start)
    std::optional<int> exit_code;
    bool oom = false;
    std::string exit_reason;
    bool stop_reported = false;
    std::string health;  // "", starting, healthy, unhealthy
    std::chrono::steady_clock::time_point started_at{};
  };
  enum class NextStep { start, wait, done, failed, aborted };
  struct Decision {
    NextStep step = NextStep::wait;
    std::size_t index = 0;
    std::string why;
    std::string container;  // the container that can never start, for `failed`
    std::optional<std::chrono::steady_clock::time_point> wake_at;  // the earliest startTimeout
  };
  struct Pulled {
    std::map<std::string, std::string> digests;  // by image reference
    std::optional<DockerError> error;
    std::string culprit;  // the container whose image failed
    bool cancelled = false;
  };

  void post(std::function<void(ManagedTask&)> fn);
  void emit(TaskEvent event);
  bool halted() const;  // a stop was asked for, or shutdown

  // managed_task_start.cpp
  void begin();
  Pulled pull_images() const;  // a pool job, beside the executor
  void on_pulled(Pulled pulled);
  bool prepare_network();
  ContainerCreateSpec pause_spec(const std::string& image) const;
  bool start_pause(ContainerCreateSpec pause);
  bool take_warm_pause(const ContainerCreateSpec& pause);
  bool create_volumes();
  ContainerCreateSpec container_spec(std::size_t index) const;
  bool start_container(std::size_t index);
  void report_started(std::size_t index);
  bool fail(const std::string& reason, const std::string& container = {});
  bool proceed(bool about_to_create);
  void finish_launch(bool ok);

  // managed_task_wait.cpp
  Decision next_container() const;
  void continue_launch();  // starts what may start; else waits (a timer) or ends the launch
  void wake();             // something a waiting launch may care about changed
  void on_timer();
  void poll_waited_dependencies();
  void report_stopped(std::size_t index);
  void record_exit(int index, std::optional<int> exit_code, bool oom, const std::string& reason);
  void record_health(int index, const std::string& health);
  void resync_container(int index, const std::string& id, const std::string& listed_state);

  // managed_task_stop.cpp
  void request_stop(bool from_pause_exit);
  void run_stop();
  void remove_objects();
  void done();

  TaskRunner& runner_;
  DockerClient& docker_;
  const TaskSpec spec_;
  const std::string name_prefix_;  // "ecslocal-<hash of the key>": Docker names of its containers
  std::shared_ptr<SerialExecutor> executor_;

  // ---- the records: touched on the executor only ----
  std::vector<ContainerRecord> containers_;  // parallel to spec_.containers
  std::map<std::string, std::string> image_digests_;
  std::string pause_id_;
  bool pause_started_ = false;
  std::chrono::steady_clock::time_point pause_started_at_{};
  bool pause_exited_ = false;
  std::vector<std::string> volumes_;  // created by the runner

  bool launch_active_ = true;    // the launch has not ended
  bool waiting_ = false;         // the launch waits on a dependency (timer armed)
  RuntimeTimers::Id timer_ = 0;  // while waiting_
  std::chrono::steady_clock::time_point next_poll_{};
  bool made_objects_ = false;    // a container or volume create was issued
  bool stop_requested_ = false;  // stop(), a failure, the pause dying, or shutdown with removal
  bool stopping_ = false;        // run_stop has begun
  bool failed_ = false;          // TaskFailed was reported
  bool stopped_reported_ = false;
  bool done_ = false;            // forgotten by the runner
  std::atomic<bool> halt_{false};  // stop_requested_, for the pull job beside the executor
};

}  // namespace ecslocal::runtime
