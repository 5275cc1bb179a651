#pragma once
// ECS's service metrics from real measurements (spec §6.1, §10.4): the tasks' containers are
// sampled through the UsageSampler port (every 15 s of virtual time, at most once a tick), and at
// every minute boundary of the virtual clock (a Timers entry) one datum per RUNNING service task
// goes to CloudWatch's MetricSink:
//   AWS/ECS CPUUtilization, MemoryUtilization (Percent) per {ClusterName, ServiceName} and per
//   {ClusterName}: used ÷ the task's reservation × 100 (task-level cpu/memory, else the
//   containers' sums), averaged over the minute, so SampleCount is the running tasks and Average
//   the service's utilization; an idle task gives a real 0;
//   ECS/ContainerInsights (clusters with containerInsights enabled or enhanced): CpuUtilized,
//   CpuReserved (CPU units), MemoryUtilized, MemoryReserved (MiB), RunningTaskCount,
//   PendingTaskCount, DesiredTaskCount per {ClusterName, ServiceName}; TaskCount, ServiceCount
//   and the sums per {ClusterName}.
// A task not sampled yet is left out of the minute.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

class EcsProvider;

class UsageMetrics {
 public:
  // Called from EcsProvider::tick: samples when due, arms the minute publication.
  void tick(EcsProvider& ecs, Clock::time_point now);
  void reset();

 private:
  struct Measured {
    std::uint64_t cpu_ns = 0;
    std::chrono::steady_clock::time_point at{};
    double cores = 0;          // the latest rate (CPU time ÷ real time)
    double memory_bytes = 0;   // the latest
    double core_seconds = 0, seconds = 0;     // this minute's CPU (weighted by real time)
    double memory_sum = 0, memory_count = 0;  // this minute's memory samples
    bool has_rate = false;
  };
  struct Shared {
    std::map<std::string, Measured> tasks;  // by task key
    bool in_flight = false;
  };
  void publish(EcsProvider& ecs, std::int64_t minute_start);

  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  std::optional<Clock::time_point> last_sample_;
  std::uint64_t timer_ = 0;
};

}  // namespace ecslocal::api::ecs
