#include "runtime/task/endpoints_relay.hpp"

#include "runtime/labels.hpp"

namespace ecslocal::runtime {
namespace {

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
  // starts it: a created relay is not yet on the network's member list. Make it again, a bounded
  // number of times.
  DockerStatus last = docker_ok();
  for (int attempt = 0; attempt < 4; ++attempt) {
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
