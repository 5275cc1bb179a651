#include "runtime/task/instance_lock.hpp"

#include <unistd.h>

#include "runtime/labels.hpp"

namespace ecslocal::runtime {
namespace {

std::string hostname() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0) return "?";
  return name;
}

ContainerCreateSpec lock_spec(const std::string& name, const InstanceLockOptions& options) {
  ContainerCreateSpec spec;
  spec.name = name;
  spec.image = options.pause_image;
  spec.cmd = std::vector<std::string>{"/pause", "--until-stdin-closes"};
  spec.labels = options.labels;
  spec.labels[std::string(labels::managed)] = std::string(labels::managed_value);
  if (!options.instance.empty()) spec.labels[std::string(labels::instance)] = options.instance;
  spec.labels[std::string(labels::role)] = std::string(labels::role_lock);
  spec.labels[std::string(labels::lock_holder)] = "pid " + std::to_string(::getpid()) + " on " + hostname();
  spec.open_stdin = true;
  spec.stdin_once = true;
  spec.network_mode = "none";
  spec.stop_timeout_s = 1;
  return spec;
}

std::string held_message(const std::string& instance, const std::string& name, const ContainerInfo& info) {
  auto holder = info.labels.find(std::string(labels::lock_holder));
  std::string who = holder == info.labels.end() ? std::string() : " (" + holder->second + ")";
  std::string shown = instance.empty() ? std::string("(unnamed)") : instance;
  return "another ecslocal with --instance " + shown + " is running on this Docker daemon" + who +
         "; it holds the lock container " + name + ". Stop it first, or start this one with another --instance";
}

}  // namespace

std::string InstanceLock::container_name(const std::string& instance) {
  std::string out = "ecslocal-lock";
  if (instance.empty()) return out;
  out += '-';
  for (char c : instance) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    out += ok ? c : '-';
  }
  return out;
}

InstanceLock::InstanceLock(DockerClient& docker, std::string name, std::string id, std::unique_ptr<AttachedStdin> in)
    : docker_(docker), name_(std::move(name)), id_(std::move(id)), stdin_(std::move(in)) {}

InstanceLock::~InstanceLock() { release(); }

DockerResult<std::unique_ptr<InstanceLock>> InstanceLock::acquire(DockerClient& docker,
                                                                  const InstanceLockOptions& options) {
  auto lock = take(docker, options);
  if (!lock) return lock.error();
  if (auto started = (*lock)->start(); !started) {
    (*lock)->release();
    return started.error();
  }
  return lock;
}

DockerStatus InstanceLock::start() {
  if (released_) return docker_error(DockerErrorKind::not_found, "the instance lock " + name_ + " was released");
  if (started_) return docker_ok();
  auto started = docker_.start_container(id_);
  if (started) started_ = true;
  return started;
}

DockerResult<std::unique_ptr<InstanceLock>> InstanceLock::take(DockerClient& docker, const InstanceLockOptions& options) {
  const std::string name = container_name(options.instance);
  const ContainerCreateSpec spec = lock_spec(name, options);
  DockerResult<std::string> id = docker.create_container(spec);
  if (!id && id.error().kind == DockerErrorKind::conflict) {
    auto existing = docker.inspect_container(name);
    if (existing) {
      if (existing->running) return docker_error(DockerErrorKind::conflict, held_message(options.instance, name, *existing));
      if (existing->status == "created" && existing->created_nano) {
        auto created = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*existing->created_nano)));
        if (std::chrono::system_clock::now() - created < options.starting_grace) {
          return docker_error(DockerErrorKind::conflict, held_message(options.instance, name, *existing) +
                                                             " (it is starting right now)");
        }
      }
      // Stale: its holder died before starting it, or Docker has not removed it yet.
      auto removed = docker.remove_container(existing->id, RemoveOptions{true, false});
      if (!removed && removed.error().kind != DockerErrorKind::not_found) return removed.error();
    } else if (existing.error().kind != DockerErrorKind::not_found) {
      return existing.error();
    }
    id = docker.create_container(spec);
    // Someone else took it between our removal and our create.
    if (!id && id.error().kind == DockerErrorKind::conflict) {
      auto other = docker.inspect_container(name);
      if (other) return docker_error(DockerErrorKind::conflict, held_message(options.instance, name, *other));
    }
  }
  if (!id) return id.error();
  // Attach before the start, so the stdin the pause program waits on is ours from the first moment.
  auto attached = docker.attach_stdin(*id);
  if (!attached) {
    docker.remove_container(*id, RemoveOptions{true, false});
    return attached.error();
  }
  return std::unique_ptr<InstanceLock>(new InstanceLock(docker, name, *id, std::move(attached).value()));
}

void InstanceLock::drop_connection() {
  if (stdin_) stdin_->close();
  released_ = true;
}

void InstanceLock::release() {
  if (released_.exchange(true)) return;
  if (stdin_) stdin_->close();
  docker_.remove_container(id_, RemoveOptions{true, false});
}

}  // namespace ecslocal::runtime
