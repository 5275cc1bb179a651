#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <thread>
#include <vector>

#include "api/ecs/provider.hpp"
#include "api/gateway.hpp"
#include "server/dispatcher.hpp"
#include "server/listener.hpp"

namespace ecslocal::server {

struct App::Impl {
  Config config;
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<api::Gateway> gateway;
  std::unique_ptr<Dispatcher> dispatcher;
  std::shared_ptr<Listener> listener;
  std::optional<net::signal_set> signals;
  std::vector<std::thread> threads;
  bool stopped = false;

  explicit Impl(Config c) : config(std::move(c)), ioc(config.io_threads) {}
};

App::App(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {
  auto& c = impl_->config;
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  api::GatewayOptions options;
  options.default_account_id = c.account_id;
  options.default_region = c.region;
  options.strict_shapes = c.strict_shapes;
  impl_->gateway = std::make_shared<api::Gateway>(options);
  impl_->gateway->add(std::make_shared<api::ecs::EcsProvider>());
  impl_->dispatcher = std::make_unique<Dispatcher>(impl_->ioc, impl_->gateway);
}

App::~App() {
  stop();
  wait();
}

void App::start() {
  auto& c = impl_->config;
  const auto address = net::ip::make_address(c.host);
  SessionLimits limits{c.body_limit, std::chrono::seconds(c.read_timeout_seconds)};
  impl_->listener = std::make_shared<Listener>(impl_->ioc, tcp::endpoint{address, c.port}, *impl_->dispatcher, limits);
  impl_->listener->run();
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < c.io_threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  spdlog::info("ecslocal listening on {}:{} (region {}, account {})", c.host, port(), c.region, c.account_id);
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
