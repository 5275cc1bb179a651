#pragma once
// The ECS cluster entity, its registry (one per account and region) and the rules every
// operation that takes a `cluster` parameter shares.
//
// Keeping the counts true (for the task and service work):
//   Each Cluster owns a ClusterUsage. The code that owns tasks and services moves the counters
//   whenever an entity enters or leaves a bucket; the cluster never recounts.
//   - Tasks: `usage.add_task(TaskBucket::Pending, kind, +1)` when a task is created (lastStatus
//     PROVISIONING/PENDING/ACTIVATING), move it to Running (-1 Pending, +1 Running) when it reaches
//     RUNNING, and remove it (-1 from its bucket) when it reaches STOPPED. A task that is stopping
//     (DEACTIVATING, STOPPING, DEPROVISIONING) stays in its bucket until STOPPED, so DeleteCluster
//     keeps refusing while any task is not STOPPED. `kind` is the launch type's family
//     (CapacityKind::Fargate for FARGATE / FARGATE_SPOT, Ec2 otherwise).
//   - Services: +1 Active at CreateService; Active → Draining at DeleteService; -1 Draining when it
//     becomes INACTIVE.
//   runningTasksCount / pendingTasksCount / activeServicesCount and the STATISTICS entries of
//   DescribeClusters are read from these counters; DeleteCluster refuses while any service is
//   ACTIVE or DRAINING (ClusterContainsServicesException) or any task is counted
//   (ClusterContainsTasksException).
//
// Tags of a cluster live in EcsState::tags under the cluster ARN (see api/ecs/tags.hpp).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct EcsState;

enum class ClusterStatus { Active, Inactive };
enum class CapacityKind { Ec2 = 0, Fargate = 1 };
enum class TaskBucket { Pending = 0, Running = 1 };
enum class ServiceBucket { Active = 0, Draining = 1 };

class ClusterUsage {
 public:
  void add_task(TaskBucket bucket, CapacityKind kind, int delta);
  void add_service(ServiceBucket bucket, CapacityKind kind, int delta);
  int tasks(TaskBucket bucket) const;
  int tasks(TaskBucket bucket, CapacityKind kind) const;
  int services(ServiceBucket bucket) const;
  int services(ServiceBucket bucket, CapacityKind kind) const;
  int registered_container_instances() const { return 0; }  // Fargate only: no container instances

 private:
  std::array<std::array<int, 2>, 2> tasks_{};     // [bucket][kind]
  std::array<std::array<int, 2>, 2> services_{};  // [bucket][kind]
};

struct ClusterSetting {
  std::string name;   // "containerInsights"
  std::string value;  // "enabled" | "disabled" | "enhanced"
};

struct CapacityProviderStrategyItem {
  std::string capacity_provider;
  int weight = 0;
  int base = 0;
};

struct ExecuteCommandLogConfiguration {
  std::optional<std::string> cloud_watch_log_group_name;
  std::optional<bool> cloud_watch_encryption_enabled;
  std::optional<std::string> s3_bucket_name;
  std::optional<bool> s3_encryption_enabled;
  std::optional<std::string> s3_key_prefix;
};

struct ExecuteCommandConfiguration {
  std::optional<std::string> kms_key_id;
  std::optional<std::string> logging;  // NONE | DEFAULT | OVERRIDE
  std::optional<ExecuteCommandLogConfiguration> log_configuration;
};

struct ClusterConfiguration {
  std::optional<ExecuteCommandConfiguration> execute_command;
};

struct Cluster {
  std::string name;
  std::string arn;
  ClusterStatus status = ClusterStatus::Active;
  std::vector<ClusterSetting> settings;
  std::optional<ClusterConfiguration> configuration;
  std::vector<std::string> capacity_providers;
  std::vector<CapacityProviderStrategyItem> default_strategy;
  bool capacity_providers_set = false;  // reports attachmentsStatus once providers were ever put
  std::optional<std::string> service_connect_namespace;
  Clock::time_point created_at{};
  ClusterUsage usage;

  bool active() const { return status == ClusterStatus::Active; }
  // Replaces or adds settings by name.
  void apply_settings(const std::vector<ClusterSetting>& changes);
};

class ClusterRegistry {
 public:
  Cluster* find(const std::string& name);
  const Cluster* find(const std::string& name) const;
  // Stores `cluster` (replacing an INACTIVE one of the same name) and returns it.
  Cluster& put(Cluster cluster);
  // ACTIVE clusters ordered by name (which also orders their ARNs).
  std::vector<const Cluster*> active() const;
  // Every cluster, INACTIVE ones too, ordered by name (snapshots).
  std::vector<const Cluster*> all() const;

 private:
  std::map<std::string, Cluster> clusters_;  // by name; INACTIVE ones stay describable
};

// --- rules shared by every operation with a `cluster` parameter ---

constexpr const char* kDefaultClusterName = "default";

// The cluster name a `cluster` parameter designates: absent → "default"; a name as is; a cluster
// ARN → its name. Throws InvalidParameterException for an ARN that is not an ECS cluster ARN or
// names another account; a cluster ARN of another region designates a cluster that is not here
// (the returned name is then empty).
std::string cluster_name_for(const RequestContext& ctx, const std::optional<std::string>& name_or_arn);

// The ACTIVE cluster a request acts on. Throws ClusterNotFoundException "Cluster not found." when
// there is none, "The referenced cluster was inactive." when it was deleted.
Cluster& require_active_cluster(EcsState& state, const RequestContext& ctx, const std::optional<std::string>& name_or_arn);

// --- validation (InvalidParameterException) ---

// Up to 255 letters, numbers, hyphens and underscores.
void validate_cluster_name(const std::string& name);
void validate_cluster_settings(const std::vector<ClusterSetting>& settings);
void validate_cluster_configuration(const ClusterConfiguration& configuration);
// Only FARGATE and FARGATE_SPOT exist; no duplicates; the strategy may use associated providers
// only, with weight 0-1000, base 0-100000 and at most one base above 0. (A strategy whose weights
// are all 0 is accepted here; AWS refuses it only when RunTask/CreateService use it.)
void validate_capacity_providers(const std::vector<std::string>& providers,
                                 const std::vector<CapacityProviderStrategyItem>& strategy);

}  // namespace ecslocal::api::ecs
