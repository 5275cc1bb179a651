#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/ecs/provider.hpp"
#include "api/elbv2/provider.hpp"
#include "api/gateway.hpp"
#include "api/logs/provider.hpp"
#include "api/platform.hpp"
#include "api/ports/task_metadata.hpp"
#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/task/task_runner.hpp"
#include "server/admin_routes.hpp"
#include "server/cors.hpp"
#include "server/dispatcher.hpp"
#include "server/elb/elb_server.hpp"
#include "server/exec/exec_server.hpp"
#include "server/listener.hpp"
#include "server/listener_set.hpp"
#include "server/task_endpoints_server.hpp"
#include "server/usage_sampler.hpp"

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
  std::unique_ptr<runtime::DockerClient> owned_docker;
  std::unique_ptr<runtime::TaskRunner> runner;  // declared after the client: destroyed first
  runtime::TaskRuntime* task_runtime = nullptr;  // the runner, or the injected runtime
  std::unique_ptr<RuntimeUsageSampler> usage_sampler;  // over task_runtime: ECS metrics
  StateStrand state;  // every api call runs here
  SessionLimits limits;
  std::shared_ptr<SessionRegistry> sessions = std::make_shared<SessionRegistry>();
  std::shared_ptr<HttpHandler> main_handler;  // what the main port (and "api" listeners) serve
  std::unique_ptr<ListenerSet> listener_set;   // the DataPlane port
  std::unique_ptr<elb::ElbServer> elb;         // load balancers' listeners and health probes
  std::shared_ptr<ExecServer> exec;            // ECS Exec's sessions and data channels
  std::shared_ptr<Listener> listener;
  std::shared_ptr<UnixHttpServer> task_endpoints;  // the metadata/credentials socket the relay reaches
  std::optional<net::signal_set> signals;
  std::optional<net::steady_timer> scheduler_timer;  // on the state strand
  std::optional<net::steady_timer> virtual_timer;    // on the state strand: the earliest Timers entry
  std::vector<std::thread> threads;
  std::thread watchdog;  // ends the I/O threads when shutdown outlasts the grace period
  std::mutex mutex;
  std::condition_variable threads_done;
  int running_threads = 0;
  std::atomic<bool> stopped{false};

  explicit Impl(Config c, AppDeps d)
      : config(std::move(c)),
        deps(std::move(d)),
        ioc(config.io_threads),
        state(net::make_strand(ioc)),
        limits{config.body_limit, std::chrono::seconds(config.read_timeout_seconds)} {}

  void post_to_state(std::function<void()> fn) { net::post(state, std::move(fn)); }

  void provide_usage_sampler() {
    usage_sampler = std::make_unique<RuntimeUsageSampler>(*task_runtime,
                                                          [this](std::function<void()> fn) { post_to_state(std::move(fn)); });
    platform.ports.provide<api::UsageSampler>(usage_sampler.get());
  }

  // One real timer for the earliest entry of the Timers port, its virtual delay turned into real
  // time (a manual clock never fires it: POST /_ecslocal/clock/advance runs what is due).
  // Re-armed whenever an earlier entry is scheduled. On the state strand.
  void arm_virtual_timer() {
    if (!virtual_timer || stopped) return;
    const auto due = platform.timers.next_due();
    if (!due) return;
    virtual_timer->expires_after(platform.virtual_clock->real_delay(*due - platform.virtual_clock->now()));
    virtual_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;  // re-armed (an earlier entry) or stopping
      platform.timers.run_due(gateway->now());
      arm_virtual_timer();
    });
  }
  // POST /_ecslocal/clock/advance: what became due, in time order, then one tick. State strand.
  void run_due_now() {
    const auto now = gateway->now();
    platform.timers.run_due(now);
    gateway->tick(now);
    arm_virtual_timer();
  }

  // POST /_ecslocal/reset, on the state strand, before the state is cleared: the listeners
  // services opened close, and the runtime stops and removes every task.
  void before_reset(std::function<void()> done) {
    listener_set->close_all();
    exec->end_all("ecslocal is resetting");
    if (task_runtime) return task_runtime->stop_all(std::move(done));
    done();
  }
};

