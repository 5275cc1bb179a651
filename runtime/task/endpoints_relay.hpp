#pragma once
// The task endpoints network and relay (design A of discovery-secrets-metadata-exec.md §4.5): one
// internal Docker network 169.254.170.0/24 and one container at 169.254.170.2 running the pause
// program in its --relay mode (docker/pause/pause.cpp), shared by every ecslocal on the daemon.
// The relay copies each HTTP connection from a task to <socket dir>/<route>.sock, the Unix socket
// of the instance the id in the path names (the folder is bind-mounted into the relay); ecslocal's
// server answers there (server/task_endpoints_server.hpp). Every task's pause container is also
// connected to the network (the VPC bridge keeps the default route: an internal network has none).
//
// Both carry ecslocal.managed=true and ecslocal.shared=true and no instance label, as the VPC
// bridges: whoever finds only the relay left on the network removes it and then the network
// (shutdown, start-up cleanup); a launch makes them again when they are missing.
#include <mutex>
#include <string>

#include "runtime/docker/docker_client.hpp"
#include "runtime/docker/docker_networks.hpp"

namespace ecslocal::runtime {

inline constexpr const char* endpoints_network = "ecslocal-task-endpoints";
inline constexpr const char* endpoints_cidr = "169.254.170.0/24";
inline constexpr const char* endpoints_gateway = "169.254.170.1";
inline constexpr const char* endpoints_address = "169.254.170.2";
inline constexpr const char* endpoints_container = "ecslocal-task-endpoints";
inline constexpr const char* endpoints_mount = "/run/ecslocal-endpoints";  // the socket folder, in the relay

class EndpointsRelay {
 public:
  // `socket_dir`: the host folder holding the instances' sockets (made by the server).
  EndpointsRelay(DockerClient& docker, DockerNetworks& networks, std::string socket_dir)
      : docker_(docker), networks_(networks), socket_dir_(std::move(socket_dir)) {}

  // The network exists and the relay runs on it (made, or adopted from another process).
  DockerStatus ensure(const std::string& pause_image);
  // Connects a (created) pause container to the network, making the network again when it went.
  DockerStatus connect(const std::string& container_id, const std::string& pause_image);
  // When no container but the relay is on the network: removes the relay, then the network.
  // True when both are gone (or were never there). A task that joins in between gets the relay
  // back (made from `pause_image`).
  bool remove_if_idle(const std::string& pause_image);

  const std::string& socket_dir() const { return socket_dir_; }

 private:
  DockerStatus ensure_locked(const std::string& pause_image);
  DockerStatus ensure_once(const std::string& pause_image);
  DockerStatus start_relay(const std::string& pause_image);

  DockerClient& docker_;
  DockerNetworks& networks_;
  std::string socket_dir_;
  std::mutex mutex_;
};

}  // namespace ecslocal::runtime
