#pragma once
// The composition root: the only place that names concrete classes. Tests run a whole App
// in-process on 127.0.0.1:0 (with an injected Docker client or task runtime when they want
// containers without Docker); main runs one until SIGINT/SIGTERM.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/config.hpp"

namespace ecslocal::runtime {
class DockerClient;
class TaskRuntime;
}  // namespace ecslocal::runtime

namespace ecslocal::api {
class DataPlane;
}

namespace ecslocal::server {

class HttpHandler;
struct ListenerContext;

// What the app uses instead of building it itself (tests). Not owned; must outlive the App.
struct AppDeps {
  // The Docker client of the task runner (else a libcurl client for --docker-host). Used even
  // with --no-docker unset: a test's fake daemon.
  runtime::DockerClient* docker = nullptr;
  // A task runtime instead of the task runner (then `docker` is not used).
  runtime::TaskRuntime* task_runtime = nullptr;
  // The pause image the task runner uses, when the Docker client already has it (a fake daemon).
  std::string pause_image;
};

class App {
 public:
  explicit App(Config config, AppDeps deps = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  void start();        // binds (throws on failure) and serves on background threads
  void wait();         // blocks until stop() or a signal (when install_signal_handlers was called)
  // Stops accepting (main port and data-plane listeners), closes idle connections, lets requests
  // in flight finish (at most --shutdown-grace), then the I/O threads end. Any thread.
  void stop();
  void install_signal_handlers();
  uint16_t port() const;

  // Runs `fn` on the state strand (tests: to call the data plane as services do).
  void post_to_state(std::function<void()> fn);
  // The listener set services reach through the DataPlane port; call on the state strand.
  api::DataPlane& data_plane();
  // Adds a kind of data-plane listener; before start().
  void register_listener_kind(const std::string& kind,
                              std::function<std::shared_ptr<HttpHandler>(const ListenerContext&)> factory);

 private:
  void schedule_tick();
  void start_runtime();
  void start_task_endpoints(const std::string& dir);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecslocal::server
