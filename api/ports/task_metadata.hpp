#pragma once
// The task metadata endpoint (v3/v4) and the task-role credentials endpoint, as ECS serves them
// to task containers at http://169.254.170.2. The server relays each request from a task (through
// the shared endpoints relay and this instance's Unix socket) to the one TaskMetadata provider
// (ECS), on the state strand. The caller is identified by the unguessable id in the path only.
//
// Ids: every id in a path begins with the 8 hex digits of endpoint_route(instance), so one relay
// shared by every ecslocal on a Docker daemon can pick the instance's socket
// (<endpoints dir>/<route>.sock); the rest is random. Opaque to clients.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/task_runtime.hpp"

namespace ecslocal::api {

// 8 lowercase hex digits (FNV-1a of the instance name, 32 bits).
inline std::string endpoint_route(std::string_view instance) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : instance) {
    hash ^= c;
    hash *= 16777619u;
  }
  char text[9];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(hash));
  return text;
}

// The link-local address task containers reach the endpoints at (port 80), as on Fargate.
inline constexpr const char* kTaskEndpointsAddress = "169.254.170.2";
// The header the relay puts first in every request: the task's address on the endpoints network.
inline constexpr const char* kCallerAddressHeader = "X-Ecslocal-Task-Address";

struct MetadataReply {
  MetadataReply() = default;
  MetadataReply(int status, std::string body, std::vector<std::string> stats_of = {})
      : status(status), body(std::move(body)), stats_of(std::move(stats_of)) {}

  int status = 200;
  std::string body;  // JSON
  // Set by serve() for the stats paths only: not the answer yet. The server reads these
  // containers' stats from Docker (off the state strand) and asks again with serve_stats().
  std::vector<std::string> stats_of;  // Docker ids
};

// One container's stats as the server read them from Docker for a stats_of reply: the runtime
// seam's reading, as TaskRuntime::container_stats gives it (id = the Docker id asked for).
using ContainerStatsDocument = runtime::ContainerStatsReading;

class TaskMetadata {
 public:
  virtual ~TaskMetadata() = default;
  // GET `path` (without the query string) from a task container: /v3/<id>[/task][/stats|/task/stats],
  // /v4/<id>..., /v2/credentials/<id>. `caller` is the address the relay saw the request come from
  // (empty: not relayed, e.g. a test on the host): with one, the id must be the caller's task's.
  // Every reply is JSON; unknown ids (and other tasks' ids) get 404. A stats path that needs
  // Docker's stats answers with stats_of instead (see MetadataReply).
  virtual MetadataReply serve(const std::string& method, const std::string& path, const std::string& caller,
                              std::chrono::system_clock::time_point now) = 0;
  // The same request again, with the stats read for the stats_of of its first reply (one
  // document per id asked for). The answer; never stats_of again.
  virtual MetadataReply serve_stats(const std::string& method, const std::string& path, const std::string& caller,
                                    std::vector<ContainerStatsDocument> stats, std::chrono::system_clock::time_point now) {
    return {500, "\"container stats are not served here\"", {}};
  }
};

}  // namespace ecslocal::api