App::App(Config config, AppDeps deps) : impl_(std::make_unique<Impl>(std::move(config), std::move(deps))) {
  auto& c = impl_->config;
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  if (c.clock == "manual")
    impl_->platform.virtual_clock = std::make_shared<api::VirtualClock>(api::VirtualClock::manual());
  else if (c.time_scale > 1.0)
    impl_->platform.virtual_clock = std::make_shared<api::VirtualClock>(api::VirtualClock::scaled(c.time_scale));
  impl_->platform.clock = [clock = impl_->platform.virtual_clock] { return clock->now(); };
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
  auto* impl = impl_.get();
  impl->listener_set = std::make_unique<ListenerSet>(impl->ioc, impl->state, impl->limits, impl->sessions);
  platform.ports.provide<api::DataPlane>(impl->listener_set.get());
  for (auto& service : api::make_services(platform)) {
    if (service->name() == "ecs") impl->ecs = std::static_pointer_cast<api::ecs::EcsProvider>(service);
    if (service->name() == "logs") impl->logs = std::static_pointer_cast<api::logs::LogsProvider>(service);
    if (service->name() == "elbv2") {
      impl->elb = std::make_unique<elb::ElbServer>(impl->ioc.get_executor(),
                                                   [impl](std::function<void()> fn) { impl->post_to_state(std::move(fn)); });
      impl->elb->attach(platform.ports, *std::static_pointer_cast<api::elbv2::ElbProvider>(service));
    }
    impl->gateway->add(std::move(service));
  }
  ExecServerOptions exec_options;
  exec_options.max_sessions = static_cast<std::size_t>(c.exec_max_sessions);
  exec_options.idle_timeout = std::chrono::seconds(c.exec_idle_timeout_seconds);
  exec_options.default_authority = c.host + ":" + std::to_string(c.port);
  impl->exec = std::make_shared<ExecServer>(impl->ioc, exec_options);
  platform.ports.provide<api::ExecSessions>(impl->exec.get());
  impl->gateway->connect(platform.ports);
  auto admin = std::make_shared<AdminRoutes>(
      impl->state, impl->gateway, [impl](std::function<void()> done) { impl->before_reset(std::move(done)); },
      AdminRoutes::ClockControl{platform.virtual_clock, [impl] { impl->run_due_now(); }});
  auto routes = std::make_shared<MainRoutes>(admin, std::make_shared<Dispatcher>(impl->state, impl->gateway), impl->exec);
  impl->main_handler = std::make_shared<CorsHandler>(routes, CorsPolicy::from_list(c.cors_origins));
  // "api": the AWS API (and the admin routes) on another address, e.g. a VPC bridge's gateway.
  impl->listener_set->register_kind("api", [handler = impl->main_handler](const ListenerContext&) { return handler; });
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
    impl->provide_usage_sampler();
    return;
  }
  if (!c.docker && !impl->deps.docker) {
    spdlog::warn("running without Docker (--no-docker): tasks stop at once with the reason");
    return;
  }
  runtime::DockerClient* docker = impl->deps.docker;
  std::string docker_display = "the injected Docker client";
  if (!docker) {
    auto client = runtime::CurlDockerClient::create({c.docker_host, {}, {}});
    if (!client) throw std::runtime_error("bad Docker host: " + client.error().describe());
    docker_display = client.value()->endpoint().display;
    impl->owned_docker = std::move(client.value());
    docker = impl->owned_docker.get();
  }
  runtime::TaskRunnerOptions options;
  options.docker_host = docker_display;
  options.instance = c.instance;
  options.pause_image = impl->deps.pause_image;
  options.pause_pool = static_cast<std::size_t>(c.pause_pool);
  options.on_warning = [](const std::string& message) { spdlog::warn("runtime: {}", message); };
  if (impl->owned_docker) options.endpoints_socket_dir = c.task_endpoints_dir;  // not on a test's fake daemon
  impl->runner = std::make_unique<runtime::TaskRunner>(*docker, options);
  impl->exec->set_docker(docker);
  impl->task_runtime = impl->runner.get();
  impl->runner->set_event_sink(event_sink);
  // awslogs containers' output: appended to CloudWatch Logs on the state strand.
  std::weak_ptr<api::logs::LogsProvider> logs = impl->logs;
  impl->runner->set_log_sink([impl, logs](runtime::LogBatch batch) {
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
  impl->platform.ports.provide<runtime::TaskRuntime>(impl->runner.get());
  impl->provide_usage_sampler();
  if (auto locked = impl->runner->acquire_instance_lock(); !locked) throw std::runtime_error(locked.error().message);
  if (!options.endpoints_socket_dir.empty()) start_task_endpoints(options.endpoints_socket_dir);
  if (auto cleaned = impl->runner->cleanup_leftovers()) {
    const auto& r = cleaned.value();
    if (r.containers + r.networks + r.volumes > 0)
      spdlog::info("removed leftovers of an earlier run: {} containers, {} networks, {} volumes", r.containers,
                   r.networks, r.volumes);
  } else {
    spdlog::warn("Docker is not answering ({}): tasks fail until it is back", cleaned.error().describe());
  }
  if (options.pause_image.empty())
    if (auto pause = impl->runner->ensure_pause_image(); !pause)
      spdlog::warn("pause image not ready yet: {}", pause.error().describe());
  impl->runner->start();
}

// The task metadata and credentials endpoints: this instance's socket in the shared folder (after
// the instance lock: a socket file found there is a stale one of ours).
void App::start_task_endpoints(const std::string& dir) {
  auto* impl = impl_.get();
  auto handler = std::make_shared<TaskEndpointsHandler>(
      impl->state, [impl] { return impl->platform.ports.find<api::TaskMetadata>(); },
      [impl] { return impl->gateway->now(); },
      [impl](std::vector<std::string> ids, TaskEndpointsHandler::StatsDone done) {  // on the state strand
        read_container_stats(impl->platform.ports.find<runtime::TaskRuntime>(), std::move(ids), std::move(done));
      });
  const std::string path = dir + "/" + api::endpoint_route(impl->config.instance) + ".sock";
  auto server = std::make_shared<UnixHttpServer>(impl->ioc, path, handler, impl->limits, impl->sessions);
  try {
    server->start();
    impl->task_endpoints = server;
  } catch (const std::exception& e) {
    spdlog::warn("no task metadata endpoint (cannot listen on {}: {}): tasks get 404 at 169.254.170.2", path, e.what());
  }
}

App::~App() {
  stop();
  wait();
}

void App::start() {
  auto& c = impl_->config;
  auto* impl = impl_.get();
  start_runtime();
  const auto address = net::ip::make_address(c.host);
  impl->listener = std::make_shared<Listener>(impl->ioc, tcp::endpoint{address, c.port},
                                              http_sessions(impl->main_handler, impl->limits, impl->sessions));
  impl->listener->run();
  if (impl->task_endpoints && c.task_endpoint_url) {
    // Tasks reach the API at the endpoints network's gateway, under the main port (state strand).
    const auto api_port = port();
    impl->post_to_state([impl, api_port] {
      if (impl->ecs) impl->ecs->endpoints().set_api_port(api_port);
    });
  }
  impl->work.emplace(impl->ioc.get_executor());
  impl->scheduler_timer.emplace(impl->state);
  impl->virtual_timer.emplace(impl->state);
  impl->platform.timers.set_on_earliest_changed([impl] { impl->arm_virtual_timer(); });
  impl->post_to_state([impl] { impl->arm_virtual_timer(); });
  schedule_tick();
  {
    std::lock_guard lock(impl->mutex);
    impl->running_threads = c.io_threads;
  }
  for (int i = 0; i < c.io_threads; ++i)
    impl->threads.emplace_back([impl] {
      impl->ioc.run();
      std::lock_guard lock(impl->mutex);
      if (--impl->running_threads == 0) impl->threads_done.notify_all();
    });
  spdlog::info("ecslocal listening on {}:{} (region {}, account {})", c.host, port(), c.region, c.account_id);
}

// The service scheduler's slow, level-triggered pass; events trigger passes of their own.
void App::schedule_tick() {
  impl_->scheduler_timer->expires_after(std::chrono::milliseconds(impl_->config.scheduler_interval_ms));
  impl_->scheduler_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec || impl_->stopped) return;  // cancelled: the app is stopping
    const auto now = impl_->gateway->now();
    impl_->platform.timers.run_due(now);  // (the virtual timer runs them on time; this catches jumps)
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
  auto* impl = impl_.get();
  for (auto& t : impl->threads)
    if (t.joinable()) t.join();
  impl->threads.clear();
  std::thread watchdog;
  {
    std::lock_guard lock(impl->mutex);
    watchdog = std::move(impl->watchdog);
  }
  if (watchdog.joinable()) watchdog.join();
  impl->exec->shut_down();  // its Docker calls end before the runner and the client go
  if (impl->runner) {
    // After the I/O threads: no request can launch a task any more.
    impl->runner->shutdown(!impl->config.keep_tasks_on_exit);
    impl->platform.ports.withdraw<runtime::TaskRuntime>(impl->runner.get());
  }
}

