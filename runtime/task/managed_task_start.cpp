// ManagedTask, the launch: image checks and pulls (a pool job beside the executor), the task's
// network and pause container, task volumes, then the containers (their order is worked out in
// managed_task_wait.cpp).
#include <set>

#include "runtime/labels.hpp"
#include "runtime/task/managed_task.hpp"
#include "runtime/task/task_runner_deps.hpp"

namespace ecslocal::runtime {

namespace {

constexpr int address_attempts = 16;  // fixed addresses tried when another process holds one

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

// The container a failure is pinned on: none when Docker itself is unreachable.
std::string culprit(const DockerError& error, const std::string& container) {
  return error.kind == DockerErrorKind::unavailable ? std::string() : container;
}

// Docker's answer to a start at a fixed address another container (of any process) holds.
bool address_taken(const DockerError& error) {
  return error.message.find("ddress already in use") != std::string::npos;
}

}  // namespace

TaskRunner::ManagedTask::ManagedTask(TaskRunner& runner, TaskSpec spec)
    : runner_(runner),
      docker_(runner.docker_),
      spec_(std::move(spec)),
      name_prefix_("ecslocal-" + content_tag(spec_.key).substr(0, 12)),
      executor_(std::make_shared<SerialExecutor>(runner.pool_)),
      containers_(spec_.containers.size()) {}

void TaskRunner::ManagedTask::post(std::function<void(ManagedTask&)> fn) {
  executor_->post([self = shared_from_this(), fn = std::move(fn)] { fn(*self); });
}

void TaskRunner::ManagedTask::emit(TaskEvent event) {
  if (stopped_reported_) return;  // nothing follows TaskStopped
  if (event.kind == TaskEvent::Kind::TaskStopped) stopped_reported_ = true;
  runner_.emit(spec_.key, std::move(event));
}

bool TaskRunner::ManagedTask::halted() const { return stop_requested_ || runner_.shutting_down(); }

void TaskRunner::ManagedTask::launch() {
  post([](ManagedTask& self) { self.begin(); });
}

void TaskRunner::ManagedTask::refuse(const std::string& reason) {
  post([reason](ManagedTask& self) {
    TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
    failed.reason = reason;
    self.emit(std::move(failed));
    self.emit(task_event(TaskEvent::Kind::TaskStopped));
  });
}

void TaskRunner::ManagedTask::begin() {
  if (auto invalid = task_deps::validate(spec_.containers)) {
    fail("CannotStartContainerError: " + *invalid);
    return finish_launch(false);
  }
  if (halted()) return finish_launch(false);
  emit(task_event(TaskEvent::Kind::PullStarted));
  auto self = shared_from_this();
  auto job = [self] {
    Pulled pulled = self->pull_images();
    self->post([pulled = std::move(pulled)](ManagedTask& task) mutable { task.on_pulled(std::move(pulled)); });
  };
  if (!runner_.pool_.submit(job)) job();
}

TaskRunner::ManagedTask::Pulled TaskRunner::ManagedTask::pull_images() const {
  Pulled pulled;
  for (const auto& container : spec_.containers) {
    const std::string& image = container.create.image;
    if (pulled.digests.count(image)) continue;
    if (halt_ || runner_.shutting_down()) {
      pulled.cancelled = true;
      return pulled;
    }
    auto found = docker_.inspect_image(image);
    if (!found && found.error().kind == DockerErrorKind::not_found) found = docker_.pull_image(image);
    if (!found) {
      pulled.error = found.error();
      pulled.culprit = culprit(found.error(), container.name);
      return pulled;
    }
    pulled.digests[image] = digest_of(*found);
  }
  return pulled;
}

void TaskRunner::ManagedTask::on_pulled(Pulled pulled) {
  if (pulled.error) {
    fail(runner_.failure_reason("CannotPullContainerError", *pulled.error), pulled.culprit);
    return finish_launch(false);
  }
  if (pulled.cancelled || halted()) return finish_launch(false);
  image_digests_ = std::move(pulled.digests);
  emit(task_event(TaskEvent::Kind::PullStopped));
  if (!prepare_network() || !create_volumes()) return finish_launch(false);
  next_poll_ = std::chrono::steady_clock::now() + runner_.options_.dependency_poll;
  continue_launch();
}

bool TaskRunner::ManagedTask::proceed(bool about_to_create) {
  if (halted()) return false;
  if (about_to_create) made_objects_ = true;
  return true;
}

bool TaskRunner::ManagedTask::fail(const std::string& reason, const std::string& container) {
  bool report = !stop_requested_ && !failed_;
  stop_requested_ = true;
  halt_ = true;
  if (!report) return false;  // a stop was asked for first: this failure is a consequence, not news
  failed_ = true;
  TaskEvent failed = task_event(TaskEvent::Kind::TaskFailed);
  failed.reason = reason;
  failed.container = container;
  emit(std::move(failed));
  return false;
}

void TaskRunner::ManagedTask::finish_launch(bool ok) {
  if (!launch_active_) return;
  launch_active_ = false;
  waiting_ = false;
  if (timer_ != 0) runner_.timers_.cancel(timer_);
  timer_ = 0;
  // Shut down without removal: what exists stays, for the next start's cleanup.
  bool leave = runner_.leave_running() && !stop_requested_;
  bool tear_down = !leave && (!ok || stop_requested_);
  if (tear_down) {
    run_stop();
  } else if (!ok) {
    done();
  }
}

bool TaskRunner::ManagedTask::prepare_network() {
  const TaskNetworkSpec& net = spec_.network;
  std::string image = runner_.pause_reference();
  if (image.empty()) {
    auto made = runner_.ensure_pause_image();
    if (!made) {
      return fail(runner_.failure_reason("ResourceInitializationError: cannot make the pause container image",
                                         made.error()));
    }
    image = *made;
  }
  if (!net.network.empty()) {
    auto network = runner_.networks_.ensure(runner_.network_request(net));
    if (!network) {
      return fail(runner_.failure_reason("ResourceInitializationError: cannot create the network " + net.network,
                                         network.error()));
    }
  }
  if (runner_.task_endpoints()) {
    if (!proceed(true)) return false;
    auto relay = runner_.endpoints_->ensure(image);
    if (!relay) {
      return fail(runner_.failure_reason(
          "ResourceInitializationError: cannot start the task metadata endpoint (" + std::string(endpoints_address) + ")",
          relay.error()));
    }
  }
  ContainerCreateSpec pause = pause_spec(image);
  if (!runner_.pause_pool_.enabled() || !PausePool::eligible(pause)) return start_pause(std::move(pause));
  bool ok = take_warm_pause(pause) || start_pause(pause);
  if (ok) {  // top the network's warm containers up, modelled on this one
    auto job = [runner = &runner_, pause = std::move(pause), cidr = net.subnet_cidr.empty() ? net.cidr : net.subnet_cidr,
                gateway = net.gateway] {
      runner->pause_pool_.fill(pause, cidr, gateway);
    };
    runner_.pool_.submit(std::move(job));
  }
  return ok;
}

// A warm pause container of the pool becomes the task's: its address is the task's.
bool TaskRunner::ManagedTask::take_warm_pause(const ContainerCreateSpec& pause) {
  if (halted()) return false;
  auto warm = runner_.pause_pool_.take(pause, spec_.network.subnet_cidr.empty() ? spec_.network.cidr : spec_.network.subnet_cidr);
  if (!warm) return false;
  made_objects_ = true;
  runner_.index_id(warm->id, shared_from_this(), -1);
  pause_id_ = warm->id;
  pause_started_ = true;
  pause_started_at_ = std::chrono::steady_clock::now();
  if (halted()) return true;  // the teardown removes it
  TaskEvent ready = task_event(TaskEvent::Kind::NetworkReady);
  ready.runtime_id = warm->id;
  ready.ipv4_address = warm->ipv4_address;
  ready.mac_address = warm->mac_address;
  if (runner_.task_endpoints()) {  // a warm one joins the endpoints network now, running
    auto joined = runner_.endpoints_->connect(warm->id, pause.image);
    if (!joined) {
      fail(runner_.failure_reason(
          "ResourceInitializationError: cannot connect the task to the task metadata endpoint", joined.error()));
      return true;  // the teardown removes it
    }
    if (auto info = docker_.inspect_container(warm->id))
      if (auto on = info->networks.find(endpoints_network); on != info->networks.end())
        ready.endpoints_address = on->second.ipv4_address;
  }
  emit(std::move(ready));
  return true;
}

ContainerCreateSpec TaskRunner::ManagedTask::pause_spec(const std::string& image) const {
  const TaskNetworkSpec& net = spec_.network;
  ContainerCreateSpec pause;
  pause.name = name_prefix_ + "-pause";
  pause.image = image;
  pause.labels = runner_.object_labels(spec_);
  pause.labels[std::string(labels::role)] = std::string(labels::role_pause);
  pause.hostname = net.hostname;
  pause.dns = net.dns;
  pause.extra_hosts = net.extra_hosts;
  pause.stop_timeout_s = static_cast<int>(runner_.options_.pause_stop_timeout.count());
  pause.network_mode = net.network.empty() ? "bridge" : net.network;
  if (!net.network.empty()) pause.endpoint = EndpointSpec{net.network, net.ipv4_address, net.aliases};
  if (!net.pause_command.empty()) pause.cmd = net.pause_command;
  if (!net.publish_ip.empty()) {
    for (auto port : net.published_ports) {
      port.host_ip = net.publish_ip;
      if (port.host_port == 0) port.host_port = port.container_port;  // awsvpc: hostPort = containerPort
      pause.port_bindings.push_back(port);
    }
  }
  return pause;
}

bool TaskRunner::ManagedTask::start_pause(ContainerCreateSpec pause) {
  auto reason = [&](const char* verb, const DockerError& error) {
    return runner_.failure_reason(
        "ResourceInitializationError: cannot " + std::string(verb) + " the task's network container", error);
  };
  const TaskNetworkSpec& net = spec_.network;
  std::set<std::string> tried;
  // The shared network can go with its last user in another process between our ensure() and
  // the pause container's start (a container that is only created holds no endpoint, and every
  // other ecslocal's start-up and shutdown removes unused shared networks): make it again, a
  // bounded number of times.
  int network_retries = net.network.empty() ? 0 : 8;
  auto network_gone = [&](const DockerError& error) {
    return network_retries > 0 && error.kind == DockerErrorKind::not_found &&
           error.message.find("network") != std::string::npos;
  };
  auto remake_network = [&]() -> bool {
    --network_retries;
    auto network = runner_.networks_.ensure(runner_.network_request(net));
    if (network) return true;
    return fail(runner_.failure_reason("ResourceInitializationError: cannot create the network " + net.network,
                                       network.error()));
  };
  std::string id;
  for (int attempt = 0;; ++attempt) {
    if (!proceed(true)) return false;
    auto created = create_replacing(docker_, pause.name, [&] { return docker_.create_container(pause); });
    if (!created && created.error().kind == DockerErrorKind::not_found && network_retries > 0) {
      if (!remake_network()) return false;
      continue;
    }
    if (!created) return fail(reason("create", created.error()));
    id = *created;
    runner_.index_id(id, shared_from_this(), -1);
    pause_id_ = id;
    if (!proceed(true)) return false;
    auto started = docker_.start_container(id);
    if (started) break;
    if (network_gone(started.error())) {
      docker_.remove_container(id, RemoveOptions{true, true});
      runner_.unindex_id(id);
      pause_id_.clear();
      if (!remake_network()) return false;
      continue;
    }
    bool retry = pause.endpoint && !pause.endpoint->ipv4_address.empty() && address_taken(started.error()) &&
                 attempt + 1 < address_attempts;
    if (!retry) return fail(reason("start", started.error()));
    // Another process's container holds the address: Docker arbitrates, we take the next free one.
    const std::string taken = pause.endpoint->ipv4_address;
    tried.insert(taken);
    docker_.remove_container(id, RemoveOptions{true, true});
    runner_.unindex_id(id);
    pause_id_.clear();
    auto next = runner_.networks_.next_free_address(net.network, net.subnet_cidr.empty() ? net.cidr : net.subnet_cidr,
                                                    net.gateway, taken, tried);
    if (!next) return fail(reason("start", started.error()));
    runner_.warn("address " + taken + " of " + spec_.key + " is held by another process on " + net.network +
                 ": the task gets " + *next);
    readdress_pause(pause, taken, *next);
  }
  pause_started_ = true;
  pause_started_at_ = std::chrono::steady_clock::now();
  if (runner_.task_endpoints()) {
    // A second interface on the link-local endpoints network (internal: no default route there),
    // joined once the container runs, as a warm one does: Docker names an interface joined to a
    // running container after those it has, so the task's network stays task_network_interface
    // (eth0) and this one comes next (joined before the start, Docker orders them its own way).
    if (halted()) return false;
    auto joined = runner_.endpoints_->connect(id, pause.image);
    if (!joined) {
      return fail(runner_.failure_reason(
          "ResourceInitializationError: cannot connect the task to the task metadata endpoint", joined.error()));
    }
  }
  auto info = docker_.inspect_container(id);
  if (!info) return fail(reason("inspect", info.error()));

  TaskEvent ready = task_event(TaskEvent::Kind::NetworkReady);
  ready.runtime_id = id;
  auto endpoint = info->networks.find(pause.network_mode);
  if (endpoint != info->networks.end()) {
    ready.ipv4_address = endpoint->second.ipv4_address;
    ready.mac_address = endpoint->second.mac_address;
  }
  if (ready.mac_address.empty()) ready.mac_address = info->mac_address;
  if (auto on_endpoints = info->networks.find(endpoints_network); on_endpoints != info->networks.end())
    ready.endpoints_address = on_endpoints->second.ipv4_address;
  if (ready.ipv4_address.empty() && pause.endpoint) ready.ipv4_address = pause.endpoint->ipv4_address;
  if (halted()) return false;
  emit(std::move(ready));
  return true;
}

bool TaskRunner::ManagedTask::create_volumes() {
  for (const auto& name : spec_.volumes) {
    if (!proceed(true)) return false;
    VolumeCreateSpec spec{name, "local", runner_.object_labels(spec_)};
    auto created = docker_.create_volume(spec);
    if (!created) return fail(runner_.failure_reason("CannotCreateVolumeError", created.error()));
    volumes_.push_back(*created);
  }
  return true;
}

ContainerCreateSpec TaskRunner::ManagedTask::container_spec(std::size_t index) const {
  const TaskContainerSpec& container = spec_.containers[index];
  ContainerCreateSpec spec = container.create;
  spec.name = name_prefix_ + "-" + container.name;
  // The namespace is the pause container's: Docker refuses these on a joined container.
  spec.network_mode = "container:" + pause_id_;
  spec.endpoint.reset();
  spec.hostname.clear();
  spec.port_bindings.clear();
  spec.dns.clear();
  spec.dns_search.clear();
  spec.extra_hosts.clear();
  for (const auto& [key, value] : runner_.object_labels(spec_)) spec.labels[key] = value;
  spec.labels[std::string(labels::role)] = std::string(labels::role_container);
  spec.labels[std::string(labels::container)] = container.name;
  if (!spec.stop_timeout_s) spec.stop_timeout_s = container.stop_timeout_s;
  return spec;
}

bool TaskRunner::ManagedTask::start_container(std::size_t index) {
  const std::string& name = spec_.containers[index].name;
  ContainerCreateSpec spec = container_spec(index);
  if (!proceed(true)) return false;
  auto id = create_replacing(docker_, spec.name, [&] { return docker_.create_container(spec); });
  if (!id) return fail(runner_.failure_reason("CannotCreateContainerError", id.error()), culprit(id.error(), name));
  runner_.index_id(*id, shared_from_this(), static_cast<int>(index));
  containers_[index].id = *id;
  if (!proceed(true)) return false;
  auto started = docker_.start_container(*id);
  if (!started) {
    return fail(runner_.failure_reason("CannotStartContainerError", started.error()), culprit(started.error(), name));
  }
  if (const auto& ship = spec_.containers[index].ship_logs) runner_.logs_.follow(spec_.key, *id, *ship);
  report_started(index);
  return true;
}

void TaskRunner::ManagedTask::report_started(std::size_t index) {
  ContainerRecord& record = containers_[index];
  const TaskContainerSpec& container = spec_.containers[index];
  record.started = true;
  record.started_at = std::chrono::steady_clock::now();
  record.image_digest = image_digests_[container.create.image];
  record.start_reported = true;
  TaskEvent event = task_event(TaskEvent::Kind::ContainerStarted);
  event.container = container.name;
  event.runtime_id = record.id;
  event.image_digest = record.image_digest;
  emit(std::move(event));
  // Events Docker sent between the start call and now are queued behind this function on the
  // executor: they find the container started and report in order.
}

}  // namespace ecslocal::runtime
