#pragma once
// Shared by the TaskRunner unit tests: a FakeDockerClient that also records stop order, can hold
// image pulls and can lose the events of chosen containers; a sink that records TaskEvents; and
// small TaskSpec builders.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/labels.hpp"
#include "runtime/task/task_runner.hpp"
#include "tests/fakes/fake_docker_client.hpp"
#include "tests/fakes/task_event_log.hpp"

namespace ecslocal::runtime::test {

using namespace std::chrono_literals;

inline constexpr const char* busybox = "ecslocal-test/busybox:latest";
inline constexpr const char* pause_ref = "ecslocal/pause:unit";

class ScriptedDocker : public testing::FakeDockerClient {
 public:
  ScriptedDocker() {
    add_image(busybox);
    add_image(pause_ref);
  }

  DockerStatus stop_container(const std::string& id, std::chrono::seconds timeout) override {
    auto c = container(id);
    {
      std::lock_guard lock(script_mutex_);
      stops_.push_back(c ? name_in_task(c->spec.labels) : id);
    }
    return FakeDockerClient::stop_container(id, timeout);
  }

  DockerResult<std::string> create_container(const ContainerCreateSpec& spec) override {
    if (auto error = scripted_failure(create_failures_, name_in_task(spec.labels))) return *error;
    return FakeDockerClient::create_container(spec);
  }

  DockerStatus start_container(const std::string& id) override {
    auto c = container(id);
    if (auto error = scripted_failure(start_failures_, c ? name_in_task(c->spec.labels) : id)) return *error;
    return FakeDockerClient::start_container(id);
  }

  // The create (or start) of the container with this name in its task ("pause" for the pause
  // container) fails with `error`, once.
  void fail_create_of(const std::string& name, DockerError error) {
    std::lock_guard lock(script_mutex_);
    create_failures_[name] = std::move(error);
  }
  void fail_start_of(const std::string& name, DockerError error) {
    std::lock_guard lock(script_mutex_);
    start_failures_[name] = std::move(error);
  }

  DockerResult<ImageInfo> pull_image(const std::string& reference, const std::optional<RegistryAuth>& auth) override {
    std::unique_lock lock(script_mutex_);
    ++pulls_waiting_;
    cv_.wait(lock, [&] { return !hold_pulls_; });
    --pulls_waiting_;
    lock.unlock();
    return FakeDockerClient::pull_image(reference, auth);
  }

  DockerStatus stream_events(const EventsQuery& query, const std::function<void()>& on_connected,
                             const EventCallback& on_event, std::stop_token stop) override {
    EventCallback filtered = [this, &on_event](const ContainerEvent& event) {
      {
        std::lock_guard lock(script_mutex_);
        if (muted_.count(name_in_task(event.labels))) return;
      }
      on_event(event);
    };
    return FakeDockerClient::stream_events(query, on_connected, filtered, stop);
  }

  // The container's name in its task; "pause" for the pause container.
  static std::string name_in_task(const Labels& of) {
    auto role = of.find(std::string(labels::role));
    if (role != of.end() && role->second == labels::role_pause) return "pause";
    auto name = of.find(std::string(labels::container));
    return name == of.end() ? std::string() : name->second;
  }

  // Names in the task of the containers stop_container was called for, in order.
  std::vector<std::string> stops() {
    std::lock_guard lock(script_mutex_);
    return stops_;
  }
  void hold_pulls(bool hold) {
    {
      std::lock_guard lock(script_mutex_);
      hold_pulls_ = hold;
    }
    cv_.notify_all();
  }
  int pulls_waiting() {
    std::lock_guard lock(script_mutex_);
    return pulls_waiting_;
  }
  // Events of the task container with this name never reach the runner.
  void mute(const std::string& container_name) {
    std::lock_guard lock(script_mutex_);
    muted_.insert(container_name);
  }

  // The id of a task's container by its name in the task ("pause": the pause container).
  std::string id_of(const std::string& name) {
    std::string filter = name == "pause" ? labels::filter(labels::role, labels::role_pause)
                                         : labels::filter(labels::container, name);
    auto listed = list_containers(ContainerListQuery{true, {filter}});
    if (!listed || listed->empty()) return {};
    return listed->front().id;
  }
  std::size_t managed_containers() {
    auto listed = list_containers(ContainerListQuery{true, {labels::managed_filter()}});
    return listed ? listed->size() : 0;
  }

 private:
  std::mutex script_mutex_;
  std::condition_variable cv_;
  std::vector<std::string> stops_;
  std::map<std::string, DockerError> create_failures_;
  std::map<std::string, DockerError> start_failures_;

  std::optional<DockerError> scripted_failure(std::map<std::string, DockerError>& failures, const std::string& name) {
    std::lock_guard lock(script_mutex_);
    auto it = failures.find(name);
    if (it == failures.end()) return std::nullopt;
    DockerError error = it->second;
    failures.erase(it);
    return error;
  }
  std::set<std::string> muted_;
  bool hold_pulls_ = false;
  int pulls_waiting_ = 0;
};

inline TaskContainerSpec container(const std::string& name, std::vector<ContainerDependency> depends_on = {}) {
  TaskContainerSpec c;
  c.name = name;
  c.create.image = busybox;
  c.create.cmd = std::vector<std::string>{"sleep", "3600"};
  c.depends_on = std::move(depends_on);
  c.stop_timeout_s = 2;
  return c;
}

inline HealthCheck health_check() {
  HealthCheck check;
  check.test = {"CMD-SHELL", "true"};
  return check;
}

inline TaskSpec task(const std::string& key, std::vector<TaskContainerSpec> containers) {
  TaskSpec spec;
  spec.key = key;
  spec.labels = {{std::string(labels::task_arn), key}};
  spec.network.network = "ecslocal-unit-vpc";
  spec.network.cidr = "172.31.0.0/16";
  spec.network.gateway = "172.31.0.1";
  spec.network.ipv4_address = "172.31.0.10";
  spec.network.hostname = "ip-172-31-0-10.ec2.internal";
  spec.containers = std::move(containers);
  return spec;
}

// A runner on the fake with the events stream connected.
struct RunnerFixture {
  explicit RunnerFixture(TaskRunnerOptions options = defaults()) : runner(docker, std::move(options)) {
    runner.set_event_sink(log.sink());
    runner.start();
    auto until = std::chrono::steady_clock::now() + 5s;
    while (!runner.events_connected() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  }
  static TaskRunnerOptions defaults() {
    TaskRunnerOptions options;
    options.pause_image = pause_ref;
    options.workers = 16;
    options.docker_host = "unix:///var/run/docker.sock";
    options.dependency_poll = 50ms;
    options.events.initial_backoff = 5ms;
    options.events.max_backoff = 20ms;
    return options;
  }

  ScriptedDocker docker;
  EventLog log;
  TaskRunner runner;
};

}  // namespace ecslocal::runtime::test
