// TaskRunner, the launch: image checks and pulls, the task's network and pause container, task
// volumes, then the containers (their order is worked out in task_runner_wait.cpp).
#include <set>

#include "runtime/labels.hpp"
#include "runtime/task_runner.hpp"
#include "runtime/task_runner_deps.hpp"
#include "runtime/task_runner_records.hpp"

namespace ecslocal::runtime {

namespace {

std::string digest_of(const ImageInfo& image) {
  for (const auto& repo_digest : image.repo_digests) {
    auto at = repo_digest.find('@');
    if (at != std::string::npos) return repo_digest.substr(at + 1);
  }
  return image.id;
}

// Docker answers a create with a name still in use (a leftover of a crashed run) with 409.
template <typename Create>
DockerResult<std::string> create_replacing(DockerClient& docker, const std::string& name, Create create) {
  auto id = create();
  if (id || id.error().kind != DockerErrorKind::conflict) return id;
  docker.remove_container(name, RemoveOptions{true, true});
  return create();
}

constexpr int address_attempts = 16;  // fixed addresses tried when another process holds one

// Docker's answer to a start at a fixed address another container (of any process) holds.
bool address_taken(const DockerError& error) {
  return error.message.find("ddress already in use") != std::string::npos;
}

std::string dashed(std::string ip) {
  for (char& c : ip) {
    if (c == '.') c = '-';
  }
  return ip;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The pause container moves to `to`: its hostname and host entries name the address too.
void move_address(ContainerCreateSpec& pause, const std::string& from, const std::string& to) {
  pause.endpoint->ipv4_address = to;
  replace_all(pause.hostname, dashed(from), dashed(to));
  for (auto& entry : pause.extra_hosts) {
    replace_all(entry, dashed(from), dashed(to));
    auto colon = entry.rfind(':');
    if (colon != std::string::npos && entry.substr(colon + 1) == from) entry = entry.substr(0, colon + 1) + to;
  }
}

// The container a failure is pinned on: none when Docker itself is unreachable.
std::string culprit(const DockerError& error, const std::string& container) {
  return error.kind == DockerErrorKind::unavailable ? std::string() : container;
}

}  // namespace

void TaskRunner::run_launch(const TaskPtr& task) {
  bool ok = false;
  if (auto invalid = task_deps::validate(task->spec.containers)) {
    fail(task, "CannotStartContainerError: " + *invalid);
  } else {
    ok = pull_images(task) && prepare_network(task) && create_volumes(task) && start_containers(task);
  }
  bool tear_down = false;
  {
    std::lock_guard lock(task->mutex);
    task->launch_active = false;
    // Shut down without removal: what exists stays, for the next start's cleanup.
    bool leave = leave_running_ && !task->stop_requested;
    tear_down = !leave && (!ok || task->stop_requested);
  }
  if (tear_down) {
    run_stop(task);
  } else if (!ok) {
    forget(task);
  }
}

bool TaskRunner::proceed(const TaskPtr& task, bool about_to_create) {
  std::lock_guard lock(task->mutex);
  if (task->stop_requested || shutting_down_) return false;
  if (about_to_create) task->made_objects = true;
  return true;
}

bool TaskRunner::fail(const TaskPtr& task, const std::string& reason, const std::string& container) {
  std::lock_guard lock(task->mutex);
  bool report = !task->stop_requested && !task->failed;
  task->stop_requested = true;
  task->cv.notify_all();
  if (!report) return false;  // a stop was asked for first: this failure is a consequence, not news
  task->failed = true;
  TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
  failed.reason = reason;
  failed.container = container;
  emit(*task, std::move(failed));
  return false;
}

bool TaskRunner::pull_images(const TaskPtr& task) {
  {
    std::lock_guard lock(task->mutex);
    if (task->stop_requested || shutting_down_) return false;
    emit(*task, task_event(TaskEvent::Kind::PullStarted));
  }
  std::set<std::string> done;
  for (const auto& container : task->spec.containers) {
    const std::string& image = container.create.image;
    if (!done.insert(image).second) continue;
    if (!proceed(task, false)) return false;
    auto found = docker_.inspect_image(image);
    if (!found && found.error().kind == DockerErrorKind::not_found) found = docker_.pull_image(image);
    if (!found) {
      return fail(task, failure_reason("CannotPullContainerError", found.error()), culprit(found.error(), container.name));
    }
    std::lock_guard lock(task->mutex);
    task->image_digests[image] = digest_of(*found);
  }
  std::lock_guard lock(task->mutex);
  if (task->stop_requested || shutting_down_) return false;
  emit(*task, task_event(TaskEvent::Kind::PullStopped));
  return true;
}

bool TaskRunner::prepare_network(const TaskPtr& task) {
  const TaskNetworkSpec& net = task->spec.network;
  std::string image = pause_reference();
  if (image.empty()) {
    auto made = ensure_pause_image();
    if (!made) {
      return fail(task, failure_reason("ResourceInitializationError: cannot make the pause container image", made.error()));
    }
    image = *made;
  }
  if (!net.network.empty()) {
    auto network = networks_.ensure(network_request(net));
    if (!network) {
      return fail(task, failure_reason("ResourceInitializationError: cannot create the network " + net.network,
                                       network.error()));
    }
  }
  return start_pause(task, pause_spec(*task, image));
}

ContainerCreateSpec TaskRunner::pause_spec(const TaskRecord& task, const std::string& image) const {
  const TaskNetworkSpec& net = task.spec.network;
  ContainerCreateSpec pause;
  pause.name = task.name_prefix + "-pause";
  pause.image = image;
  pause.labels = object_labels(task.spec);
  pause.labels[std::string(labels::role)] = std::string(labels::role_pause);
  pause.hostname = net.hostname;
  pause.dns = net.dns;
  pause.extra_hosts = net.extra_hosts;
  pause.stop_timeout_s = static_cast<int>(options_.pause_stop_timeout.count());
  pause.network_mode = net.network.empty() ? "bridge" : net.network;
  if (!net.network.empty()) pause.endpoint = EndpointSpec{net.network, net.ipv4_address, {}};
  if (!net.publish_ip.empty()) {
    for (auto port : net.published_ports) {
      port.host_ip = net.publish_ip;
      if (port.host_port == 0) port.host_port = port.container_port;  // awsvpc: hostPort = containerPort
      pause.port_bindings.push_back(port);
    }
  }
  return pause;
}

bool TaskRunner::start_pause(const TaskPtr& task, ContainerCreateSpec pause) {
  auto reason = [&](const char* verb, const DockerError& error) {
    return failure_reason("ResourceInitializationError: cannot " + std::string(verb) + " the task's network container",
                          error);
  };
  const TaskNetworkSpec& net = task->spec.network;
  std::set<std::string> tried;
  bool network_again = !net.network.empty();
  std::string id;
  for (int attempt = 0;; ++attempt) {
    if (!proceed(task, true)) return false;
    auto created = create_replacing(docker_, pause.name, [&] { return docker_.create_container(pause); });
    if (!created && created.error().kind == DockerErrorKind::not_found && network_again) {
      // The shared network went with its last user in another process: make it again, once.
      network_again = false;
      auto network = networks_.ensure(network_request(net));
      if (!network) {
        return fail(task, failure_reason("ResourceInitializationError: cannot create the network " + net.network,
                                         network.error()));
      }
      continue;
    }
    if (!created) return fail(task, reason("create", created.error()));
    id = *created;
    index_id(id, task, -1);
    {
      std::lock_guard lock(task->mutex);
      task->pause_id = id;
    }
    if (!proceed(task, true)) return false;
    auto started = docker_.start_container(id);
    if (started) break;
    bool retry = pause.endpoint && !pause.endpoint->ipv4_address.empty() && address_taken(started.error()) &&
                 attempt + 1 < address_attempts;
    if (!retry) return fail(task, reason("start", started.error()));
    // Another process's container holds the address (Docker arbitrates): take the next free one.
    const std::string taken = pause.endpoint->ipv4_address;
    tried.insert(taken);
    docker_.remove_container(id, RemoveOptions{true, true});
    unindex_id(id);
    {
      std::lock_guard lock(task->mutex);
      task->pause_id.clear();
    }
    auto next = networks_.next_free_address(net.network, net.cidr, net.gateway, taken, tried);
    if (!next) return fail(task, reason("start", started.error()));
    warn("address " + taken + " of " + task->spec.key + " is held by another process on " + net.network +
         ": the task gets " + *next);
    move_address(pause, taken, *next);
  }
  {
    std::lock_guard lock(task->mutex);
    task->pause_started = true;
  }
  auto info = docker_.inspect_container(id);
  if (!info) return fail(task, reason("inspect", info.error()));

  TaskEvent ready = task_event(TaskEvent::Kind::NetworkReady);
  ready.runtime_id = id;
  auto endpoint = info->networks.find(pause.network_mode);
  if (endpoint != info->networks.end()) {
    ready.ipv4_address = endpoint->second.ipv4_address;
    ready.mac_address = endpoint->second.mac_address;
  }
  if (ready.mac_address.empty()) ready.mac_address = info->mac_address;
  if (ready.ipv4_address.empty() && pause.endpoint) ready.ipv4_address = pause.endpoint->ipv4_address;
  std::lock_guard lock(task->mutex);
  if (task->stop_requested || shutting_down_) return false;
  emit(*task, std::move(ready));
  return true;
}

bool TaskRunner::create_volumes(const TaskPtr& task) {
  for (const auto& name : task->spec.volumes) {
    if (!proceed(task, true)) return false;
    VolumeCreateSpec spec{name, "local", object_labels(task->spec)};
    auto created = docker_.create_volume(spec);
    if (!created) {
    return fail(task, failure_reason("CannotCreateVolumeError", created.error()));
  }
    std::lock_guard lock(task->mutex);
    task->volumes.push_back(*created);
  }
  return true;
}

ContainerCreateSpec TaskRunner::container_spec(const TaskRecord& task, std::size_t index,
                                               const std::string& pause_id) const {
  const TaskContainerSpec& container = task.spec.containers[index];
  ContainerCreateSpec spec = container.create;
  spec.name = task.name_prefix + "-" + container.name;
  // The namespace is the pause container's: Docker refuses these on a joined container.
  spec.network_mode = "container:" + pause_id;
  spec.endpoint.reset();
  spec.hostname.clear();
  spec.port_bindings.clear();
  spec.dns.clear();
  spec.dns_search.clear();
  spec.extra_hosts.clear();
  for (const auto& [key, value] : object_labels(task.spec)) spec.labels[key] = value;
  spec.labels[std::string(labels::role)] = std::string(labels::role_container);
  spec.labels[std::string(labels::container)] = container.name;
  if (!spec.stop_timeout_s) spec.stop_timeout_s = container.stop_timeout_s;
  return spec;
}

bool TaskRunner::start_container(const TaskPtr& task, std::size_t index) {
  const std::string& name = task->spec.containers[index].name;
  std::string pause_id;
  {
    std::lock_guard lock(task->mutex);
    pause_id = task->pause_id;
  }
  ContainerCreateSpec spec = container_spec(*task, index, pause_id);
  if (!proceed(task, true)) return false;
  auto id = create_replacing(docker_, spec.name, [&] { return docker_.create_container(spec); });
  if (!id) {
    return fail(task, failure_reason("CannotCreateContainerError", id.error()), culprit(id.error(), name));
  }
  index_id(*id, task, static_cast<int>(index));
  {
    std::lock_guard lock(task->mutex);
    task->containers[index].id = *id;
  }
  if (!proceed(task, true)) return false;
  auto started = docker_.start_container(*id);
  if (!started) {
    return fail(task, failure_reason("CannotStartContainerError", started.error()), culprit(started.error(), name));
  }
  if (const auto& ship = task->spec.containers[index].ship_logs) logs_.follow(task->spec.key, *id, *ship);
  std::lock_guard lock(task->mutex);
  report_started(*task, index);
  return true;
}

void TaskRunner::report_started(TaskRecord& task, std::size_t index) {
  ContainerRecord& record = task.containers[index];
  const TaskContainerSpec& container = task.spec.containers[index];
  record.started = true;
  record.started_at = std::chrono::steady_clock::now();
  record.image_digest = task.image_digests[container.create.image];
  record.start_reported = true;
  TaskEvent event = task_event(TaskEvent::Kind::ContainerStarted);
  event.container = container.name;
  event.runtime_id = record.id;
  event.image_digest = record.image_digest;
  emit(task, std::move(event));
  // What Docker reported between the start call and now, in order.
  if (!record.health.empty() && !record.exited) {
    TaskEvent health = task_event(TaskEvent::Kind::ContainerHealth);
    health.container = container.name;
    health.runtime_id = record.id;
    health.health = record.health;
    emit(task, std::move(health));
  }
  if (record.exited) report_stopped(task, index);
  task.cv.notify_all();
}

}  // namespace ecslocal::runtime
