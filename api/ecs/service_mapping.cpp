#include "api/ecs/service_mapping.hpp"

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"
#include "api/ecs/cluster_mapping.hpp"
#include "api/protocol/model.hpp"

namespace ecslocal::api::ecs {
namespace {

using json_read::flag;
using json_read::items;
using json_read::optional_bool;
using json_read::optional_int;
using json_read::optional_long;
using json_read::optional_string;
using json_read::optional_strings;

// availabilityZoneRebalancing came with the 2025 model; a build from the awscli package's (early
// 2023) fallback model does not answer it (its Service shape has no such member).
bool model_has_rebalancing() {
  static const bool has = [] {
    const auto* shape = protocol::ServiceModel::get("ecs").find_shape("Service");
    return shape && shape->find_member("availabilityZoneRebalancing");
  }();
  return has;
}

std::optional<Json> optional_member(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::nullopt;
  return std::optional<Json>(std::in_place, *it);
}

std::optional<DeploymentSettingsInput> deployment_settings_input(const Json& request) {
  auto it = request.find("deploymentConfiguration");
  if (it == request.end() || !it->is_object()) return std::nullopt;
  DeploymentSettingsInput out;
  out.minimum_healthy_percent = optional_int(*it, "minimumHealthyPercent");
  out.maximum_percent = optional_int(*it, "maximumPercent");
  if (auto breaker = it->find("deploymentCircuitBreaker"); breaker != it->end() && breaker->is_object()) {
    out.circuit_breaker = optional_bool(*breaker, "enable");
    out.rollback = optional_bool(*breaker, "rollback");
  }
  out.alarms = optional_member(*it, "alarms");
  return out;
}

Json deployment_configuration_to_json(const DeploymentSettings& s) {
  Json out = {{"deploymentCircuitBreaker", {{"enable", s.circuit_breaker}, {"rollback", s.rollback}}},
              {"maximumPercent", s.maximum_percent},
              {"minimumHealthyPercent", s.minimum_healthy_percent}};
  if (!s.alarms.is_null()) out["alarms"] = s.alarms;
  return out;
}

// launchType or capacityProviderStrategy, platform version and network, as a service or a
// deployment reports them.
void add_template(Json& out, const DeploymentTemplate& spec) {
  if (spec.launch_type) out["launchType"] = *spec.launch_type;
  if (!spec.capacity_provider_strategy.empty()) out["capacityProviderStrategy"] = strategy_to_json(spec.capacity_provider_strategy);
  if (spec.awsvpc) out["networkConfiguration"] = network_configuration_to_json(*spec.awsvpc);
}

Json deployment_to_json(const Deployment& d) {
  Json out = {{"id", d.id},
              {"status", deployment_status_text(d.status)},
              {"taskDefinition", d.spec.task_definition_arn},
              {"desiredCount", d.desired_count},
              {"pendingCount", d.pending_count},
              {"runningCount", d.running_count},
              {"failedTasks", d.failed_tasks},
              {"createdAt", epoch_seconds(d.created_at)},
              {"updatedAt", epoch_seconds(d.updated_at)},
              {"platformVersion", d.platform_version_resolved},
              {"platformFamily", "Linux"},
              {"rolloutState", rollout_state_text(d.rollout)},
              {"rolloutStateReason", d.rollout_reason}};
  add_template(out, d.spec);
  if (!d.spec.service_connect.is_null()) {
    Json shown = d.spec.service_connect;  // as given; a namespace that came from the cluster is shown by its ARN
    if (shown.is_object() && !shown.contains("namespace") && !d.spec.service_connect_namespace.empty())
      shown["namespace"] = d.spec.service_connect_namespace;
    out["serviceConnectConfiguration"] = std::move(shown);
  }
  if (d.spec.service_connect_resources.is_array()) out["serviceConnectResources"] = d.spec.service_connect_resources;
  return out;
}

}  // namespace

Json network_configuration_to_json(const AwsVpcConfiguration& vpc) {
  return {{"awsvpcConfiguration",
           {{"subnets", vpc.subnets}, {"securityGroups", vpc.security_groups}, {"assignPublicIp", vpc.assign_public_ip}}}};
}

CreateServiceInput create_service_input(const Json& request) {
  CreateServiceInput in;
  in.cluster = optional_string(request, "cluster");
  in.service_name = optional_string(request, "serviceName").value_or("");
  in.task_definition = optional_string(request, "taskDefinition");
  in.desired_count = optional_long(request, "desiredCount");
  in.launch_type = optional_string(request, "launchType");
  in.capacity_provider_strategy = strategy_input(request);
  in.platform_version = optional_string(request, "platformVersion");
  in.role = optional_string(request, "role");
  in.scheduling_strategy = optional_string(request, "schedulingStrategy");
  if (auto controller = request.find("deploymentController"); controller != request.end() && controller->is_object())
    in.deployment_controller = optional_string(*controller, "type");
  in.propagate_tags = optional_string(request, "propagateTags");
  network_configuration_input(request, in.network_configuration_given, in.awsvpc);
  in.deployment_configuration = deployment_settings_input(request);
  in.load_balancers = items(request, "loadBalancers");
  in.service_registries = items(request, "serviceRegistries");
  in.placement_constraints = items(request, "placementConstraints");
  in.placement_strategy = items(request, "placementStrategy");
  in.service_connect = optional_member(request, "serviceConnectConfiguration").value_or(Json());
  in.health_check_grace_period = optional_long(request, "healthCheckGracePeriodSeconds");
  in.tags = tags_from_json(request.value("tags", Json()));
  in.enable_ecs_managed_tags = flag(request, "enableECSManagedTags");
  in.enable_execute_command = flag(request, "enableExecuteCommand");
  in.availability_zone_rebalancing = optional_string(request, "availabilityZoneRebalancing");
  return in;
}

UpdateServiceInput update_service_input(const Json& request) {
  UpdateServiceInput in;
  in.cluster = optional_string(request, "cluster");
  in.service = optional_string(request, "service").value_or("");
  in.desired_count = optional_long(request, "desiredCount");
  in.task_definition = optional_string(request, "taskDefinition");
  in.platform_version = optional_string(request, "platformVersion");
  in.propagate_tags = optional_string(request, "propagateTags");
  in.capacity_provider_strategy = strategy_input(request);
  network_configuration_input(request, in.network_configuration_given, in.awsvpc);
  in.deployment_configuration = deployment_settings_input(request);
  in.load_balancers = optional_member(request, "loadBalancers");
  in.service_registries = optional_member(request, "serviceRegistries");
  in.placement_constraints = optional_member(request, "placementConstraints");
  in.placement_strategy = optional_member(request, "placementStrategy");
  in.service_connect = optional_member(request, "serviceConnectConfiguration");
  in.health_check_grace_period = optional_long(request, "healthCheckGracePeriodSeconds");
  in.enable_execute_command = optional_bool(request, "enableExecuteCommand");
  in.enable_ecs_managed_tags = optional_bool(request, "enableECSManagedTags");
  in.force_new_deployment = flag(request, "forceNewDeployment");
  in.availability_zone_rebalancing = optional_string(request, "availabilityZoneRebalancing");
  return in;
}

DeleteServiceInput delete_service_input(const Json& request) {
  return {optional_string(request, "cluster"), optional_string(request, "service").value_or(""), flag(request, "force")};
}

DescribeServicesInput describe_services_input(const Json& request) {
  DescribeServicesInput in;
  in.cluster = optional_string(request, "cluster");
  in.services = optional_strings(request, "services").value_or(std::vector<std::string>{});
  for (const auto& field : optional_strings(request, "include").value_or(std::vector<std::string>{}))
    if (field == "TAGS") in.include_tags = true;
  return in;
}

ListServicesInput list_services_input(const Json& request) {
  return {optional_string(request, "cluster"), optional_string(request, "launchType"),
          optional_string(request, "schedulingStrategy"), optional_string(request, "nextToken"),
          optional_long(request, "maxResults")};
}

ListServicesByNamespaceInput list_services_by_namespace_input(const Json& request) {
  return {optional_string(request, "namespace").value_or(""), optional_string(request, "nextToken"),
          optional_long(request, "maxResults")};
}

Json service_to_json(const EcsService& s, const std::vector<Tag>* tags) {
  Json out = {{"serviceArn", s.arn},
              {"serviceName", s.name},
              {"clusterArn", s.cluster_arn},
              {"loadBalancers", s.load_balancers},
              {"serviceRegistries", s.service_registries},
              {"status", service_status_text(s.status)},
              {"desiredCount", s.desired_count},
              {"runningCount", 0},
              {"pendingCount", 0},
              {"platformVersion", s.spec.platform_version},
              {"platformFamily", "Linux"},
              {"taskDefinition", s.spec.task_definition_arn},
              {"deploymentConfiguration", deployment_configuration_to_json(s.deployment_settings)},
              {"deployments", Json::array()},
              {"roleArn", s.role_arn},
              {"events", Json::array()},
              {"createdAt", epoch_seconds(s.created_at)},
              {"placementConstraints", s.placement_constraints},
              {"placementStrategy", s.placement_strategy},
              {"schedulingStrategy", s.scheduling_strategy},
              {"deploymentController", {{"type", s.deployment_controller}}},
              {"createdBy", s.created_by},
              {"enableECSManagedTags", s.enable_ecs_managed_tags},
              {"propagateTags", s.propagate_tags},
              {"enableExecuteCommand", s.enable_execute_command}};
  if (model_has_rebalancing()) out["availabilityZoneRebalancing"] = s.availability_zone_rebalancing;
  add_template(out, s.spec);
  if (s.health_check_grace_period) out["healthCheckGracePeriodSeconds"] = *s.health_check_grace_period;
  int running = 0, pending = 0;
  for (const auto& d : s.deployments) {
    running += d.running_count;
    pending += d.pending_count;
    out["deployments"].push_back(deployment_to_json(d));
  }
  out["runningCount"] = running;
  out["pendingCount"] = pending;
  for (const auto& e : s.events)
    out["events"].push_back({{"id", e.id}, {"createdAt", epoch_seconds(e.created_at)}, {"message", e.message}});
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

}  // namespace ecslocal::api::ecs
