// Snapshots of services: every member, the deployments with their counts, rollout state and
// scheduler bookkeeping (failure streaks, back-off, rollback marks), the event list and the
// circuit breaker's memory (last completed template, suppressed messages).
#include "api/ecs/service_model.hpp"
#include "api/ecs/snapshot.hpp"
#include "api/ecs/snapshot_types.hpp"

namespace ecslocal::api::ecs {

ECSLOCAL_SNAPSHOT_ENUM(ServiceStatus, {{ServiceStatus::Active, "ACTIVE"},
                                       {ServiceStatus::Draining, "DRAINING"},
                                       {ServiceStatus::Inactive, "INACTIVE"}})
ECSLOCAL_SNAPSHOT_ENUM(DeploymentStatus, {{DeploymentStatus::Primary, "PRIMARY"}, {DeploymentStatus::Active, "ACTIVE"}})
ECSLOCAL_SNAPSHOT_ENUM(RolloutState, {{RolloutState::InProgress, "IN_PROGRESS"},
                                      {RolloutState::Completed, "COMPLETED"},
                                      {RolloutState::Failed, "FAILED"}})

ECSLOCAL_SNAPSHOT_FIELDS(DeploymentSettings, minimum_healthy_percent, maximum_percent, circuit_breaker, rollback,
                         alarms)
ECSLOCAL_SNAPSHOT_FIELDS(DeploymentTemplate, task_definition_arn, launch_type, capacity_provider_strategy,
                         platform_version, awsvpc, service_connect, load_balancers, service_connect_namespace,
                         service_connect_namespace_name, service_connect_resources)
ECSLOCAL_SNAPSHOT_FIELDS(Deployment, id, status, spec, platform_version_resolved, desired_count, running_count,
                         pending_count, failed_tasks, rollout, rollout_reason, created_at, updated_at,
                         consecutive_failures, proven, rollback, next_launch_at)
ECSLOCAL_SNAPSHOT_FIELDS(ServiceEvent, id, created_at, message)
ECSLOCAL_SNAPSHOT_FIELDS(EcsService, name, arn, account_id, region, cluster_name, cluster_arn, sequence, status,
                         desired_count,
                         spec, deployment_settings, deployments, events, role_arn, created_by, created_at,
                         load_balancers, service_registries, placement_constraints, placement_strategy,
                         health_check_grace_period, scheduling_strategy, deployment_controller, enable_ecs_managed_tags,
                         propagate_tags, enable_execute_command, availability_zone_rebalancing, capacity_kind, inactive_at, steady, last_completed,
                         last_completed_id, suppressed_messages)

Json snapshot_service(const EcsService& service) { return service; }

EcsService restore_service(const Json& snapshot) {
  EcsService service = snapshot.get<EcsService>();
  if (service.name.empty() || service.cluster_name.empty() || service.arn.empty())
    throw std::runtime_error("a service needs a name, a cluster and an ARN");
  return service;
}

}  // namespace ecslocal::api::ecs
