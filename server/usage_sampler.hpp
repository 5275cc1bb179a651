#pragma once
// ECS's UsageSampler port over the container runtime: TaskRuntime::sample_usage reads the task
// containers' stats on a runtime thread; the answer is handed to `post_to_state`, which must run
// it on the state strand. And the task metadata endpoint's stats reader (read_container_stats).
#include <functional>
#include <string>
#include <vector>

#include "api/ports/task_metadata.hpp"
#include "api/ports/task_usage.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::server {

class RuntimeUsageSampler final : public api::UsageSampler {
 public:
  using PostToState = std::function<void(std::function<void()>)>;
  RuntimeUsageSampler(runtime::TaskRuntime& runtime, PostToState post_to_state)
      : runtime_(runtime), post_(std::move(post_to_state)) {}

  void sample(std::function<void(std::vector<api::TaskUsage>)> done) override {
    runtime_.sample_usage([post = post_, done = std::move(done)](std::vector<runtime::TaskUsageSample> samples) {
      std::vector<api::TaskUsage> usage;
      usage.reserve(samples.size());
      for (auto& s : samples) usage.push_back({std::move(s.key), s.cpu_total_ns, s.memory_bytes, s.at});
      post([done, usage = std::move(usage)]() mutable { done(std::move(usage)); });
    });
  }

 private:
  runtime::TaskRuntime& runtime_;
  PostToState post_;
};

// TaskEndpointsHandler::ReadStats over the container runtime: TaskRuntime::container_stats reads
// Docker's documents on a runtime thread and `done` gets them there. No runtime (no Docker): an
// error for each container, at once.
inline void read_container_stats(runtime::TaskRuntime* runtime, std::vector<std::string> docker_ids,
                                 std::function<void(std::vector<api::ContainerStatsDocument>)> done) {
  if (runtime) return runtime->container_stats(std::move(docker_ids), std::move(done));
  std::vector<api::ContainerStatsDocument> none;
  for (auto& id : docker_ids) none.push_back({std::move(id), false, {}, "ecslocal runs without Docker", {}});
  done(std::move(none));
}

}  // namespace ecslocal::server
