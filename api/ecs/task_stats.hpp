#pragma once
// The documents of the task metadata endpoint's stats paths (/stats, /task/stats; spec:
// discovery-secrets-metadata-exec.md §4.3, ecs-semantics.md §4): Docker's one-shot stats of a
// container, shaped the way the ECS agent serves the stats it streams from Docker.
//
//   networks            the interface on the task's own network under the name Fargate gives the
//                       task's ENI, `eth1`; ecslocal's other interfaces (the task endpoints
//                       network) left out. Unknown interface: Docker's networks as they are.
//   precpu_stats,       a one-shot sample has none (Docker leaves them zero); the agent's streamed
//   preread             samples carry the previous sample's cpu_stats and read time, so the
//                       container's previous sample here fills them (the first keeps Docker's).
//   network_rate_stats  (v4) {rx_bytes_per_sec, tx_bytes_per_sec}: the bytes since the container's
//                       previous sample over the time between their `read`s, as floats; 0 on the
//                       first sample. Absent when Docker reports no networks (as the agent does).
//
// Every other member is Docker's, untouched (read, pids_stats, blkio_stats, num_procs,
// storage_stats, cpu_stats, memory_stats, name, id). The shaper remembers one sample per
// container, on the state strand; samples not refreshed for an hour are forgotten.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

// The key of the task's network in the stats documents (Fargate's name for the task's ENI).
inline constexpr const char* kStatsTaskInterface = "eth1";

class ContainerStatsShaper {
 public:
  // `docker`: Docker's stats document of container `docker_id`; `task_interface`: the interface
  // there on the task's own network ("" unknown); `with_rates`: add network_rate_stats (v4).
  Json shape(const std::string& docker_id, Json docker, const std::string& task_interface, bool with_rates,
             Clock::time_point now);
  void clear() { previous_.clear(); }
  std::size_t remembered() const { return previous_.size(); }

  static constexpr std::chrono::hours kForgetAfter{1};

 private:
  struct Sample {
    Json cpu_stats;
    std::string read;
    std::int64_t read_ns = 0;  // `read` in nanoseconds since the epoch (the arrival time when unreadable)
    bool has_network = false;
    std::uint64_t rx_bytes = 0, tx_bytes = 0;
    double rx_per_sec = 0, tx_per_sec = 0;
    Clock::time_point seen{};
  };
  std::map<std::string, Sample> previous_;  // by Docker id
};

// Docker's RFC 3339 time ("2026-12-07T22:37:13.559332778Z") in nanoseconds since the epoch;
// false when it is not one (or is Docker's zero time, 0001-01-01T00:00:00Z).
bool parse_docker_time(const std::string& text, std::int64_t& ns);

}  // namespace ecslocal::api::ecs
