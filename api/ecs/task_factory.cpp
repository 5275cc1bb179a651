#include "api/ecs/task_factory.hpp"

#include "api/ecs/arn.hpp"
#include "api/ecs/task_endpoints.hpp"
#include "api/ecs/task_service.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr int kDefaultEphemeralGiB = 20;

std::string container_arn(const RequestContext& ctx, const std::string& cluster, const std::string& task_id,
                          const std::string& uuid) {
  return "arn:aws:ecs:" + ctx.region + ":" + ctx.account_id + ":container/" + cluster + "/" + task_id + "/" + uuid;
}

std::vector<Container> containers_of(EcsProvider& provider, const RequestContext& ctx, const Task& task,
                                     const TaskDefinition& td) {
  std::vector<Container> out;
  for (const auto& def : td.containers) {
    const ContainerOverride* o = task.overrides.find(def.name);
    Container c;
    c.name = def.name;
    c.arn = container_arn(ctx, task.cluster_name, task.id, provider.ids().uuid());
    c.image = def.image;
    c.essential = def.essential;
    c.has_health_check = def.health_check.has_value();
    c.cpu = o && o->cpu ? *o->cpu : def.cpu;
    c.memory = o && o->memory ? o->memory : def.memory;
    c.memory_reservation = o && o->memory_reservation ? o->memory_reservation : def.memory_reservation;
    out.push_back(std::move(c));
  }
  return out;
}

void apply_size(Task& task, const TaskDefinition& td, const RunTaskInput& in) {
  task.cpu = in.overrides.cpu ? in.overrides.cpu : td.cpu ? std::optional(std::to_string(*td.cpu)) : std::nullopt;
  task.memory = in.overrides.memory ? in.overrides.memory : td.memory ? std::optional(std::to_string(*td.memory)) : std::nullopt;
  task.ephemeral_storage_gib = in.overrides.ephemeral_storage_gib.value_or(td.ephemeral_storage_gib.value_or(kDefaultEphemeralGiB));
}

// The ENI as EC2 lists it while the task holds it.
}  // namespace

std::optional<NetworkAttachment> reserve_attachment(EcsProvider& provider, const RequestContext& ctx,
                                                    const AwsVpcConfiguration& vpc, int index, const std::string& owner) {
  vpc::VpcRegistry& networks = provider.networks();
  vpc::VpcState& state = networks.at(ctx.account_id, ctx.region);
  std::optional<vpc::AddressLease> lease;
  for (size_t i = 0; i < vpc.subnets.size() && !lease; ++i)
    lease = networks.allocate(state, vpc.subnets[(static_cast<size_t>(index) + i) % vpc.subnets.size()], owner);
  if (!lease) return std::nullopt;
  NetworkAttachment attachment;
  attachment.id = provider.ids().uuid();
  attachment.eni_id = "eni-" + provider.ids().hex(17);
  vpc::NetworkInterface eni;
  eni.id = attachment.eni_id;
  eni.owner = owner;
  eni.subnet_id = lease->subnet_id;
  eni.vpc_id = lease->vpc_id;
  eni.availability_zone = lease->availability_zone;
  eni.private_ipv4 = lease->ipv4;
  eni.private_dns_name = vpc::private_dns_name(ctx.region, lease->ipv4);
  eni.description = "arn:aws:ecs:" + ctx.region + ":" + ctx.account_id + ":attachment/" + attachment.id;
  eni.groups = vpc.security_groups;
  if (eni.groups.empty())  // as AWS: the VPC's default group
    if (const vpc::SecurityGroup* group = state.default_group(lease->vpc_id)) eni.groups.push_back(group->id);
  if (vpc.assign_public_ip == "ENABLED") eni.public_ipv4 = networks.public_ips().allocate(owner).value_or("");
  state.enis[eni.id] = std::move(eni);
  return attachment;
}

