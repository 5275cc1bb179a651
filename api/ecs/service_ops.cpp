// CreateService, UpdateService, DeleteService, DescribeServices, ListServices,
// ListServicesByNamespace, and the service resolver of the tag operations.
// Entity: service_model; rules: service_validation; scheduler: service_scheduler; wire form:
// service_mapping.
#include <set>

#include "api/ecs/errors.hpp"
#include "api/common/pagination.hpp"
#include "api/ecs/arn.hpp"
#include "api/ecs/provider.hpp"
#include "api/ecs/service_connect.hpp"
#include "api/ecs/service_mapping.hpp"
#include "api/ecs/service_scheduler.hpp"
#include "api/ecs/service_validation.hpp"
#include "api/ecs/task_validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr size_t kMaxDescribedServices = 10;
constexpr long long kDefaultListedServices = 10, kMaxListedServices = 100;

std::string service_name_of(const std::string& name_or_arn) {
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  return name_or_arn.substr(name_or_arn.rfind('/') + 1);
}

std::string service_linked_role(const RequestContext& ctx) {
  return "arn:aws:iam::" + ctx.account_id + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS";
}

EcsState& service_state(EcsProvider& provider, const RequestContext& ctx) {
  EcsState& state = provider.state(ctx);
  for (const auto& arn : state.services.prune(ctx.now, provider.task_retention())) state.tags.erase(arn);
  return state;
}

EcsService& require_service(EcsState& state, const Cluster& cluster, const std::string& name_or_arn) {
  EcsService* service = state.services.find(cluster.name, service_name_of(name_or_arn));
  if (!service) throw ServiceNotFoundException("Service not found.");
  return *service;
}

