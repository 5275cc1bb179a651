#pragma once
// The task metadata endpoint (v3 and v4) and the task-role credentials endpoint, as ECS serves
// them to task containers at http://169.254.170.2 (spec: discovery-secrets-metadata-exec.md §4,
// ecs-semantics.md §4). A task is known by the random ids ECS gave it at RunTask
// (Task::endpoint_id, Task::credentials_id); those ids are the only identification, so a task
// reads only its own documents and credentials.
//
//   /v4/<id>                 the container's document      /v4/<id>/task   the task's document
//   /v4/<id>/taskWithTags    the task's document + TaskTags
//   /v4/<id>/stats           Docker's stats of the container, as the agent shapes them (task_stats.hpp)
//   /v4/<id>/task/stats      {DockerId: those stats} for every container of the task
//   /v3/<id>...              the same documents (stats without network_rate_stats, as the agent's v3)
//   /api/<id>/service-connect the task's Service Connect proxy configuration (service_connect.hpp)
//   /v2/credentials/<id>     temporary credentials of the task role, issued through STS
//                            (RoleCredentialIssuer), reused until 30 minutes before they expire
// Unknown ids: 404 with a JSON error. Documents leave out what ecslocal cannot know (ClockDrift,
// EphemeralStorageMetrics) rather than make it up.
#include <map>
#include <string>

#include "api/ecs/task_model.hpp"
#include "api/ecs/task_stats.hpp"
#include "api/ports/data_plane.hpp"
#include "api/ports/identity.hpp"
#include "api/ports/task_metadata.hpp"

namespace ecslocal::api::ecs {

class EcsProvider;

// The host's address on the task endpoints network, where the API listener for tasks binds.
inline constexpr const char* kTaskApiAddress = "169.254.170.1";

// "<route><24 random hex digits>" (from the system's random source, not the id source).
std::string new_endpoint_id(const std::string& route);
// A UUID-shaped id whose first group is the route.
std::string new_credentials_id(const std::string& route);
// A container's id in its metadata URIs: "<endpoint_id>-<10 digits>" (as Fargate's look).
std::string container_endpoint_id(const Task& task, const std::string& container_name);

// RFC 3339 UTC with nanoseconds, as the agent writes TMDS timestamps.
std::string tmds_time(Clock::time_point t);

class TaskEndpoints : public TaskMetadata {
 public:
  explicit TaskEndpoints(EcsProvider& provider) : provider_(provider) {}
  MetadataReply serve(const std::string& method, const std::string& path, const std::string& caller,
                      Clock::time_point now) override;
  MetadataReply serve_stats(const std::string& method, const std::string& path, const std::string& caller,
                            std::vector<ContainerStatsDocument> stats, Clock::time_point now) override;
  void clear() {
    credentials_.clear();
    stats_.clear();
    api_open_ = false;  // reset closed every listener services opened
  }

  // AWS_ENDPOINT_URL of task containers: ecslocal's API on the endpoints network's gateway
  // (169.254.170.1, the host's side), under the API port. Port 0: not injected (the flag is off).
  void set_api_port(std::uint16_t port) { api_port_ = port; }
  std::string api_url() const;
  // A task joined the endpoints network (so the gateway address exists on the host): the API
  // listener there opens through the DataPlane port, once.
  void on_task_network(DataPlane* data_plane);

  // How long issued credentials are valid, and how long before their end new ones are issued.
  static constexpr std::chrono::hours kValidity{6};
  static constexpr std::chrono::minutes kRenewBefore{30};

 private:
  MetadataReply credentials(const std::string& id, const std::string& caller, Clock::time_point now);
  // `stats`: null on the first pass (a stats path answers stats_of), the documents read on the second.
  MetadataReply metadata(const std::string& version, const std::string& id, const std::string& rest,
                         const std::string& caller, const std::vector<ContainerStatsDocument>* stats, Clock::time_point now);
  MetadataReply container_stats(bool v4, const std::string& id, const Container& container,
                                const std::vector<ContainerStatsDocument>* stats, Clock::time_point now);
  MetadataReply task_stats(bool v4, const Task& task, const std::vector<ContainerStatsDocument>* stats,
                           Clock::time_point now);
  MetadataReply service_connect(const std::string& id, const std::string& caller);

  EcsProvider& provider_;
  std::map<std::string, RoleCredentials> credentials_;  // by credentials id
  ContainerStatsShaper stats_;  // each container's previous stats sample
  std::uint16_t api_port_ = 0;
  bool api_open_ = false;
};

}  // namespace ecslocal::api::ecs
