#pragma once
// The rules of CreateService and UpdateService, one function each, throwing the AwsError ECS
// answers. Messages are ECS's where a real one is known; the others are written in its style.
#include <string>

#include "api/ecs/service_mapping.hpp"
#include "api/ecs/task_definition_model.hpp"

namespace ecslocal::api {
class TargetGroupDirectory;
}  // namespace ecslocal::api

namespace ecslocal::api::ecs {

// Up to 255 letters, numbers, hyphens and underscores.
void validate_service_name(const std::string& name);

// REPLICA only (DAEMON needs container instances, which Fargate has none of), the ECS
// deployment controller only, a desired count of 0 or more.
void validate_scheduling(const CreateServiceInput& in);
void validate_desired_count(const std::optional<long long>& desired);

// minimumHealthyPercent 0–100, maximumPercent at least 100 (and the minimum below it).
void validate_deployment_settings(const DeploymentSettings& settings);
DeploymentSettings apply_deployment_settings(DeploymentSettings settings, const DeploymentSettingsInput& in);

// Launch type, capacity provider strategy, platform version and network of a template against the
// cluster and its task definition (the rules RunTask applies to one task).
void validate_template(const Cluster& cluster, const DeploymentTemplate& spec, const TaskDefinition& td, bool network_given);

// Each load balancer names a container of the definition and one of its container ports; a
// health check grace period needs a load balancer.
void validate_load_balancers(const Json& load_balancers, const TaskDefinition& td);
// Each target group exists in ELBv2, is attached to a load balancer and has a target type the
// task definition's network mode can use (spec elb §5.1). Skipped without a directory.
void validate_target_groups(const Json& load_balancers, const TaskDefinition& td, const TargetGroupDirectory* groups,
                            const std::string& account_id, const std::string& region);
void validate_grace_period(const std::optional<long long>& seconds, const Json& load_balancers);

// awsvpc services use the service-linked role: no `role`.
void validate_role(const std::optional<std::string>& role, const TaskDefinition& td);
// ECS Exec needs the task role (its agent talks to SSM with it).
void validate_execute_command(bool enabled, const TaskDefinition& td);

// Placement constraints and strategies do not apply to Fargate.
void validate_placement(const Json& constraints, const Json& strategies);

}  // namespace ecslocal::api::ecs
