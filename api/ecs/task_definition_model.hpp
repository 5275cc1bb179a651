#pragma once
// The task definition entity and its registry (revisions per family, per account and region).
//
// A registered definition keeps two views of itself:
//  - `document`: the TaskDefinition exactly as ECS echoes it back (every member of the request that
//    the model's TaskDefinition shape knows, plus the defaults ECS fills in). Built and rendered by
//    task_definition_mapping, the only place that spells member names.
//  - typed fields: what ecslocal reasons about (validation, placement, running containers). Later
//    work reads containers through `ContainerDefinition` and never touches the JSON.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct EnvironmentVariable {
  std::string name, value;
};

struct SecretRef {
  std::string name, value_from;  // SSM parameter or Secrets Manager ARN
};

struct PortMapping {
  std::optional<int> container_port;
  std::optional<int> host_port;  // absent or 0 under bridge: a dynamic host port
  std::string protocol = "tcp";  // tcp | udp
  std::string name;              // Service Connect name, may be empty
  std::string app_protocol;      // http | http2 | grpc, may be empty
  std::string container_port_range;
};

struct HealthCheck {
  std::vector<std::string> command;  // ["CMD", args...] or ["CMD-SHELL", "script"]
  int interval_seconds = 30;
  int timeout_seconds = 5;
  int retries = 3;
  std::optional<int> start_period_seconds;  // absent: no grace period
};

struct LogConfiguration {
  std::string log_driver;  // awslogs, json-file, ...
  std::map<std::string, std::string> options;
  std::vector<SecretRef> secret_options;
};

struct ContainerDependency {
  std::string container_name;
  std::string condition;  // START | COMPLETE | SUCCESS | HEALTHY
};

struct MountPoint {
  std::string source_volume, container_path;
  bool read_only = false;
};

struct VolumeFrom {
  std::string source_container;
  bool read_only = false;
};

struct Ulimit {
  std::string name;
  int soft_limit = 0, hard_limit = 0;
};

struct HostEntry {
  std::string hostname, ip_address;
};

// One container of a task definition, with ECS's defaults applied (cpu 0, essential true, ...).
struct ContainerDefinition {
  std::string name, image;
  int cpu = 0;                          // CPU units (1024 = 1 vCPU)
  std::optional<int> memory;            // hard limit, MiB
  std::optional<int> memory_reservation;  // soft limit, MiB
  bool essential = true;
  std::vector<std::string> entry_point, command;
  std::vector<EnvironmentVariable> environment;
  std::vector<std::string> environment_files;  // S3 object ARNs of .env files
  std::vector<SecretRef> secrets;
  std::vector<PortMapping> port_mappings;
  std::vector<MountPoint> mount_points;
  std::vector<VolumeFrom> volumes_from;
  std::vector<ContainerDependency> depends_on;
  std::optional<int> start_timeout_seconds, stop_timeout_seconds;
  std::vector<std::string> links, dns_servers, dns_search_domains, docker_security_options;
  std::vector<HostEntry> extra_hosts;
  std::string hostname, user, working_directory;
  bool privileged = false, readonly_root_filesystem = false, disable_networking = false;
  bool interactive = false, pseudo_terminal = false, init_process_enabled = false;
  std::map<std::string, std::string> docker_labels;
  std::map<std::string, std::string> system_controls;  // sysctl namespace → value
  std::vector<Ulimit> ulimits;
  std::vector<std::string> capabilities_add, capabilities_drop;
  std::optional<int> shared_memory_size_mib;
  std::optional<HealthCheck> health_check;
  std::optional<LogConfiguration> log_configuration;
  bool has_repository_credentials = false;
  std::string firelens_type;  // fluentd | fluentbit when this is a FireLens log router
};

struct Volume {
  std::string name;
  std::optional<std::string> host_source_path;  // bind mount from the host
  bool docker_volume = false;                   // dockerVolumeConfiguration
  std::string docker_volume_driver;
  bool efs = false, fsx_windows = false;
};

