// Snapshots of clusters: every member, and the usage counters the task and service code keeps.
#include "api/ecs/snapshot.hpp"
#include "api/ecs/snapshot_types.hpp"

namespace ecslocal::api::ecs {

ECSLOCAL_SNAPSHOT_ENUM(ClusterStatus, {{ClusterStatus::Active, "ACTIVE"}, {ClusterStatus::Inactive, "INACTIVE"}})
ECSLOCAL_SNAPSHOT_FIELDS(ClusterSetting, name, value)
ECSLOCAL_SNAPSHOT_FIELDS(ExecuteCommandLogConfiguration, cloud_watch_log_group_name, cloud_watch_encryption_enabled,
                         s3_bucket_name, s3_encryption_enabled, s3_key_prefix)
ECSLOCAL_SNAPSHOT_FIELDS(ExecuteCommandConfiguration, kms_key_id, logging, log_configuration)
ECSLOCAL_SNAPSHOT_FIELDS(ClusterConfiguration, execute_command)

// {"pending_tasks": [ec2, fargate], "running_tasks": [...], "active_services": [...],
//  "draining_services": [...]}
[[maybe_unused]] static void to_json(Json& out, const ClusterUsage& usage) {
  auto pair = [](int ec2, int fargate) { return Json::array({ec2, fargate}); };
  out = Json{{"pending_tasks", pair(usage.tasks(TaskBucket::Pending, CapacityKind::Ec2),
                                    usage.tasks(TaskBucket::Pending, CapacityKind::Fargate))},
             {"running_tasks", pair(usage.tasks(TaskBucket::Running, CapacityKind::Ec2),
                                    usage.tasks(TaskBucket::Running, CapacityKind::Fargate))},
             {"active_services", pair(usage.services(ServiceBucket::Active, CapacityKind::Ec2),
                                      usage.services(ServiceBucket::Active, CapacityKind::Fargate))},
             {"draining_services", pair(usage.services(ServiceBucket::Draining, CapacityKind::Ec2),
                                        usage.services(ServiceBucket::Draining, CapacityKind::Fargate))}};
}

[[maybe_unused]] static void from_json(const Json& j, ClusterUsage& usage) {
  if (!j.is_object()) throw std::runtime_error("cluster usage must be an object");
  auto counts = [&](const char* key) {
    auto pair = j.value(key, std::array<int, 2>{0, 0});
    if (pair[0] < 0 || pair[1] < 0) throw std::runtime_error(std::string("negative counts in ") + key);
    return pair;
  };
  usage = ClusterUsage{};
  const CapacityKind kinds[] = {CapacityKind::Ec2, CapacityKind::Fargate};
  for (size_t k = 0; k < 2; ++k) {
    usage.add_task(TaskBucket::Pending, kinds[k], counts("pending_tasks")[k]);
    usage.add_task(TaskBucket::Running, kinds[k], counts("running_tasks")[k]);
    usage.add_service(ServiceBucket::Active, kinds[k], counts("active_services")[k]);
    usage.add_service(ServiceBucket::Draining, kinds[k], counts("draining_services")[k]);
  }
}

ECSLOCAL_SNAPSHOT_FIELDS(Cluster, name, arn, status, settings, configuration, capacity_providers, default_strategy,
                         capacity_providers_set, service_connect_namespace, created_at, usage)

Json snapshot_cluster(const Cluster& cluster) { return cluster; }

Cluster restore_cluster(const Json& snapshot) {
  Cluster cluster = snapshot.get<Cluster>();
  if (cluster.name.empty()) throw std::runtime_error("a cluster without a name");
  return cluster;
}

}  // namespace ecslocal::api::ecs
