#pragma once
// An in-memory DockerClient for tests of everything above the runtime's libcurl client: images,
// containers with Docker's state rules and events (kept in a history that stream_events replays
// from `since`, as Docker does), networks, logs, injected failures and a down daemon.
// Thread-safe; header-only. Times come from a fake clock that moves 1 ms per event.
// stream_logs hands over the lines added with add_log and returns (follow is not simulated).
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "runtime/docker/docker_client.hpp"
#include "runtime/docker/docker_timeouts.hpp"

namespace ecslocal::testing {

using runtime::DockerError;
using runtime::DockerErrorKind;
using runtime::DockerOp;
using runtime::DockerResult;
using runtime::DockerStatus;

class FakeDockerClient : public runtime::DockerClient {
 public:
  struct Container {
    runtime::ContainerCreateSpec spec;
    runtime::ContainerInfo info;
    std::vector<runtime::LogLine> logs;
  };

  // ---- arranging ----
  void add_image(const std::string& reference) {
    std::lock_guard lock(mutex_);
    images_[reference] = runtime::ImageInfo{"sha256:" + hex_id(reference.size() + 1000), {reference}, {}, 1024};
  }
  // What pull_image may fetch; anything else fails inside the stream like an offline daemon.
  void make_pullable(const std::string& reference) {
    std::lock_guard lock(mutex_);
    pullable_.insert(reference);
  }
  void fail_next(DockerOp op, DockerError error, int times = 1) {
    std::lock_guard lock(mutex_);
    failures_[op] = {std::move(error), times};
  }
  void set_down(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
    if (down) break_event_streams_locked();
  }
  // Active event streams return an error, as when the daemon restarts.
  void break_event_streams() {
    std::lock_guard lock(mutex_);
    break_event_streams_locked();
  }
  void add_log(const std::string& id, runtime::LogStream stream, const std::string& text) {
    std::lock_guard lock(mutex_);
    if (auto* c = find_locked(id)) c->logs.push_back({stream, text, tick_locked()});
  }
  // The container's process ends on its own.
  void simulate_exit(const std::string& id, int exit_code, bool oom = false) {
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr || !c->info.running) return;
    if (oom) emit_locked(*c, "oom");
    exit_locked(*c, exit_code, oom);
  }
  void set_health(const std::string& id, const std::string& status) {
    std::lock_guard lock(mutex_);
    if (auto* c = find_locked(id)) {
      c->info.health_status = status;
      emit_locked(*c, "health_status: " + status);
    }
  }

