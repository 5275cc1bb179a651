#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <thread>
#include <vector>

#include "api/ecs/provider.hpp"
#include "api/gateway.hpp"
#include "api/logs/provider.hpp"
#include "api/platform.hpp"
#include "runtime/curl_docker_client.hpp"
#include "runtime/task_runner.hpp"
#include "server/admin_routes.hpp"
#include "server/dispatcher.hpp"
#include "server/http_session.hpp"
#include "server/listener.hpp"

namespace ecslocal::server {

struct App::Impl {
  Config config;
  AppDeps deps;
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  api::Platform platform;  // outlives the services (they keep its port registry)
  std::shared_ptr<api::Gateway> gateway;
  std::shared_ptr<api::ecs::EcsProvider> ecs;   // runtime events go there
  std::shared_ptr<api::logs::LogsProvider> logs;  // awslogs batches go there
  std::unique_ptr<runtime::CurlDockerClient> docker;
  std::unique_ptr<runtime::TaskRunner> runner;  // declared after docker: destroyed first
  runtime::TaskRuntime* task_runtime = nullptr;  // the runner, or the injected runtime
  StateStrand state;  // every api call runs here
  std::shared_ptr<HttpHandler> main_handler;  // what the main port (and "api" listeners) serve
  std::shared_ptr<Listener> listener;
  std::optional<net::signal_set> signals;
  std::optional<net::steady_timer> scheduler_timer;  // on the state strand
  std::vector<std::thread> threads;
  bool stopped = false;

  // POST /_ecslocal/reset, on the state strand, before the state is cleared: the runtime stops
  // and removes every task (their containers hold addresses the state would hand out again).
  void before_reset(std::function<void()> done) {
    if (task_runtime) return task_runtime->stop_all(std::move(done));
    done();
  }