// ListServices and ListServicesByNamespace: one page of ARNs (10 by default, at most 100), in
// creation order.
Json service_arns_page(const std::vector<const EcsService*>& services, const std::optional<std::string>& next_token,
                       std::optional<long long> max_results) {
  std::vector<std::string> keys;
  for (const EcsService* s : services) keys.push_back(sequence_key(s->sequence));
  const Page page = paginate(keys, {next_token, max_results, kDefaultListedServices, kMaxListedServices,
                                    InvalidParameterException::kCode});
  Json arns = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) arns.push_back(services[i]->arn);
  Json out = {{"serviceArns", std::move(arns)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json service_response(const EcsState& state, const EcsService& service) {
  const auto& tags = state.tags.get(service.arn);
  return {{"service", service_to_json(service, tags.empty() ? nullptr : &tags)}};
}

DeploymentTemplate create_template(const CreateServiceInput& in, const TaskDefinition& td) {
  DeploymentTemplate spec;
  spec.task_definition_arn = td.arn;
  spec.launch_type = in.launch_type;
  if (in.capacity_provider_strategy) spec.capacity_provider_strategy = *in.capacity_provider_strategy;
  spec.platform_version = in.platform_version.value_or("LATEST");
  spec.awsvpc = in.awsvpc;
  spec.service_connect = in.service_connect;
  spec.load_balancers = in.load_balancers;
  return spec;
}

Json create_service(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  const CreateServiceInput in = create_service_input(input);
  Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  validate_service_name(in.service_name);
  if (const EcsService* existing = state.services.find(cluster.name, in.service_name); existing && existing->status != ServiceStatus::Inactive)
    throw InvalidParameterException("Creation of service was not idempotent.");
  validate_scheduling(in);
  const TaskDefinition& td = resolve_definition_for_run(state, *in.task_definition);
  DeploymentTemplate spec = create_template(in, td);
  if (!spec.launch_type && spec.capacity_provider_strategy.empty()) spec.capacity_provider_strategy = cluster.default_strategy;
  validate_template(cluster, spec, td, in.network_configuration_given);
  if (spec.awsvpc) check_network_resources(provider.networks().at(ctx.account_id, ctx.region), *spec.awsvpc);
  DeploymentSettings settings;
  if (in.deployment_configuration) settings = apply_deployment_settings(settings, *in.deployment_configuration);
  validate_deployment_settings(settings);
  validate_load_balancers(in.load_balancers, td);
  validate_target_groups(in.load_balancers, td, provider.target_groups(), ctx.account_id, ctx.region);
  validate_grace_period(in.health_check_grace_period, in.load_balancers);
  validate_role(in.role, td);
  validate_execute_command(in.enable_execute_command, td);
  validate_placement(in.placement_constraints, in.placement_strategy);
  validate_new_tags(in.tags);
  validate_service_registries(in.service_registries, td, provider.discovery(), ctx.account_id, ctx.region);
  resolve_service_connect(spec, cluster, td, provider.discovery(), state, service_arn(ctx, cluster.name, in.service_name),
                          ctx.account_id, ctx.region);

  EcsService s;
  s.name = in.service_name;
  s.arn = service_arn(ctx, cluster.name, s.name);
  s.account_id = ctx.account_id;
  s.region = ctx.region;
  s.cluster_name = cluster.name;
  s.cluster_arn = cluster.arn;
  s.desired_count = static_cast<int>(*in.desired_count);
  s.deployment_settings = settings;
  s.role_arn = in.role && !in.role->empty() ? *in.role : service_linked_role(ctx);
  s.created_by = "arn:aws:iam::" + ctx.account_id + ":root";
  s.created_at = ctx.now;
  s.load_balancers = in.load_balancers;
  s.service_registries = in.service_registries;
  s.placement_constraints = in.placement_constraints;
  s.placement_strategy = in.placement_strategy;
  if (in.health_check_grace_period) s.health_check_grace_period = static_cast<int>(*in.health_check_grace_period);
  else if (!in.load_balancers.empty()) s.health_check_grace_period = 0;
  s.enable_ecs_managed_tags = in.enable_ecs_managed_tags;
  s.propagate_tags = in.propagate_tags.value_or("NONE");
  s.enable_execute_command = in.enable_execute_command;
  // AWS (since 2025): ENABLED unless given, for every service it can rebalance, which every REPLICA
  // service ecslocal accepts is (DAEMON, which AWS would turn DISABLED, is refused above).
  s.availability_zone_rebalancing = in.availability_zone_rebalancing.value_or("ENABLED");
  EcsService& service = state.services.put(std::move(s));
  start_deployment(provider, service, std::move(spec), ctx.now);
  state.tags.erase(service.arn);  // an INACTIVE service of that name may have left its tags
  if (!in.tags.empty()) state.tags.set(service.arn, in.tags);
  cluster.usage.add_service(ServiceBucket::Active, service.capacity_kind, +1);
  Json response = service_response(state, service);
  reconcile_service(provider, state, service, ctx.now);
  return response;
}

// What an UpdateService changes in the template; true when that needs a new deployment.
bool apply_template_changes(const UpdateServiceInput& in, const EcsState& state, DeploymentTemplate& spec) {
  bool changed = false;
  if (in.task_definition) {
    const TaskDefinition& td = resolve_definition_for_run(state, *in.task_definition);
    changed = changed || td.arn != spec.task_definition_arn;
    spec.task_definition_arn = td.arn;
  }
  if (in.capacity_provider_strategy) {
    spec.capacity_provider_strategy = *in.capacity_provider_strategy;
    if (!spec.capacity_provider_strategy.empty()) spec.launch_type.reset();
    changed = true;
  }
  if (in.platform_version && *in.platform_version != spec.platform_version) {
    spec.platform_version = *in.platform_version;
    changed = true;
  }
  if (in.awsvpc) {
    const bool same = spec.awsvpc && spec.awsvpc->subnets == in.awsvpc->subnets &&
                      spec.awsvpc->security_groups == in.awsvpc->security_groups &&
                      spec.awsvpc->assign_public_ip == in.awsvpc->assign_public_ip;
    changed = changed || !same;
    spec.awsvpc = in.awsvpc;
  }
  if (in.service_connect && *in.service_connect != spec.service_connect) {
    spec.service_connect = *in.service_connect;
    changed = true;
  }
  return changed;
}

Json update_service(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  UpdateServiceInput in = update_service_input(input);
  Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  EcsService& service = require_service(state, cluster, in.service);
  if (!service.active()) throw ServiceNotActiveException("Service was not ACTIVE.");
  validate_desired_count(in.desired_count);
  DeploymentTemplate spec = service.spec;
  bool redeploy = apply_template_changes(in, state, spec);
  const TaskDefinition* td = state.task_definitions.resolve(spec.task_definition_arn);
  if (!td) throw ClientException("Unable to describe task definition.");
  validate_template(cluster, spec, *td, in.network_configuration_given || spec.awsvpc.has_value());
  if (in.awsvpc) check_network_resources(provider.networks().at(ctx.account_id, ctx.region), *spec.awsvpc);
  DeploymentSettings settings = service.deployment_settings;
  if (in.deployment_configuration) settings = apply_deployment_settings(settings, *in.deployment_configuration);
  validate_deployment_settings(settings);
  const Json load_balancers = in.load_balancers.value_or(service.load_balancers);
  validate_load_balancers(load_balancers, *td);
  validate_execute_command(in.enable_execute_command.value_or(service.enable_execute_command), *td);
  validate_target_groups(load_balancers, *td, provider.target_groups(), ctx.account_id, ctx.region);
  if (in.health_check_grace_period) validate_grace_period(in.health_check_grace_period, load_balancers);
  const Json constraints = in.placement_constraints.value_or(service.placement_constraints);
  const Json strategies = in.placement_strategy.value_or(service.placement_strategy);
  validate_placement(constraints, strategies);
  if (in.service_registries)
    validate_service_registries(*in.service_registries, *td, provider.discovery(), ctx.account_id, ctx.region);
  // Resolved again only when it or the task definition changed: an UpdateService of the desired
  // count neither needs the namespace nor remakes Cloud Map services.
  if (spec.service_connect != service.spec.service_connect || spec.task_definition_arn != service.spec.task_definition_arn)
    resolve_service_connect(spec, cluster, *td, provider.discovery(), state, service.arn, ctx.account_id, ctx.region);

  // Everything checked: apply.
  redeploy = redeploy || in.force_new_deployment || load_balancers != service.load_balancers ||
             (in.service_registries && *in.service_registries != service.service_registries);
  if (in.desired_count) service.desired_count = static_cast<int>(*in.desired_count);
  service.deployment_settings = settings;
  service.load_balancers = load_balancers;
  spec.load_balancers = load_balancers;
  if (in.service_registries) service.service_registries = *in.service_registries;
  service.placement_constraints = constraints;
  service.placement_strategy = strategies;
  if (in.health_check_grace_period) service.health_check_grace_period = static_cast<int>(*in.health_check_grace_period);
  if (in.enable_execute_command) service.enable_execute_command = *in.enable_execute_command;
  if (in.enable_ecs_managed_tags) service.enable_ecs_managed_tags = *in.enable_ecs_managed_tags;
  if (in.propagate_tags) service.propagate_tags = *in.propagate_tags;
  // Kept when not given; changing it starts no deployment.
  if (in.availability_zone_rebalancing) service.availability_zone_rebalancing = *in.availability_zone_rebalancing;
  if (redeploy) {
    start_deployment(provider, service, std::move(spec), ctx.now);
  } else if (Deployment* primary = service.primary()) {
    primary->desired_count = service.desired_count;
    primary->updated_at = ctx.now;
    if (in.desired_count) service.steady = service.steady && primary->running_count == service.desired_count;
  }
  Json response = service_response(state, service);
  reconcile_service(provider, state, service, ctx.now);
  return response;
}

Json delete_service(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  const DeleteServiceInput in = delete_service_input(input);
  Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  EcsService& service = require_service(state, cluster, in.service);
  if (service.status == ServiceStatus::Inactive) throw ServiceNotFoundException("Service not found.");
  if (service.status == ServiceStatus::Active) {
    if (service.desired_count > 0 && !in.force)
      throw InvalidParameterException("The service cannot be stopped while it is scaled above 0.");
    service.desired_count = 0;
    service.status = ServiceStatus::Draining;
    for (auto& d : service.deployments) d.desired_count = 0;
    cluster.usage.add_service(ServiceBucket::Active, service.capacity_kind, -1);
    cluster.usage.add_service(ServiceBucket::Draining, service.capacity_kind, +1);
  }
  Json response = service_response(state, service);
  reconcile_service(provider, state, service, ctx.now);
  return response;
}

Json describe_services(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  const DescribeServicesInput in = describe_services_input(input);
  const Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  if (in.services.empty()) throw InvalidParameterException("Services cannot be empty.");
  if (in.services.size() > kMaxDescribedServices) throw InvalidParameterException("At most 10 services can be described at once.");
  Json services = Json::array(), failures = Json::array();
  std::set<std::string> seen;
  for (const auto& item : in.services) {
    const std::string name = service_name_of(item);
    const EcsService* service = state.services.find(cluster.name, name);
    const std::string arn = service ? service->arn : service_arn(ctx, cluster.name, name);
    if (!seen.insert(arn).second) continue;
    if (service)
      services.push_back(service_to_json(*service, in.include_tags ? &state.tags.get(arn) : nullptr));
    else
      failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
  }
  return {{"services", services}, {"failures", failures}};
}

Json list_services(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  const ListServicesInput in = list_services_input(input);
  const Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  std::vector<const EcsService*> listed;
  for (const EcsService* s : std::as_const(state.services).all()) {
    if (s->cluster_name != cluster.name || !s->active()) continue;
    if (in.launch_type && s->spec.launch_type != in.launch_type) continue;
    if (in.scheduling_strategy && s->scheduling_strategy != *in.scheduling_strategy) continue;
    listed.push_back(s);
  }
  return service_arns_page(listed, in.next_token, in.max_results);
}

bool in_namespace(const Json& service_connect, const std::string& name_space) {
  if (!service_connect.is_object()) return false;
  const std::string given = service_connect.value("namespace", "");
  return !given.empty() && (given == name_space || service_name_of(given) == name_space ||
                            given == service_name_of(name_space));
}

Json list_services_by_namespace(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = service_state(provider, ctx);
  const ListServicesByNamespaceInput in = list_services_by_namespace_input(input);
  bool known = false;
  for (const Cluster* c : state.clusters.active())
    known = known || (c->service_connect_namespace && (*c->service_connect_namespace == in.name_space ||
                                                       service_name_of(in.name_space) == *c->service_connect_namespace));
  std::optional<DiscoveryNamespaceInfo> ns;
  if (ServiceDiscovery* discovery = provider.discovery()) ns = discovery->find_namespace(ctx.account_id, ctx.region, in.name_space);
  known = known || ns.has_value();
  std::vector<const EcsService*> listed;
  for (const EcsService* s : std::as_const(state.services).all()) {
    const bool resolved_here = ns && s->spec.service_connect_namespace == ns->arn;
    if (!resolved_here && !in_namespace(s->spec.service_connect, in.name_space)) continue;
    known = true;
    if (s->active()) listed.push_back(s);
  }
  if (!known) throw NamespaceNotFoundException("Namespace not found.");
  return service_arns_page(listed, in.next_token, in.max_results);
}

// Tags of a service: any status may be read; INACTIVE ones cannot be changed.
void resolve_service_for_tags(EcsState& state, const RequestContext&, const Arn& arn, TagAccess access) {
  const std::string resource = arn.resource;  // service/<cluster>/<name>
  const size_t first = resource.find('/'), last = resource.rfind('/');
  const std::string cluster = first == last ? kDefaultClusterName : resource.substr(first + 1, last - first - 1);
  const EcsService* service = state.services.find(cluster, resource.substr(last + 1));
  if (!service) throw InvalidParameterException("The specified service could not be found.");  // [emulator] wording
  if (access == TagAccess::Write && service->status == ServiceStatus::Inactive)
    throw InvalidParameterException("The specified service is inactive. Specify an active service and try again.");
}

}  // namespace

void register_service_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "CreateService", provider, create_service);
  bind_operation(table, "UpdateService", provider, update_service);
  bind_operation(table, "DeleteService", provider, delete_service);
  bind_operation(table, "DescribeServices", provider, describe_services);
  bind_operation(table, "ListServices", provider, list_services);
  bind_operation(table, "ListServicesByNamespace", provider, list_services_by_namespace);
  provider.register_tag_resolver("service", resolve_service_for_tags);
}

}  // namespace ecslocal::api::ecs
