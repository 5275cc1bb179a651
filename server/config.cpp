#include "server/config.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace ecslocal::server {

bool parse_config(int argc, char** argv, Config& config, int& exit_code) {
  CLI::App app{"ecslocal: a local Amazon ECS / Fargate emulator on the local Docker daemon"};
  app.set_version_flag("--version", std::string("ecslocal 0.1.0"));
  app.add_option("--host", config.host, "Address to listen on")->envname("ECSLOCAL_HOST")->capture_default_str();
  app.add_option("--port", config.port, "Port to listen on (0: any free port)")->envname("ECSLOCAL_PORT")->capture_default_str();
  app.add_option("--region", config.region, "Region when a request is not signed")->envname("ECSLOCAL_REGION")->capture_default_str();
  app.add_option("--account-id", config.account_id, "Account when the access key id is not a 12-digit number")
      ->envname("ECSLOCAL_ACCOUNT_ID")->capture_default_str()
      ->check([](const std::string& v) {
        return v.size() == 12 && v.find_first_not_of("0123456789") == std::string::npos ? std::string() : std::string("must be 12 digits");
      });
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error, off")
      ->envname("ECSLOCAL_LOG_LEVEL")->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--io-threads", config.io_threads, "Threads serving HTTP")->envname("ECSLOCAL_IO_THREADS")
      ->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--body-limit", config.body_limit, "Largest request body in bytes")->envname("ECSLOCAL_BODY_LIMIT")->capture_default_str();
  app.add_option("--read-timeout", config.read_timeout_seconds, "Seconds a connection may take to send a request")
      ->envname("ECSLOCAL_READ_TIMEOUT")->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_flag("--strict-shapes", config.strict_shapes, "Fail any response that does not match the AWS model (for tests)")
      ->envname("ECSLOCAL_STRICT_SHAPES");
  app.add_option("--docker-host", config.docker_host, "Docker Engine endpoint, unix:// or tcp:// (default: DOCKER_HOST, else unix:///var/run/docker.sock)")
      ->envname("ECSLOCAL_DOCKER_HOST");
  bool no_docker = false;
  app.add_flag("--no-docker", no_docker, "Run without a container runtime: tasks fail at once with the reason")
      ->envname("ECSLOCAL_NO_DOCKER");
  app.add_flag("--keep-tasks-on-exit", config.keep_tasks_on_exit,
               "Leave task containers running at exit (the next start removes them)")
      ->envname("ECSLOCAL_KEEP_TASKS_ON_EXIT");
  app.add_option("--task-retention", config.task_retention_seconds, "Seconds a STOPPED task stays describable")
      ->envname("ECSLOCAL_TASK_RETENTION")->capture_default_str()->check(CLI::Range(1, 7 * 24 * 3600));
  app.add_option("--scheduler-interval", config.scheduler_interval_ms,
                 "Milliseconds between the service scheduler's passes over every service (events act at once)")
      ->envname("ECSLOCAL_SCHEDULER_INTERVAL")->capture_default_str()->check(CLI::Range(50, 60000));
  app.add_option("--circuit-breaker-minimum", config.breaker_minimum,
                 "Smallest deployment circuit breaker threshold (AWS: 3; it was 10 before 2023)")
      ->envname("ECSLOCAL_CIRCUIT_BREAKER_MINIMUM")->capture_default_str()->check(CLI::Range(1, 200));
  app.add_option("--healthy-after", config.healthy_after_seconds,
                 "Seconds a RUNNING service task without health checks waits before it counts as healthy in a "
                 "deployment (AWS: 40)")
      ->envname("ECSLOCAL_HEALTHY_AFTER")->capture_default_str()->check(CLI::Range(0, 3600));
  app.add_option("--time-scale", config.time_scale,
                 "Run every AWS-level timer (metric periods, alarms, cooldowns, schedules, health checks, "
                 "deregistration delays, grace periods) this many times faster; timestamps are virtual")
      ->envname("ECSLOCAL_TIME_SCALE")->check(CLI::Range(1.0, 1000000.0))->capture_default_str();
  app.add_option("--clock", config.clock,
                 "real, or manual: the virtual clock moves only on POST /_ecslocal/clock/advance (tests)")
      ->envname("ECSLOCAL_CLOCK")->check(CLI::IsMember({"real", "manual"}))->capture_default_str();
  app.add_option("--pause-pool", config.pause_pool,
                 "Warm pause containers kept running per subnet once a task ran there, so a launch skips making "
                 "its network namespace (the task then gets the warm container's address; 0: off)")
      ->envname("ECSLOCAL_PAUSE_POOL")->capture_default_str()->check(CLI::Range(0, 16));
  app.add_option("--exec-max-sessions", config.exec_max_sessions,
                 "ECS Exec sessions open at once; ExecuteCommand answers TargetNotConnectedException beyond")
      ->envname("ECSLOCAL_EXEC_MAX_SESSIONS")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--exec-idle-timeout", config.exec_idle_timeout_seconds,
                 "Seconds an ECS Exec session may go without input or output before it is ended (AWS: 20 minutes)")
      ->envname("ECSLOCAL_EXEC_IDLE_TIMEOUT")->capture_default_str()->check(CLI::Range(1, 86400));
  app.add_option("--instance", config.instance,
                 "Name of this ecslocal on the Docker daemon: start-up cleanup only removes what an earlier "
                 "run of the same name left")
      ->envname("ECSLOCAL_INSTANCE")->capture_default_str();
  app.add_option("--cors-origins", config.cors_origins,
                 "Browser origins allowed besides pages on localhost, 127.0.0.1 and [::1]: a comma list of "
                 "origins (https://console.example.com), scheme://host:* for any port, or * for every origin; "
                 "requests from other origins get 403")
      ->envname("ECSLOCAL_CORS_ORIGINS");
  app.add_option("--shutdown-grace", config.shutdown_grace_ms,
                 "Milliseconds requests in flight may take to finish at shutdown")
      ->envname("ECSLOCAL_SHUTDOWN_GRACE")->capture_default_str()->check(CLI::Range(0, 600000));
  app.add_option("--task-endpoints-dir", config.task_endpoints_dir,
                 "Host folder of the task metadata/credentials sockets, shared by every ecslocal on the Docker "
                 "daemon and mounted into the relay at 169.254.170.2 (empty: no task endpoints)")
      ->envname("ECSLOCAL_TASK_ENDPOINTS_DIR")->capture_default_str();
  bool no_endpoint_url = false;
  app.add_flag("--no-task-endpoint-url", no_endpoint_url,
               "Do not give task containers AWS_ENDPOINT_URL (ecslocal's API at 169.254.170.1:<port>, served there "
               "once a task runs)")
      ->envname("ECSLOCAL_NO_TASK_ENDPOINT_URL");
  try {
    app.parse(argc, argv);
    config.task_endpoint_url = !no_endpoint_url;
    config.docker = !no_docker;
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return false;
  }
  return true;
}

}  // namespace ecslocal::server