TaskFailure no_address_failure(const AwsVpcConfiguration& vpc) {
  std::string subnets;
  for (const auto& s : vpc.subnets) subnets += (subnets.empty() ? "" : ", ") + s;
  return TaskFailure{"", "RESOURCE:ENI", "No free IPv4 address in the subnets [" + subnets + "]."};
}

Task new_task(EcsProvider& provider, const RequestContext& ctx, const Cluster& cluster, const TaskDefinition& td,
              const RunTaskInput& in, const TaskPlacement& placement, const std::string& id,
              std::optional<NetworkAttachment> attachment) {
  Task task;
  task.id = id;
  task.arn = task_arn(ctx, cluster.name, task.id);
  task.account_id = ctx.account_id;
  task.region = ctx.region;
  task.cluster_name = cluster.name;
  task.cluster_arn = cluster.arn;
  task.task_definition_arn = td.arn;
  task.family = td.family;
  task.revision = td.revision;
  task.launch_type = placement.launch_type;
  task.capacity_provider_name = placement.capacity_provider;
  task.platform_version = placement.platform_version;
  task.platform_family = td.operating_system_family.rfind("WINDOWS", 0) == 0 ? "Windows" : "Linux";
  task.cpu_architecture = td.cpu_architecture == "ARM64" ? "arm64" : "x86_64";
  task.group = in.group.value_or("family:" + td.family);
  task.started_by = in.started_by.value_or("");
  task.service_name = in.service_name;
  task.reference_id = in.reference_id.value_or("");
  task.enable_execute_command = in.enable_execute_command;
  task.overrides = in.overrides;
  task.task_role_arn = in.overrides.task_role_arn && !in.overrides.task_role_arn->empty() ? *in.overrides.task_role_arn
                                                                                           : td.task_role_arn;
  task.endpoint_id = new_endpoint_id(provider.endpoint_route());
  if (!task.task_role_arn.empty()) task.credentials_id = new_credentials_id(provider.endpoint_route());
  apply_size(task, td, in);
  task.attachment = std::move(attachment);
  if (task.attachment)
    if (const vpc::NetworkInterface* eni = provider.networks().at(ctx.account_id, ctx.region).find_eni(task.attachment->eni_id))
      task.availability_zone = eni->availability_zone;
  task.containers = containers_of(provider, ctx, task, td);
  task.created_at = ctx.now;
  task.capacity_kind = CapacityKind::Fargate;
  return task;
}

CreatedTasks create_tasks(EcsProvider& provider, EcsState& state, const RequestContext& ctx, const Cluster& cluster,
                          const TaskDefinition& td, const RunTaskInput& in, const std::vector<TaskPlacement>& placements,
                          const std::vector<Tag>& tags) {
  CreatedTasks out;
  for (size_t i = 0; i < placements.size(); ++i) {
    const std::string id = provider.ids().hex(32);
    std::optional<NetworkAttachment> eni;
    if (in.awsvpc &&
        !(eni = reserve_attachment(provider, ctx, *in.awsvpc, static_cast<int>(i), task_arn(ctx, cluster.name, id)))) {
      out.failures.push_back(no_address_failure(*in.awsvpc));
      continue;
    }
    Task& task = state.tasks.add(new_task(provider, ctx, cluster, td, in, placements[i], id, std::move(eni)));
    if (!tags.empty()) state.tags.set(task.arn, tags);
    sync_cluster_usage(state, task);
    out.tasks.push_back(&task);
  }
  return out;
}

std::vector<Tag> run_task_tags(const EcsState& state, const RunTaskInput& in, const TaskDefinition& td, const Cluster& cluster) {
  std::vector<Tag> tags;
  if (in.propagate_tags == "TASK_DEFINITION") tags = state.tags.get(td.arn);
  tags = merge_tags(tags, in.tags);
  if (in.enable_ecs_managed_tags) tags.push_back({"aws:ecs:clusterName", cluster.name});
  return tags;
}

}  // namespace ecslocal::api::ecs
