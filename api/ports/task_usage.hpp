#pragma once
// How ECS samples what its tasks' containers use (CPU time, memory) for the AWS/ECS and
// ECS/ContainerInsights metrics. The server implements it over the container runtime; `done`
// runs ON THE STATE STRAND, exactly once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ecslocal::api {

struct TaskUsage {
  std::string key;                 // the runtime's task key (the task ARN)
  std::uint64_t cpu_total_ns = 0;  // CPU time its containers used since they started
  std::uint64_t memory_bytes = 0;  // memory in use now, page cache excluded
  std::chrono::steady_clock::time_point at{};  // when it was read (real time: CPU use is measured against it)
};

class UsageSampler {
 public:
  virtual ~UsageSampler() = default;
  virtual void sample(std::function<void(std::vector<TaskUsage> usage)> done) = 0;
};

}  // namespace ecslocal::api
