#pragma once
// The seam between the ECS layer and the container runtime. Calls return at once (the work runs
// on the runtime's own threads); progress comes back as TaskEvents through the sink, on a
// runtime thread: the server posts them onto the state strand before the api layer sees them.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/task_spec.hpp"

namespace ecslocal::runtime {

using TaskEventSink = std::function<void(TaskEvent)>;

// What a task's containers (its pause container not counted) have used, summed.
struct TaskUsageSample {
  std::string key;
  std::uint64_t cpu_total_ns = 0;  // CPU time since they started
  std::uint64_t memory_bytes = 0;  // in use now, less the page cache
  std::size_t containers = 0;      // how many answered
  std::chrono::steady_clock::time_point at{};  // when the last of them was read
};

// The interface a task container's network namespace has on the task's own network (the pause
// container's first one: it starts on that network alone, and what joins it later, such as the
// task endpoints network, comes after it). Other interfaces there are ecslocal's plumbing.
inline constexpr const char* task_network_interface = "eth0";

// One container's stats, as Docker answered GET /containers/<id>/stats?stream=false&one-shot=true.
struct ContainerStatsReading {
  std::string id;              // the container's Docker id, as asked
  bool ok = false;             // `document` holds Docker's JSON; otherwise `error` says why not
  std::string document;
  std::string error;
  std::string task_interface;  // task_network_interface for a task container this runtime runs; "" unknown
};

class TaskRuntime {
 public:
  virtual ~TaskRuntime() = default;
  virtual void set_event_sink(TaskEventSink sink) = 0;
  // Image pulls → pause container (network) → task volumes → containers created and started
  // in dependsOn order. Pulls come first so a stop during a long pull is reported at once.
  virtual void launch(TaskSpec spec) = 0;
  // Stops the task's containers in reverse dependsOn order (each with its stop timeout), then the
  // pause container; removes them and the task's volumes; reports TaskStopped. Idempotent.
  virtual void stop(const std::string& key) = 0;
  // The network a VPC stood for is gone (EC2 DeleteVpc): remove the Docker network `name` if
  // this runtime made it and no container uses it. Asynchronous, best effort; a network left
  // behind goes at shutdown or with the next start-up's cleanup.
  virtual void remove_network(const std::string& name) {}
  // Stops every task this runtime runs (as stop(key) each, events included) and calls `done`,
  // on a runtime thread, once all of them are stopped and removed. For POST /_ecslocal/reset.
  virtual void stop_all(std::function<void()> done) = 0;
  // Samples every task's containers (CPU time, memory) and calls `done` once, on a runtime
  // thread, with the tasks that answered. Tasks whose containers all failed to answer are left out.
  virtual void sample_usage(std::function<void(std::vector<TaskUsageSample>)> done) { done({}); }
  // Reads the stats of the containers `ids` (Docker ids) and calls `done` once, on a runtime
  // thread, with one reading each, in the order asked.
  virtual void container_stats(std::vector<std::string> ids, std::function<void(std::vector<ContainerStatsReading>)> done) {
    std::vector<ContainerStatsReading> out;
    for (auto& id : ids) out.push_back({std::move(id), false, {}, "this container runtime reads no container stats", {}});
    done(std::move(out));
  }
};

}  // namespace ecslocal::runtime