  // ---- inspecting ----
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int count(DockerOp op) const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), runtime::to_string(op)));
  }
  std::vector<runtime::EventsQuery> event_queries() const {
    std::lock_guard lock(mutex_);
    return event_queries_;
  }
  std::size_t container_count() const {
    std::lock_guard lock(mutex_);
    return containers_.size();
  }
  std::optional<Container> container(const std::string& id_or_name) const {
    std::lock_guard lock(mutex_);
    auto* c = const_cast<FakeDockerClient*>(this)->find_locked(id_or_name);
    return c ? std::optional<Container>(*c) : std::nullopt;
  }
  std::int64_t now_nano() const {
    std::lock_guard lock(mutex_);
    return clock_nano_;
  }

  // ---- DockerClient ----
  DockerStatus ping() override { return enter(DockerOp::ping).value_or(DockerStatus(runtime::Unit{})); }

  DockerResult<runtime::VersionInfo> version() override {
    if (auto failed = enter(DockerOp::version)) return failed->error();
    return runtime::VersionInfo{"20.10.24", "1.41", "1.12", "linux", "amd64", "fake"};
  }

  DockerResult<runtime::ImageInfo> inspect_image(const std::string& reference) override {
    if (auto failed = enter(DockerOp::inspect_image)) return failed->error();
    std::lock_guard lock(mutex_);
    auto it = images_.find(reference);
    if (it == images_.end()) return error(DockerErrorKind::not_found, 404, "No such image: " + reference);
    return it->second;
  }

  DockerResult<runtime::ImageInfo> pull_image(const std::string& reference,
                                              const std::optional<runtime::RegistryAuth>& = std::nullopt) override {
    if (auto failed = enter(DockerOp::pull_image)) return failed->error();
    {
      std::lock_guard lock(mutex_);
      if (!pullable_.count(reference) && !images_.count(reference)) {
        return error(DockerErrorKind::stream, 200,
                     "Get \"https://registry.example/v2/\": dial tcp: lookup registry.example: no such host");
      }
      if (!images_.count(reference)) {
        images_[reference] = runtime::ImageInfo{"sha256:" + hex_id(reference.size() + 1000), {reference}, {}, 1024};
      }
    }
    return inspect_image(reference);
  }

  DockerResult<std::string> create_container(const runtime::ContainerCreateSpec& spec) override {
    if (auto failed = enter(DockerOp::create_container)) return failed->error();
    std::lock_guard lock(mutex_);
    if (!images_.count(spec.image)) return error(DockerErrorKind::not_found, 404, "No such image: " + spec.image);
    if (!spec.name.empty() && find_locked(spec.name)) {
      return error(DockerErrorKind::conflict, 409, "Conflict. The container name \"/" + spec.name + "\" is already in use");
    }
    Container c;
    c.spec = spec;
    c.info.id = hex_id(++next_id_);
    c.info.name = spec.name.empty() ? "fake_" + std::to_string(next_id_) : spec.name;
    c.info.image = spec.image;
    c.info.image_id = images_[spec.image].id;
    c.info.status = "created";
    c.info.labels = spec.labels;
    c.info.network_mode = spec.network_mode;
    c.info.created_nano = tick_locked();
    if (spec.endpoint) {
      c.info.networks[spec.endpoint->network] = {"net", spec.endpoint->ipv4_address, 16, "", mac_for(next_id_)};
      c.info.mac_address = mac_for(next_id_);
    }
    auto id = c.info.id;
    containers_[id] = std::move(c);
    emit_locked(containers_[id], "create");
    return id;
  }

  DockerStatus start_container(const std::string& id) override {
    if (auto failed = enter(DockerOp::start_container)) return *failed;
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id);
    if (c->info.running) return runtime::docker_ok();
    c->info.running = true;
    c->info.status = "running";
    c->info.started_nano = tick_locked();
    emit_locked(*c, "start");
    return runtime::docker_ok();
  }

  DockerStatus stop_container(const std::string& id, std::chrono::seconds) override {
    if (auto failed = enter(DockerOp::stop_container)) return *failed;
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id);
    if (!c->info.running) return runtime::docker_ok();
    emit_locked(*c, "kill", {{"signal", "15"}});
    exit_locked(*c, 143, false);
    emit_locked(*c, "stop");
    return runtime::docker_ok();
  }

  DockerStatus kill_container(const std::string& id, const std::string& signal = "SIGKILL") override {
    if (auto failed = enter(DockerOp::kill_container)) return *failed;
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id);
    if (!c->info.running) return error(DockerErrorKind::conflict, 409, "Container " + id + " is not running");
    bool term = signal == "SIGTERM" || signal == "TERM" || signal == "15";
    emit_locked(*c, "kill", {{"signal", term ? "15" : "9"}});
    exit_locked(*c, term ? 143 : 137, false);
    return runtime::docker_ok();
  }

  DockerStatus remove_container(const std::string& id, const runtime::RemoveOptions& options = {}) override {
    if (auto failed = enter(DockerOp::remove_container)) return *failed;
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id);
    if (c->info.running && !options.force) {
      return error(DockerErrorKind::conflict, 409, "You cannot remove a running container " + c->info.id);
    }
    if (c->info.running) exit_locked(*c, 137, false);
    emit_locked(*c, "destroy");
    for (auto& [network_id, n] : networks_) n.containers.erase(c->info.id);  // as Docker: it leaves its networks
    containers_.erase(c->info.id);
    return runtime::docker_ok();
  }

  DockerResult<runtime::ContainerInfo> inspect_container(const std::string& id) override {
    if (auto failed = enter(DockerOp::inspect_container)) return failed->error();
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id).error();
    return c->info;
  }

  // A Docker-shaped one-shot stats document of a running container (its id and name, the read
  // time of the fake clock, one network entry per network it is on); a stopped or unknown one: 404.
  DockerResult<std::string> container_stats(const std::string& id) override {
    if (auto failed = enter(DockerOp::container_stats)) return failed->error();
    std::lock_guard lock(mutex_);
    auto* c = find_locked(id);
    if (c == nullptr) return no_such_container(id).error();
    if (!c->info.running) return error(DockerErrorKind::not_found, 404, "container " + id + " is not running");
    nlohmann::json networks = nlohmann::json::object();
    for (std::size_t index = 0; index < c->info.networks.size(); ++index)
      networks["eth" + std::to_string(index)] = {{"rx_bytes", 100}, {"tx_bytes", 50}};
    nlohmann::json doc = {{"id", c->info.id},
                          {"name", "/" + c->info.name},
                          {"read", "2026-01-02T03:04:05.000000000Z"},
                          {"cpu_stats", {{"cpu_usage", {{"total_usage", 1000}}}}},
                          {"memory_stats", {{"usage", 4096}}},
                          {"networks", networks}};
    return doc.dump();
  }

  DockerResult<std::vector<runtime::ContainerSummary>> list_containers(
      const runtime::ContainerListQuery& query) override {
    if (auto failed = enter(DockerOp::list_containers)) return failed->error();
    std::lock_guard lock(mutex_);
    std::vector<runtime::ContainerSummary> out;
    for (const auto& [id, c] : containers_) {
      if ((!query.all && !c.info.running) || !labels_match(c.info.labels, query.labels)) continue;
      out.push_back({id, c.info.name, c.info.image, c.info.image_id, c.info.status, "", 0, c.info.labels});
    }
    return out;
  }

  DockerStatus stream_logs(const std::string& id, const runtime::LogsQuery& query, const runtime::LogCallback& on_line,
                           std::stop_token stop) override {
    if (auto failed = enter(DockerOp::logs)) return *failed;
    std::vector<runtime::LogLine> lines;
    {
      std::lock_guard lock(mutex_);
      auto* c = find_locked(id);
      if (c == nullptr) return no_such_container(id);
      for (const auto& line : c->logs) {
        if (line.time_nano >= query.since_nano) lines.push_back(line);
      }
    }
    for (const auto& line : lines) on_line(line);
    return runtime::docker_ok();
  }

  DockerResult<std::string> create_network(const runtime::NetworkCreateSpec& spec) override {
    if (auto failed = enter(DockerOp::create_network)) return failed->error();
    std::lock_guard lock(mutex_);
    for (const auto& [id, n] : networks_) {
      if (n.name == spec.name) return error(DockerErrorKind::conflict, 409, "network with name " + spec.name + " already exists");
    }
    runtime::NetworkInfo n{hex_id(++next_id_), spec.name, spec.driver, "local", spec.internal, {}, {}, spec.labels, {}};
    if (!spec.subnet.empty()) n.subnets.push_back(spec.subnet);
    if (!spec.gateway.empty()) n.gateways.push_back(spec.gateway);
    networks_[n.id] = n;
    return n.id;
  }

  DockerStatus remove_network(const std::string& id_or_name) override {
    if (auto failed = enter(DockerOp::remove_network)) return *failed;
    std::lock_guard lock(mutex_);
    auto* n = find_network_locked(id_or_name);
    if (n == nullptr) return error(DockerErrorKind::not_found, 404, "network " + id_or_name + " not found");
    networks_.erase(n->id);
    return runtime::docker_ok();
  }

  DockerResult<runtime::NetworkInfo> inspect_network(const std::string& id_or_name) override {
    if (auto failed = enter(DockerOp::inspect_network)) return failed->error();
    std::lock_guard lock(mutex_);
    auto* n = find_network_locked(id_or_name);
    if (n == nullptr) return error(DockerErrorKind::not_found, 404, "network " + id_or_name + " not found");
    return *n;
  }

  DockerResult<std::vector<runtime::NetworkInfo>> list_networks(const std::vector<std::string>& labels) override {
    if (auto failed = enter(DockerOp::list_networks)) return failed->error();
    std::lock_guard lock(mutex_);
    std::vector<runtime::NetworkInfo> out;
    for (const auto& [id, n] : networks_) {
      if (labels_match(n.labels, labels)) out.push_back(n);
    }
    return out;
  }

  DockerStatus connect_network(const std::string& network, const std::string& container,
                               const runtime::EndpointSpec& endpoint = {}) override {
    if (auto failed = enter(DockerOp::connect_network)) return *failed;
    std::lock_guard lock(mutex_);
    auto* n = find_network_locked(network);
    auto* c = find_locked(container);
    if (n == nullptr) return error(DockerErrorKind::not_found, 404, "network " + network + " not found");
    if (c == nullptr) return no_such_container(container);
    n->containers[c->info.id] = {c->info.name, endpoint.ipv4_address, c->info.mac_address};
    c->info.networks[n->name] = {n->id, endpoint.ipv4_address, 16, "", c->info.mac_address};
    return runtime::docker_ok();
  }

  DockerStatus stream_events(const runtime::EventsQuery& query, const std::function<void()>& on_connected,
                             const runtime::EventCallback& on_event, std::stop_token stop) override {
    if (auto failed = enter(DockerOp::events)) return *failed;
    std::unique_lock lock(mutex_);
    event_queries_.push_back(query);
    std::uint64_t generation = stream_generation_;
    std::size_t cursor = 0;
    if (query.since_nano == 0) cursor = history_.size();
    lock.unlock();
    if (on_connected) on_connected();
    while (true) {
      lock.lock();
      events_cv_.wait(lock, stop, [&] { return cursor < history_.size() || generation != stream_generation_; });
      if (stop.stop_requested()) return runtime::docker_ok();
      if (generation != stream_generation_) return error(DockerErrorKind::unavailable, 0, "event stream broken");
      std::vector<runtime::ContainerEvent> batch(history_.begin() + static_cast<long>(cursor), history_.end());
      cursor = history_.size();
      lock.unlock();
      for (const auto& event : batch) {
        if (event.time_nano >= query.since_nano && labels_match(event.labels, query.labels)) on_event(event);
      }
    }
  }

  DockerResult<runtime::ImageInfo> import_image(const std::string& tar, const std::string& repository,
                                                const std::string& tag,
                                                const std::vector<std::string>& changes) override {
    if (auto failed = enter(DockerOp::import_image)) return failed->error();
    std::lock_guard lock(mutex_);
    if (tar.empty() || tar.size() % 512 != 0) return error(DockerErrorKind::stream, 200, "unexpected EOF");
    auto reference = repository + ":" + tag;
    images_[reference] = runtime::ImageInfo{"sha256:" + hex_id(tar.size()), {reference}, {}, static_cast<std::int64_t>(tar.size())};
    imports_.push_back({reference, changes});
    return images_[reference];
  }

  DockerResult<std::string> create_volume(const runtime::VolumeCreateSpec& spec) override {
    if (auto failed = enter(DockerOp::create_volume)) return failed->error();
    std::lock_guard lock(mutex_);
    auto name = spec.name.empty() ? hex_id(++next_id_) : spec.name;
    if (!volumes_.count(name)) volumes_[name] = runtime::VolumeInfo{name, spec.driver, "/var/lib/docker/volumes/" + name, spec.labels};
    return name;  // like Docker: creating an existing volume returns it
  }

  DockerStatus remove_volume(const std::string& name, bool = false) override {
    if (auto failed = enter(DockerOp::remove_volume)) return *failed;
    std::lock_guard lock(mutex_);
    if (!volumes_.erase(name)) return error(DockerErrorKind::not_found, 404, "get " + name + ": no such volume");
    return runtime::docker_ok();
  }

  DockerResult<std::vector<runtime::VolumeInfo>> list_volumes(const std::vector<std::string>& labels) override {
    if (auto failed = enter(DockerOp::list_volumes)) return failed->error();
    std::lock_guard lock(mutex_);
    std::vector<runtime::VolumeInfo> out;
    for (const auto& [name, v] : volumes_) {
      if (labels_match(v.labels, labels)) out.push_back(v);
    }
    return out;
  }

  // ---- inspecting (images, volumes) ----
  bool has_image(const std::string& reference) const {
    std::lock_guard lock(mutex_);
    return images_.count(reference) > 0;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> imports() const {  // (repo:tag, changes)
    std::lock_guard lock(mutex_);
    return imports_;
  }
  std::map<std::string, runtime::VolumeInfo> volumes() const {
    std::lock_guard lock(mutex_);
    return volumes_;
  }
  std::vector<runtime::NetworkInfo> networks() const {
    std::lock_guard lock(mutex_);
    std::vector<runtime::NetworkInfo> out;
    for (const auto& [id, n] : networks_) out.push_back(n);
    return out;
  }

 private:
  static std::string hex_id(std::size_t n) {
    char buffer[65];
    std::snprintf(buffer, sizeof buffer, "%064zx", n);
    return buffer;
  }
  static std::string mac_for(std::size_t n) {
    char buffer[18];
    std::snprintf(buffer, sizeof buffer, "02:42:ac:1f:%02zx:%02zx", (n >> 8) & 0xff, n & 0xff);
    return buffer;
  }
  static DockerError error(DockerErrorKind kind, int status, std::string message) {
    return DockerError{kind, status, std::move(message)};
  }
  static DockerStatus no_such_container(const std::string& id) {
    return error(DockerErrorKind::not_found, 404, "No such container: " + id);
  }
  static bool labels_match(const runtime::Labels& labels, const std::vector<std::string>& filters) {
    for (const auto& filter : filters) {
      auto eq = filter.find('=');
      auto it = labels.find(filter.substr(0, eq));
      if (it == labels.end() || (eq != std::string::npos && it->second != filter.substr(eq + 1))) return false;
    }
    return true;
  }

  // Records the call; returns the failure to report, if any.
  std::optional<DockerStatus> enter(DockerOp op) {
    std::lock_guard lock(mutex_);
    calls_.push_back(runtime::to_string(op));
    if (down_) return DockerStatus(error(DockerErrorKind::unavailable, 0, "cannot connect to the Docker daemon"));
    auto it = failures_.find(op);
    if (it == failures_.end()) return std::nullopt;
    DockerError failure = it->second.first;
    if (--it->second.second <= 0) failures_.erase(it);
    return DockerStatus(std::move(failure));
  }

  Container* find_locked(const std::string& id_or_name) {
    for (auto& [id, c] : containers_) {
      if (id == id_or_name || c.info.name == id_or_name || (id_or_name.size() >= 12 && id.rfind(id_or_name, 0) == 0)) {
        return &c;
      }
    }
    return nullptr;
  }
  runtime::NetworkInfo* find_network_locked(const std::string& id_or_name) {
    for (auto& [id, n] : networks_) {
      if (id == id_or_name || n.name == id_or_name) return &n;
    }
    return nullptr;
  }

  std::int64_t tick_locked() { return clock_nano_ += 1000000; }

  void emit_locked(const Container& c, const std::string& action, const runtime::Labels& extra = {}) {
    runtime::ContainerEvent event;
    event.id = c.info.id;
    event.raw_action = action;
    auto verb = action.substr(0, action.find(':'));
    for (int a = 0; a <= static_cast<int>(runtime::ContainerAction::other); ++a) {
      if (verb == runtime::to_string(static_cast<runtime::ContainerAction>(a))) {
        event.action = static_cast<runtime::ContainerAction>(a);
      }
    }
    if (event.action == runtime::ContainerAction::health_status) event.health_status = action.substr(action.find(':') + 2);
    if (auto it = extra.find("exitCode"); it != extra.end()) event.exit_code = std::stoi(it->second);
    if (auto it = extra.find("signal"); it != extra.end()) event.signal = it->second;
    event.image = c.info.image;
    event.name = c.info.name;
    event.labels = c.info.labels;
    event.time_nano = tick_locked();
    history_.push_back(std::move(event));
    events_cv_.notify_all();
  }

  void exit_locked(Container& c, int exit_code, bool oom) {
    c.info.running = false;
    c.info.status = "exited";
    c.info.exit_code = exit_code;
    c.info.oom_killed = oom;
    c.info.finished_nano = tick_locked();
    emit_locked(c, "die", {{"exitCode", std::to_string(exit_code)}});
  }

  void break_event_streams_locked() {
    ++stream_generation_;
    events_cv_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable_any events_cv_;
  std::map<std::string, runtime::ImageInfo> images_;
  std::set<std::string> pullable_;
  std::map<std::string, Container> containers_;
  std::map<std::string, runtime::NetworkInfo> networks_;
  std::map<std::string, runtime::VolumeInfo> volumes_;
  std::vector<std::pair<std::string, std::vector<std::string>>> imports_;
  std::map<DockerOp, std::pair<DockerError, int>> failures_;
  std::vector<runtime::ContainerEvent> history_;
  std::vector<runtime::EventsQuery> event_queries_;
  std::vector<std::string> calls_;
  std::uint64_t stream_generation_ = 0;
  std::size_t next_id_ = 0;
  std::int64_t clock_nano_ = 1700000000000000000LL;
  bool down_ = false;
};

}  // namespace ecslocal::testing
