#pragma once
// The seam between the ECS layer and the container runtime. Calls return at once (the work runs
// on the runtime's own threads); progress comes back as TaskEvents through the sink, on a
// runtime thread: the server posts them onto the state strand before the api layer sees them.
#include <functional>
#include <string>

#include "runtime/task_spec.hpp"

namespace ecslocal::runtime {

using TaskEventSink = std::function<void(TaskEvent)>;

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
};

}  // namespace ecslocal::runtime