enum class TaskDefinitionStatus { Active, Inactive };

struct TaskDefinition {
  // Identity, filled in at registration.
  std::string arn, family;
  long long revision = 0;
  TaskDefinitionStatus status = TaskDefinitionStatus::Active;
  Clock::time_point registered_at{};
  std::optional<Clock::time_point> deregistered_at;
  std::string registered_by;

  // Task level, as normalised at registration.
  std::string network_mode = "bridge";  // bridge | host | awsvpc | none
  std::optional<int> cpu;               // CPU units ("1 vCPU" → 1024)
  std::optional<int> memory;            // MiB ("2 GB" → 2048)
  std::vector<std::string> requires_compatibilities;  // as requested: EC2, FARGATE, EXTERNAL
  std::vector<std::string> compatibilities;           // computed by ECS
  std::vector<std::string> requires_attributes;       // computed by ECS (attribute names)
  std::string task_role_arn, execution_role_arn;
  std::string pid_mode, ipc_mode;
  std::optional<int> ephemeral_storage_gib;
  std::string operating_system_family, cpu_architecture;  // runtimePlatform, may be empty
  std::string proxy_container_name;                       // proxyConfiguration, may be empty
  bool has_placement_constraints = false, has_inference_accelerators = false;
  std::vector<ContainerDefinition> containers;
  std::vector<Volume> volumes;

  Json document;  // the echoed TaskDefinition members that come from the request (see top)

  bool active() const { return status == TaskDefinitionStatus::Active; }
  bool requires_compatibility(const std::string& compatibility) const;
  const ContainerDefinition* find_container(const std::string& name) const;
  const Volume* find_volume(const std::string& name) const;
  std::string family_revision() const { return family + ":" + std::to_string(revision); }
};

// How clients name a task definition: "family", "family:revision" or the full ARN.
struct TaskDefinitionRef {
  std::string family;
  std::optional<long long> revision;
};
// nullopt when the text cannot name a task definition (bad revision, ARN of another resource).
std::optional<TaskDefinitionRef> parse_task_definition_ref(const std::string& text);

class TaskDefinitionRegistry {
 public:
  // The revision the next registration in `family` gets: never reused, even after deregistration.
  long long next_revision(const std::string& family) const;
  // Stores a definition whose arn and revision are set (revision from next_revision).
  const TaskDefinition& add(TaskDefinition definition);

  const TaskDefinition* find(const std::string& family, long long revision) const;
  const TaskDefinition* find_by_arn(const std::string& arn) const;
  const TaskDefinition* latest_active(const std::string& family) const;
  // "family" → latest ACTIVE revision; "family:rev" / ARN → that revision whatever its status.
  const TaskDefinition* resolve(const std::string& reference) const;
  TaskDefinition* find_mutable(const std::string& family, long long revision);

  // Every definition, by family (lexicographic) then revision (ascending).
  std::vector<const TaskDefinition*> all() const;
  // Family names in lexicographic order, with whether each has an ACTIVE revision.
  std::vector<std::pair<std::string, bool>> families() const;
  // Snapshots: the family's revision counter is at least `last_revision` (it counts revisions that
  // are no longer stored too).
  void restore_last_revision(const std::string& family, long long last_revision);

 private:
  struct Family {
    long long last_revision = 0;
    std::map<long long, TaskDefinition> revisions;
  };
  std::map<std::string, Family> families_;
};

// Fargate's task sizes (cpu units → allowed memory in MiB).
bool fargate_size_supported(int cpu, int memory);

// What ECS computes at registration: launch types the definition is valid for (EC2 always,
// FARGATE when it fits Fargate, EXTERNAL when asked for) and the container instance attributes
// it needs.
std::vector<std::string> derive_compatibilities(const TaskDefinition& definition);
std::vector<std::string> derive_required_attributes(const TaskDefinition& definition);
// True when nothing in the definition keeps it off Fargate (sizes aside).
bool fargate_supports_features(const TaskDefinition& definition);

}  // namespace ecslocal::api::ecs
