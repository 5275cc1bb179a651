#pragma once
// What the TaskRunner knows of one task while it lives: private to the runner's .cpp files.
// Every member is guarded by TaskRecord::mutex.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/task_runner.hpp"

namespace ecslocal::runtime {

inline TaskEvent task_event(TaskEvent::Kind kind) {
  TaskEvent event;
  event.kind = kind;
  return event;
}

struct TaskRunner::ContainerRecord {
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

struct TaskRunner::TaskRecord {
  explicit TaskRecord(TaskSpec task_spec) : spec(std::move(task_spec)), containers(spec.containers.size()) {}

  const TaskSpec spec;
  std::string name_prefix;  // "ecslocal-<hash of the key>": Docker names of its containers
  std::mutex mutex;
  std::condition_variable cv;  // any change a waiting launch may care about
  std::vector<ContainerRecord> containers;  // parallel to spec.containers
  std::map<std::string, std::string> image_digests;  // by image reference
  std::string pause_id;
  bool pause_started = false;
  bool pause_exited = false;
  std::vector<std::string> volumes;  // created by the runner

  bool launch_active = true;    // the launch job has not finished
  bool made_objects = false;    // a container or volume create was issued
  bool stop_requested = false;  // stop(), a failure, the pause dying, or shutdown with removal
  bool stopping = false;        // run_stop has begun
  bool failed = false;          // TaskFailed was reported
  bool stopped_reported = false;
};

}  // namespace ecslocal::runtime
