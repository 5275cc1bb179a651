#pragma once
// Run-time settings: every flag has an ECSLOCAL_* environment variable of the same name.
#include <cstdint>
#include <string>

namespace ecslocal::server {

struct Config {
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string log_level = "info";
  int io_threads = 1;
  size_t body_limit = 8 * 1024 * 1024;
  int read_timeout_seconds = 60;
  bool strict_shapes = false;  // answer ServerException when a response leaves the model (tests)
  std::string docker_host;     // empty: DOCKER_HOST, else unix:///var/run/docker.sock
  bool docker = true;          // false: no container runtime; RunTask's tasks fail with the reason
  bool keep_tasks_on_exit = false;  // leave task containers running at exit (removed at next start)
  int task_retention_seconds = 3600;  // how long STOPPED tasks stay describable
  int scheduler_interval_ms = 1000;   // the service scheduler's level-triggered tick
  int breaker_minimum = 3;            // circuit breaker threshold floor
  int healthy_after_seconds = 3;      // a RUNNING task without health checks counts as healthy after this
  std::string instance = "default";   // label value scoping start-up cleanup to this instance
  std::string cors_origins;           // origins allowed besides loopback pages (comma list, "*": any)
  int shutdown_grace_ms = 3000;       // how long requests in flight may take to finish at shutdown
  // The host folder of the task endpoints' Unix sockets (one per instance), bind-mounted into the
  // shared relay at 169.254.170.2; empty: tasks get no metadata or credentials endpoint.
  std::string task_endpoints_dir = "/tmp/ecslocal-endpoints";
  // Inject AWS_ENDPOINT_URL=http://169.254.170.1:<port> into task containers and serve the API
  // there once a task joined the endpoints network (needs the task endpoints).
  bool task_endpoint_url = true;
  int pause_pool = 0;                 // warm pause containers kept per subnet network (0: none)
  // The virtual clock of every AWS-level timer (api/common/clock.hpp): real time, S times faster,
  // or manual (moves only on POST /_ecslocal/clock/advance).
  double time_scale = 1.0;
  std::string clock = "real";  // real | manual
  // ECS Exec (server/exec/): sessions open at once, and how long one may sit with no input or output.
  int exec_max_sessions = 32;
  int exec_idle_timeout_seconds = 1200;
};

// Parses argv and the environment. Returns false and sets `exit_code` when the program should
// exit right away (--help, --version, bad flag).
bool parse_config(int argc, char** argv, Config& config, int& exit_code);

}  // namespace ecslocal::server
