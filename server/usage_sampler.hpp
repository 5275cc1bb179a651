#pragma once
// ECS's UsageSampler port over the container runtime: TaskRuntime::sample_usage reads the task
// containers' stats on a runtime thread; the answer is handed to `post_to_state`, which must run
// it on the state strand.
#include <functional>

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

}  // namespace ecslocal::server
