// ecslocal: parse flags and environment, build the App, serve until SIGINT/SIGTERM.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

#include "server/app.hpp"
#include "server/config.hpp"

int main(int argc, char** argv) {
  const auto started = std::chrono::steady_clock::now();
  ecslocal::server::Config config;
  int exit_code = 0;
  if (!ecslocal::server::parse_config(argc, argv, config, exit_code)) return exit_code;

  auto logger = spdlog::stderr_logger_mt("ecslocal");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::flush_on(spdlog::level::info);

  try {
    ecslocal::server::App app(config);
    app.install_signal_handlers();
    app.start();
    const auto ready_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("ready in {} ms", ready_us / 1000.0);
    app.wait();
    spdlog::info("stopped");
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
