#pragma once
// Services on the wire: the requests of CreateService, UpdateService, DeleteService,
// DescribeServices, ListServices and ListServicesByNamespace, and the Service, Deployment and
// ServiceEvent shapes of the replies. The only place that spells service member names.
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/service_model.hpp"
#include "api/ecs/task_mapping.hpp"
#include "api/ecs/tags.hpp"

namespace ecslocal::api::ecs {

// deploymentConfiguration as given (each part optional: UpdateService changes what it names).
struct DeploymentSettingsInput {
  std::optional<int> minimum_healthy_percent, maximum_percent;
  std::optional<bool> circuit_breaker, rollback;
  std::optional<Json> alarms;
};

struct CreateServiceInput {
  std::optional<std::string> cluster;
  std::string service_name;
  std::optional<std::string> task_definition;
  std::optional<long long> desired_count;
  std::optional<std::string> launch_type;
  std::optional<std::vector<CapacityProviderStrategyItem>> capacity_provider_strategy;
  std::optional<std::string> platform_version, role, scheduling_strategy, deployment_controller, propagate_tags;
  bool network_configuration_given = false;
  std::optional<AwsVpcConfiguration> awsvpc;
  std::optional<DeploymentSettingsInput> deployment_configuration;
  Json load_balancers = Json::array(), service_registries = Json::array();
  Json placement_constraints = Json::array(), placement_strategy = Json::array();
  Json service_connect;  // null when absent
  std::optional<long long> health_check_grace_period;
  std::vector<Tag> tags;
  bool enable_ecs_managed_tags = false, enable_execute_command = false;
  std::optional<std::string> availability_zone_rebalancing;
};
CreateServiceInput create_service_input(const Json& request);

struct UpdateServiceInput {
  std::optional<std::string> cluster;
  std::string service;
  std::optional<long long> desired_count;
  std::optional<std::string> task_definition, platform_version, propagate_tags;
  std::optional<std::vector<CapacityProviderStrategyItem>> capacity_provider_strategy;
  bool network_configuration_given = false;
  std::optional<AwsVpcConfiguration> awsvpc;
  std::optional<DeploymentSettingsInput> deployment_configuration;
  std::optional<Json> load_balancers, service_registries, placement_constraints, placement_strategy, service_connect;
  std::optional<long long> health_check_grace_period;
  std::optional<bool> enable_execute_command, enable_ecs_managed_tags;
  bool force_new_deployment = false;
  std::optional<std::string> availability_zone_rebalancing;
};
UpdateServiceInput update_service_input(const Json& request);

struct DeleteServiceInput {
  std::optional<std::string> cluster;
  std::string service;
  bool force = false;
};
DeleteServiceInput delete_service_input(const Json& request);

struct DescribeServicesInput {
  std::optional<std::string> cluster;
  std::vector<std::string> services;
  bool include_tags = false;
};
DescribeServicesInput describe_services_input(const Json& request);

struct ListServicesInput {
  std::optional<std::string> cluster, launch_type, scheduling_strategy, next_token;
  std::optional<long long> max_results;
};
ListServicesInput list_services_input(const Json& request);

struct ListServicesByNamespaceInput {
  std::string name_space;
  std::optional<std::string> next_token;
  std::optional<long long> max_results;
};
ListServicesByNamespaceInput list_services_by_namespace_input(const Json& request);

// The Service shape; `tags` null leaves the tags member out.
Json service_to_json(const EcsService& service, const std::vector<Tag>* tags);
Json network_configuration_to_json(const AwsVpcConfiguration& vpc);

}  // namespace ecslocal::api::ecs