// Shutdown by cancellation: nothing new is accepted, timers and signals are cancelled, idle
// connections close, requests in flight finish; then the io_context runs out of work and the
// I/O threads return. A request that outlasts the grace period is cut by ioc.stop().
void App::stop() {
  auto* impl = impl_.get();
  if (impl->stopped.exchange(true)) return;
  if (impl->listener) impl->listener->stop();
  if (impl->task_endpoints) impl->task_endpoints->stop();
  if (impl->signals) {
    boost::system::error_code ec;
    impl->signals->cancel(ec);
  }
  net::post(impl->state, [impl] {
    impl->listener_set->close_all();
    if (impl->elb) impl->elb->detach(impl->platform.ports);
    if (impl->scheduler_timer) impl->scheduler_timer->cancel();
    if (impl->virtual_timer) impl->virtual_timer->cancel();
  });
  impl->exec->end_all("ecslocal is shutting down");
  impl->sessions->shut_down_all();
  impl->work.reset();
  const auto grace = std::chrono::milliseconds(impl->config.shutdown_grace_ms);
  std::lock_guard lock(impl->mutex);
  impl->watchdog = std::thread([impl, grace] {
    std::unique_lock lock(impl->mutex);
    if (impl->threads_done.wait_for(lock, grace, [impl] { return impl->running_threads == 0; })) return;
    spdlog::warn("shutdown: requests still in flight after {} ms; ending them", grace.count());
    impl->ioc.stop();
  });
}

uint16_t App::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void App::post_to_state(std::function<void()> fn) { impl_->post_to_state(std::move(fn)); }

api::DataPlane& App::data_plane() { return *impl_->listener_set; }

void App::register_listener_kind(const std::string& kind,
                                 std::function<std::shared_ptr<HttpHandler>(const ListenerContext&)> factory) {
  impl_->listener_set->register_kind(kind, std::move(factory));
}

}  // namespace ecslocal::server
