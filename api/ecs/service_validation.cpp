#include "api/ecs/errors.hpp"
#include "api/ecs/service_validation.hpp"

#include <algorithm>
#include <cctype>

#include "api/ecs/task_validation.hpp"
#include "api/ports/target_groups.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr size_t kMaxServiceNameLength = 255;

[[noreturn]] void invalid(const std::string& message) { throw InvalidParameterException(message); }

bool name_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'; }

}  // namespace

void validate_service_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxServiceNameLength || !std::all_of(name.begin(), name.end(), name_char))
    invalid("Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, hyphens and "
            "underscores.");  // [emulator] wording unconfirmed
}

void validate_scheduling(const CreateServiceInput& in) {
  if (in.deployment_controller && *in.deployment_controller != "ECS")
    throw UnsupportedFeatureException("ecslocal emulates the ECS (rolling update) deployment controller only; " +
                                                      *in.deployment_controller + " is not supported.");
  if (in.scheduling_strategy == "DAEMON")
    invalid("The DAEMON scheduling strategy is not supported for the FARGATE launch type.");  // [emulator] wording unconfirmed
  if (!in.task_definition || in.task_definition->empty()) invalid("TaskDefinition can not be blank.");
  if (!in.desired_count) invalid("The desired count must be specified for a REPLICA service.");  // [emulator] unconfirmed
  validate_desired_count(in.desired_count);
}

void validate_desired_count(const std::optional<long long>& desired) {
  if (desired && (*desired < 0 || *desired > 100000)) invalid("Invalid desiredCount: it must be between 0 and 100000.");
}

void validate_deployment_settings(const DeploymentSettings& s) {
  if (s.minimum_healthy_percent < 0 || s.minimum_healthy_percent > 100)
    invalid("minimumHealthyPercent must be between 0 and 100.");
  if (s.maximum_percent < 100) invalid("maximumPercent must be at least 100 for a REPLICA service.");
  if (s.maximum_percent > 1000) invalid("maximumPercent can be at most 1000.");
}

DeploymentSettings apply_deployment_settings(DeploymentSettings s, const DeploymentSettingsInput& in) {
  if (in.minimum_healthy_percent) s.minimum_healthy_percent = *in.minimum_healthy_percent;
  if (in.maximum_percent) s.maximum_percent = *in.maximum_percent;
  if (in.circuit_breaker) s.circuit_breaker = *in.circuit_breaker;
  if (in.rollback) s.rollback = *in.rollback;
  if (in.alarms) s.alarms = *in.alarms;
  return s;
}

void validate_template(const Cluster& cluster, const DeploymentTemplate& spec, const TaskDefinition& td, bool network_given) {
  RunTaskInput in;
  in.launch_type = spec.launch_type;
  if (!spec.capacity_provider_strategy.empty()) in.capacity_provider_strategy = spec.capacity_provider_strategy;
  in.platform_version = spec.platform_version;
  in.network_configuration_given = network_given;
  in.awsvpc = spec.awsvpc;
  place_tasks(cluster, in, td, 1);
  validate_network_configuration(in, td);
}

void validate_load_balancers(const Json& load_balancers, const TaskDefinition& td) {
  for (const auto& lb : load_balancers) {
    const std::string container = lb.value("containerName", "");
    if (container.empty()) invalid("containerName must be specified for each load balancer.");
    const ContainerDefinition* def = td.find_container(container);
    if (!def) invalid("The container " + container + " does not exist in the task definition.");
    if (!lb.contains("containerPort")) invalid("containerPort must be specified for each load balancer.");
    const int port = lb.value("containerPort", 0);
    const bool mapped = std::any_of(def->port_mappings.begin(), def->port_mappings.end(),
                                    [&](const PortMapping& m) { return m.container_port == port; });
    if (!mapped) invalid("The container " + container + " did not have a container port " + std::to_string(port) + " defined.");
    if (!lb.contains("targetGroupArn") && lb.contains("loadBalancerName"))
      invalid("Classic Load Balancers are not supported with the awsvpc network mode; use a target group.");
    if (!lb.contains("targetGroupArn")) invalid("targetGroupArn must be specified for each load balancer.");
  }
}

void validate_target_groups(const Json& load_balancers, const TaskDefinition& td, const TargetGroupDirectory* groups,
                            const std::string& account_id, const std::string& region) {
  if (!groups) return;
  for (const auto& lb : load_balancers) {
    const std::string arn = lb.value("targetGroupArn", "");
    if (arn.empty()) continue;
    const auto group = groups->find_target_group(account_id, region, arn);
    if (!group)
      invalid("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role "
              "being passed has the proper permissions.");
    if (!group->has_load_balancer)
      invalid("The target group with targetGroupArn " + arn + " does not have an associated load balancer.");
    if (td.network_mode == "awsvpc" && group->target_type != "ip")
      invalid("The provided target group " + arn + " has target type " + group->target_type +
              ", which is incompatible with the awsvpc network mode specified in the task definition.");
  }
}

void validate_grace_period(const std::optional<long long>& seconds, const Json& load_balancers) {
  if (!seconds) return;
  if (*seconds < 0 || *seconds > 2147483647) invalid("healthCheckGracePeriodSeconds must be between 0 and 2147483647.");
  if (load_balancers.empty()) invalid("Health check grace period is only valid for services configured to use load balancers");
}

void validate_execute_command(bool enabled, const TaskDefinition& td) {
  if (enabled && td.task_role_arn.empty())
    throw InvalidParameterException(
        "The service couldn't be updated because a valid taskRoleArn is not being used. Specify a valid task role in "
        "your task definition and try again.");
}

void validate_role(const std::optional<std::string>& role, const TaskDefinition& td) {
  if (role && !role->empty() && td.network_mode == "awsvpc")
    invalid("You cannot specify an IAM role for services that require a service linked role.");
}

void validate_placement(const Json& constraints, const Json& strategies) {
  if (!constraints.empty()) invalid("Task placement constraints are not supported for tasks on Fargate.");
  if (!strategies.empty()) invalid("Task placement strategies are not supported for tasks on Fargate.");
}

}  // namespace ecslocal::api::ecs
