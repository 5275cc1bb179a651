#pragma once
// Per-call time limits of the Docker client, in the spirit of the ECS agent's table: short for
// queries, longer for work that touches the disk or the network, a pull measured in minutes and
// cut short when no byte arrives for a while, stop = the container's stop timeout + a margin.
// Streams that follow (events, logs with follow) have no overall limit.
#include <array>
#include <chrono>
#include <cstddef>

namespace ecslocal::runtime {

enum class DockerOp : std::size_t {
  ping,
  version,
  inspect_image,
  pull_image,
  create_container,
  start_container,
  stop_container,
  kill_container,
  remove_container,
  inspect_container,
  container_stats,
  list_containers,
  logs,  // without follow; with follow there is no limit
  events,
  create_network,
  remove_network,
  inspect_network,
  list_networks,
  connect_network,
  import_image,
  create_volume,
  remove_volume,
  list_volumes,
  count_,
};

const char* to_string(DockerOp op);

struct DockerTimeouts {
  using ms = std::chrono::milliseconds;

  DockerTimeouts();

  // The overall limit of one call; zero means none. For stop_container it is the margin that
  // is added to the container's own stop timeout: use stop_limit().
  ms& operator[](DockerOp op) { return table_[static_cast<std::size_t>(op)]; }
  ms operator[](DockerOp op) const { return table_[static_cast<std::size_t>(op)]; }

  ms stop_limit(std::chrono::seconds stop_timeout) const;

  ms connect = std::chrono::seconds(5);  // to reach the daemon, for every call
  // A pull fails when Docker sends nothing for this long (a stuck registry), whatever its size.
  std::chrono::seconds pull_inactivity = std::chrono::seconds(60);

 private:
  std::array<ms, static_cast<std::size_t>(DockerOp::count_)> table_{};
};

}  // namespace ecslocal::runtime
