#pragma once
// The composition root: the only place that names concrete classes. Tests run a whole App
// in-process on 127.0.0.1:0; main runs one until SIGINT/SIGTERM.
#include <cstdint>
#include <memory>

#include "server/config.hpp"

namespace ecslocal::runtime {
class DockerClient;
class TaskRuntime;
}  // namespace ecslocal::runtime

namespace ecslocal::server {

// What the app uses instead of building it itself (tests). Not owned; must outlive the App.
struct AppDeps {
  // A task runtime instead of the task runner.
  runtime::TaskRuntime* task_runtime = nullptr;
};

class App {
 public:
  explicit App(Config config, AppDeps deps = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  void start();        // binds (throws on failure) and serves on background threads
  void wait();         // blocks until stop() or a signal (when install_signal_handlers was called)
  void stop();         // stops accepting, ends the I/O threads
  void install_signal_handlers();
  uint16_t port() const;

 private:
  void schedule_tick();
  void start_runtime();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecslocal::server
