#include "runtime/task/endpoints_relay.hpp"

#include <chrono>
#include <thread>

#include "runtime/labels.hpp"

namespace ecslocal::runtime {
namespace {

// What ensure_once answers when the relay (or its network) is going away in another process:
// the caller waits a moment and makes it again.
DockerError going_away(const std::string& what) {
  return DockerError{DockerErrorKind::not_found, 404,
                     "the task endpoints relay " + std::string(endpoints_container) + " " + what};
}

bool being_removed(const ContainerInfo& info) { return info.status == "removing" || info.status == "dead"; }

Labels shared_labels() {
  Labels out;
  out[std::string(labels::managed)] = std::string(labels::managed_value);
  out[std::string(labels::shared)] = std::string(labels::shared_value);
  return out;
}

NetworkRequest network_request() {
  NetworkRequest request{endpoints_network, endpoints_cidr, endpoints_gateway, shared_labels()};
  request.internal = true;
  return request;
}

}  // namespace

DockerStatus EndpointsRelay::ensure(const std::string& pause_image) {
  std::lock_guard lock(mutex_);
  return ensure_locked(pause_image);
}

DockerStatus EndpointsRelay::ensure_locked(const std::string& pause_image) {
  // Another ecslocal's shutdown can remove the relay (or its network) while this one makes or
  // starts it: a created relay is not yet on the network's member list, and a relay Docker is
  // removing can be neither started nor replaced until it is gone. Make it again, a bounded number
  // of times, waiting longer each time (at most about 1.5 s in all).
  DockerStatus last = docker_ok();
  auto pause = std::chrono::milliseconds(50);
  for (int attempt = 0; attempt < 6; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
    last = ensure_once(pause_image);
    if (last || last.error().kind != DockerErrorKind::not_found) return last;
  }
  return last;
}

DockerStatus EndpointsRelay::ensure_once(const std::string& pause_image) {
  auto network = networks_.ensure(network_request());
  if (!network) return network.error();
  auto found = docker_.inspect_container(endpoints_container);
  if (found && found->running && found->networks.count(endpoints_network)) {
    auto dir = found->labels.find(std::string(labels::endpoints_dir));
    if (dir != found->labels.end() && dir->second != socket_dir_) {
      return docker_error(DockerErrorKind::conflict,
                          "the task endpoints relay " + std::string(endpoints_container) + " of this Docker daemon serves " +
                              dir->second + ", not " + socket_dir_ +
                              ": give every ecslocal on the daemon the same --task-endpoints-dir");
    }
    return docker_ok();
  }
  if (found && being_removed(*found)) return going_away("is being removed");
  if (found) {
    // Stopped, or left on a network that went: another one takes its place.
    docker_.remove_container(found->id, RemoveOptions{true, true});
  } else if (found.error().kind != DockerErrorKind::not_found) {
    return found.error();
  }
  return start_relay(pause_image);
}

DockerStatus EndpointsRelay::start_relay(const std::string& pause_image) {
  ContainerCreateSpec spec;
  spec.name = endpoints_container;
  spec.image = pause_image;
  spec.cmd = std::vector<std::string>{"/pause", "--relay", endpoints_mount};
  spec.labels = shared_labels();
  spec.labels[std::string(labels::role)] = std::string(labels::role_endpoints);
  spec.labels[std::string(labels::endpoints_dir)] = socket_dir_;
  spec.network_mode = endpoints_network;
  spec.endpoint = EndpointSpec{endpoints_network, endpoints_address, {}};
  spec.mounts.push_back(Mount{Mount::Type::bind, socket_dir_, endpoints_mount, true, {}});
  spec.stop_timeout_s = 2;
  auto created = docker_.create_container(spec);
  std::string id;
  if (created) {
    id = *created;
  } else if (created.error().kind == DockerErrorKind::conflict) {
    // Another ecslocal made it a moment ago: start theirs (a no-op once it runs).
    auto theirs = docker_.inspect_container(endpoints_container);
    if (!theirs) return theirs.error();
    id = theirs->id;
  } else {
    return created.error();
  }
  auto started = docker_.start_container(id);
  if (started) return docker_ok();
  auto now = docker_.inspect_container(endpoints_container);  // another process's start won
  if (now && now->running) return docker_ok();
  // Docker refuses to start a container it is removing ("marked for removal", a conflict): another
  // process's clean-up got there first.
  if (!now && now.error().kind == DockerErrorKind::not_found) return going_away("went as it started");
  if (now && being_removed(*now)) return going_away("is being removed");
  return started.error();
}

DockerStatus EndpointsRelay::connect(const std::string& container_id, const std::string& pause_image) {
  auto connected = docker_.connect_network(endpoints_network, container_id);
  if (connected || connected.error().kind != DockerErrorKind::not_found) return connected;
  // The network went with its last user in another process: make it (and the relay) again.
  if (auto made = ensure(pause_image); !made) return made;
  return docker_.connect_network(endpoints_network, container_id);
}

bool EndpointsRelay::remove_if_idle(const std::string& pause_image) {
  std::lock_guard lock(mutex_);
  auto network = docker_.inspect_network(endpoints_network);
  if (!network) return network.error().kind == DockerErrorKind::not_found;
  auto relay = docker_.inspect_container(endpoints_container);
  for (const auto& [id, member] : network->containers) {
    bool is_relay = member.name == endpoints_container || (relay && relay->id == id);
    if (!is_relay) return false;  // a task (of any instance) still uses it
  }
  if (relay) {
    auto removed = docker_.remove_container(relay->id, RemoveOptions{true, true});
    if (!removed && removed.error().kind != DockerErrorKind::not_found) return false;
  }
  if (networks_.remove_if_unused(endpoints_network,
                                 {labels::managed_filter(), labels::filter(labels::shared, labels::shared_value)}))
    return true;
  // A task (of another process) joined between the look and the removal: it needs the relay back.
  if (auto again = docker_.inspect_network(endpoints_network); again && !again->containers.empty() &&
      !pause_image.empty() && !socket_dir_.empty())
    start_relay(pause_image);
  return false;
}

}  // namespace ecslocal::runtime