  Impl(Config c, AppDeps d) : config(std::move(c)), deps(d), ioc(config.io_threads), state(net::make_strand(ioc)) {}
  void post_to_state(std::function<void()> fn) { net::post(state, std::move(fn)); }
};

App::App(Config config, AppDeps deps) : impl_(std::make_unique<Impl>(std::move(config), deps)) {
  auto& c = impl_->config;
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  api::GatewayOptions options;
  options.default_account_id = c.account_id;
  options.default_region = c.region;
  options.strict_shapes = c.strict_shapes;
  options.clock = impl_->platform.clock;
  impl_->gateway = std::make_shared<api::Gateway>(options);
  auto& platform = impl_->platform;
  platform.settings.task_retention = std::chrono::seconds(c.task_retention_seconds);
  platform.settings.breaker_minimum = c.breaker_minimum;
  platform.settings.healthy_after = std::chrono::seconds(c.healthy_after_seconds);
  platform.settings.instance = c.instance;
  for (auto& service : api::make_services(platform)) {
    if (service->name() == "ecs") impl_->ecs = std::static_pointer_cast<api::ecs::EcsProvider>(service);
    if (service->name() == "logs") impl_->logs = std::static_pointer_cast<api::logs::LogsProvider>(service);
    impl_->gateway->add(std::move(service));
  }
  impl_->gateway->connect(platform.ports);
  auto* impl = impl_.get();
  auto admin = std::make_shared<AdminRoutes>(impl->state, impl->gateway, [impl](std::function<void()> done) {
    impl->before_reset(std::move(done));
  });
  impl->main_handler = std::make_shared<MainRoutes>(admin, std::make_shared<Dispatcher>(impl->state, impl->gateway));
}

// The container runtime: Docker client, task runner, leftovers of an earlier run removed, events
// stream opened. Runtime events hop onto the state strand before the ECS layer sees them.
void App::start_runtime() {
  auto& c = impl_->config;
  auto* impl = impl_.get();
  std::weak_ptr<api::ecs::EcsProvider> ecs = impl->ecs;
  auto event_sink = [impl, ecs](runtime::TaskEvent event) {
    impl->post_to_state([ecs, event = std::move(event)] {
      if (auto provider = ecs.lock()) provider->on_task_event(event);
    });
  };
  if (impl->deps.task_runtime) {
    impl->task_runtime = impl->deps.task_runtime;
    impl->task_runtime->set_event_sink(event_sink);
    impl->platform.ports.provide<runtime::TaskRuntime>(impl->task_runtime);
    return;
  }
  if (!c.docker) {
    spdlog::warn("running without Docker (--no-docker): tasks stop at once with the reason");
    return;
  }
  auto client = runtime::CurlDockerClient::create({c.docker_host, {}, {}});
  if (!client) throw std::runtime_error("bad Docker host: " + client.error().describe());
  impl_->docker = std::move(client.value());
  runtime::TaskRunnerOptions options;
  options.docker_host = impl_->docker->endpoint().display;
  options.instance = c.instance;
  options.on_warning = [](const std::string& message) { spdlog::warn("runtime: {}", message); };
  impl_->runner = std::make_unique<runtime::TaskRunner>(*impl_->docker, options);
  impl->task_runtime = impl->runner.get();
  impl->runner->set_event_sink(event_sink);
  // awslogs containers' output: appended to CloudWatch Logs on the state strand.
  std::weak_ptr<api::logs::LogsProvider> logs = impl_->logs;
  impl_->runner->set_log_sink([impl, logs](runtime::LogBatch batch) {
    impl->post_to_state([logs, batch = std::move(batch)]() mutable {
      auto provider = logs.lock();
      if (!provider) return;
      std::vector<api::logs::NewEvent> events;
      events.reserve(batch.events.size());
      for (auto& e : batch.events) events.push_back({e.timestamp_ms, std::move(e.message)});
      const auto& d = batch.destination;
      if (!provider->ingest(d.account, d.region, d.group, d.stream, std::move(events)))
        spdlog::debug("awslogs: log group {} is gone; {} lines dropped", d.group, batch.events.size());
    });
  });
  impl_->platform.ports.provide<runtime::TaskRuntime>(impl_->runner.get());
  if (auto cleaned = impl_->runner->cleanup_leftovers()) {
    const auto& r = cleaned.value();
    if (r.containers + r.networks + r.volumes > 0)
      spdlog::info("removed leftovers of an earlier run: {} containers, {} networks, {} volumes", r.containers,
                   r.networks, r.volumes);
  } else {
    spdlog::warn("Docker is not answering ({}): tasks fail until it is back", cleaned.error().describe());
  }
  if (auto pause = impl_->runner->ensure_pause_image(); !pause)
    spdlog::warn("pause image not ready yet: {}", pause.error().describe());
  impl_->runner->start();
}

App::~App() {
  stop();
  wait();
}

void App::start() {
  auto& c = impl_->config;
  start_runtime();
  const auto address = net::ip::make_address(c.host);
  SessionLimits limits{c.body_limit, std::chrono::seconds(c.read_timeout_seconds)};
  impl_->listener = std::make_shared<Listener>(impl_->ioc, tcp::endpoint{address, c.port},
                                               http_sessions(impl_->main_handler, limits));
  impl_->listener->run();
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->scheduler_timer.emplace(impl_->state);
  schedule_tick();
  for (int i = 0; i < c.io_threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  spdlog::info("ecslocal listening on {}:{} (region {}, account {})", c.host, port(), c.region, c.account_id);
}

// The service scheduler's slow, level-triggered pass; events trigger passes of their own.
void App::schedule_tick() {
  impl_->scheduler_timer->expires_after(std::chrono::milliseconds(impl_->config.scheduler_interval_ms));
  impl_->scheduler_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the io_context is stopping
    const auto now = impl_->gateway->now();
    impl_->platform.timers.run_due(now);  // TODO(server): one real timer armed for the earliest due entry
    impl_->gateway->tick(now);
    schedule_tick();
  });
}

void App::install_signal_handlers() {
  impl_->signals.emplace(impl_->ioc, SIGINT, SIGTERM);
  impl_->signals->async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received, shutting down", signal);
    stop();
  });
}

void App::wait() {
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  if (impl_->runner) {
    // After the I/O threads: no request can launch a task any more.
    impl_->runner->shutdown(!impl_->config.keep_tasks_on_exit);
    impl_->platform.ports.withdraw<runtime::TaskRuntime>(impl_->runner.get());
  }
}

void App::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->listener) impl_->listener->stop();
  if (impl_->signals) {
    boost::system::error_code ec;
    impl_->signals->cancel(ec);
  }
  impl_->work.reset();
  impl_->ioc.stop();
}

uint16_t App::port() const { return impl_->listener ? impl_->listener->port() : 0; }

}  // namespace ecslocal::server
