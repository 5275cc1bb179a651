#include "api/ecs/errors.hpp"
#include "api/ecs/task_validation.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/ecs/state.hpp"
#include "api/ecs/task_definition_validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr size_t kMaxSubnets = 16;
constexpr size_t kMaxSecurityGroups = 5;
constexpr size_t kMaxOverridesLength = 8192;
constexpr size_t kMaxGroupLength = 255;
constexpr size_t kMaxReferenceIdLength = 1024;
constexpr int kMinEphemeralGiB = 21, kMaxEphemeralGiB = 200;
constexpr int kMinContainerMemory = 6;
const char* const kFargatePlatformVersions[] = {"LATEST", "1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"};
constexpr const char* kLatestPlatformVersion = "1.4.0";

[[noreturn]] void invalid(const std::string& message) { throw InvalidParameterException(message); }

bool is_fargate_provider(const std::string& name) { return name == "FARGATE" || name == "FARGATE_SPOT"; }

void validate_strategy(const Cluster& cluster, const std::vector<CapacityProviderStrategyItem>& strategy) {
  if (strategy.size() > 6) invalid("A capacity provider strategy can contain at most 6 capacity providers.");
  std::set<std::string> seen;
  bool any_weight = false;
  for (const auto& item : strategy) {
    const auto& providers = cluster.capacity_providers;
    if (!is_fargate_provider(item.capacity_provider) ||
        std::find(providers.begin(), providers.end(), item.capacity_provider) == providers.end())
      invalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with "
              "the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and "
              "try again.");
    if (!seen.insert(item.capacity_provider).second)
      invalid("The capacity provider '" + item.capacity_provider + "' appears more than once in the capacity provider strategy.");
    any_weight = any_weight || item.weight > 0;
  }
  if (!any_weight) invalid("The capacity provider strategy must contain at least one capacity provider with a weight greater than 0.");
}

// Base first, then the provider furthest below its share of the weights.
std::vector<std::string> spread(const std::vector<CapacityProviderStrategyItem>& strategy, int count) {
  std::vector<int> placed(strategy.size(), 0), weighted(strategy.size(), 0);
  std::vector<std::string> out;
  for (int n = 0; n < count; ++n) {
    size_t pick = strategy.size();
    for (size_t i = 0; i < strategy.size() && pick == strategy.size(); ++i)
      if (placed[i] < strategy[i].base) pick = i;
    if (pick == strategy.size()) {
      for (size_t i = 0; i < strategy.size(); ++i) {
        if (strategy[i].weight <= 0) continue;
        if (pick == strategy.size() ||
            static_cast<long long>(weighted[i] + 1) * strategy[pick].weight < static_cast<long long>(weighted[pick] + 1) * strategy[i].weight)
          pick = i;
      }
      ++weighted[pick];
    }
    ++placed[pick];
    out.push_back(strategy[pick].capacity_provider);
  }
  return out;
}

int parse_size(const std::string& text) {
  try {
    return std::stoi(text);
  } catch (...) {
    return 0;
  }
}

void validate_container_override(const ContainerOverride& o, const ContainerDefinition& def) {
  if (o.cpu && *o.cpu < 0) invalid("The 'cpu' override of container '" + o.name + "' must be 0 or more.");
  if (o.memory && *o.memory < kMinContainerMemory)
    invalid("Invalid 'memory' override for container '" + o.name + "'. The minimum is 6 MiB.");
  if (o.memory_reservation && *o.memory_reservation < kMinContainerMemory)
    invalid("Invalid 'memoryReservation' override for container '" + o.name + "'. The minimum is 6 MiB.");
  const auto memory = o.memory ? o.memory : def.memory;
  const auto reservation = o.memory_reservation ? o.memory_reservation : def.memory_reservation;
  if (memory && reservation && *memory < *reservation)
    invalid("Invalid memory overrides for container '" + o.name +
            "'. 'memory' must be greater than or equal to 'memoryReservation'.");
}

void validate_task_size_overrides(RunTaskInput& in, const TaskDefinition& td) {
  auto& ov = in.overrides;
  if (ov.cpu) ov.cpu = normalize_task_cpu(*ov.cpu);
  if (ov.memory) ov.memory = normalize_task_memory(*ov.memory);
  const int cpu = ov.cpu ? parse_size(*ov.cpu) : td.cpu.value_or(0);
  const int memory = ov.memory ? parse_size(*ov.memory) : td.memory.value_or(0);
  if ((ov.cpu || ov.memory) && !fargate_size_supported(cpu, memory))
    throw ClientException("No Fargate configuration exists for given values: " + std::to_string(cpu) + " CPU, " +
                                          std::to_string(memory) + " memory. See the Amazon ECS documentation for the valid values.");
  if (ov.ephemeral_storage_gib && (*ov.ephemeral_storage_gib < kMinEphemeralGiB || *ov.ephemeral_storage_gib > kMaxEphemeralGiB))
    invalid("The ephemeral storage size must be between 21 and 200 GiB.");
}

bool started_by_char(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '/';
}

}  // namespace

std::string resolve_platform_version(const std::optional<std::string>& requested) {
  const std::string version = requested.value_or("LATEST");
  if (std::find(std::begin(kFargatePlatformVersions), std::end(kFargatePlatformVersions), version) ==
      std::end(kFargatePlatformVersions))
    throw PlatformUnknownException("The specified platform version does not exist.");
  return version == "LATEST" ? kLatestPlatformVersion : version;
}

const TaskDefinition& resolve_definition_for_run(const EcsState& state, const std::string& reference) {
  const TaskDefinition* td = state.task_definitions.resolve(reference);
  if (!td) throw ClientException("Unable to describe task definition.");
  if (!td->active()) throw ClientException("TaskDefinition is inactive");
  return *td;
}

int run_task_count(const RunTaskInput& in) {
  const long long count = in.count.value_or(1);
  if (count < 1 || count > kMaxRunTaskCount) invalid("count must be between 1 and 10.");
  return static_cast<int>(count);
}

std::vector<TaskPlacement> place_tasks(const Cluster& cluster, const RunTaskInput& in, const TaskDefinition& td, int count) {
  if (in.launch_type && in.capacity_provider_strategy && !in.capacity_provider_strategy->empty())
    invalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  std::vector<CapacityProviderStrategyItem> strategy;
  if (!in.launch_type) strategy = in.capacity_provider_strategy.value_or(std::vector<CapacityProviderStrategyItem>{});
  if (!in.launch_type && strategy.empty()) strategy = cluster.default_strategy;
  if (in.launch_type ? *in.launch_type != "FARGATE" : strategy.empty())
    invalid("No Container Instances were found in your cluster.");
  if (!strategy.empty()) validate_strategy(cluster, strategy);
  if (std::find(td.compatibilities.begin(), td.compatibilities.end(), "FARGATE") == td.compatibilities.end())
    invalid("Task definition does not support launch_type FARGATE.");
  const std::string platform_version = resolve_platform_version(in.platform_version);
  std::vector<TaskPlacement> out;
  if (strategy.empty()) return std::vector<TaskPlacement>(count, TaskPlacement{"FARGATE", "", platform_version});
  for (const auto& provider : spread(strategy, count)) out.push_back({"FARGATE", provider, platform_version});
  return out;
}

void validate_network_configuration(const RunTaskInput& in, const TaskDefinition& td) {
  if (td.network_mode != "awsvpc") {
    if (in.network_configuration_given)
      invalid("Network Configuration is not valid for the given networkMode of this task definition.");
    return;
  }
  if (!in.awsvpc) invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const AwsVpcConfiguration& vpc = *in.awsvpc;
  if (vpc.subnets.empty()) invalid("subnets can not be empty.");
  if (vpc.subnets.size() > kMaxSubnets) invalid("subnets can have at most 16 items.");
  if (vpc.security_groups.size() > kMaxSecurityGroups) invalid("securityGroups can have at most 5 items.");
  for (const auto& subnet : vpc.subnets)
    if (subnet.rfind("subnet-", 0) != 0 || subnet.size() == 7)
      invalid("Error retrieving subnet information for [" + subnet + "]: The subnet ID '" + subnet + "' is malformed");
  for (const auto& group : vpc.security_groups)
    if (group.rfind("sg-", 0) != 0 || group.size() == 3)
      invalid("Error retrieving security group information for [" + group + "]: The security group ID '" + group +
              "' is malformed");
}

void check_network_resources(const vpc::VpcState& networks, AwsVpcConfiguration& vpc) {
  std::string vpc_id;
  for (const auto& id : vpc.subnets) {
    const vpc::Subnet* subnet = networks.find_subnet(id);
    // The wording ECS quotes from EC2 (seen in CreateService failures).
    if (!subnet)
      invalid("Error retrieving subnet information for [" + id + "]: The subnet ID '" + id +
              "' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
    // Unconfirmed wording (no real reply found); ECS's style.
    if (!vpc_id.empty() && subnet->vpc_id != vpc_id) invalid("The subnets provided must all belong to the same VPC.");
    vpc_id = subnet->vpc_id;
  }
  for (const auto& id : vpc.security_groups) {
    const vpc::SecurityGroup* group = networks.find_group(id);
    // Unconfirmed wording: modelled on the subnet message and EC2's InvalidGroup.NotFound text.
    if (!group)
      invalid("Error retrieving security group information for [" + id + "]: The security group '" + id +
              "' does not exist (ErrorCode: InvalidGroup.NotFound)");
    if (group->vpc_id != vpc_id)
      invalid("Security group " + id + " does not appear to belong to the same VPC as the input subnets.");
  }
  if (vpc.security_groups.empty() && !vpc_id.empty())
    if (const vpc::SecurityGroup* group = networks.default_group(vpc_id)) vpc.security_groups.push_back(group->id);
}

void validate_and_complete_overrides(RunTaskInput& in, const TaskDefinition& td) {
  if (in.overrides_length > kMaxOverridesLength) invalid("Container Overrides length must be at most 8192");
  if (in.container_override_without_name) invalid("Override for container named null is not a container in the TaskDefinition.");
  std::set<std::string> seen;
  for (const auto& o : in.overrides.containers) {
    const ContainerDefinition* def = td.find_container(o.name);
    if (!def) invalid("Override for container named " + o.name + " is not a container in the TaskDefinition.");
    if (!seen.insert(o.name).second) invalid("Container overrides can name container " + o.name + " only once.");
    validate_container_override(o, *def);
  }
  validate_task_size_overrides(in, td);
  std::vector<ContainerOverride> complete;
  for (const auto& c : td.containers) {
    const ContainerOverride* given = in.overrides.find(c.name);
    ContainerOverride entry;
    entry.name = c.name;
    complete.push_back(given ? *given : entry);
  }
  in.overrides.containers = std::move(complete);
}

void validate_run_task_options(const RunTaskInput& in, const TaskDefinition& td) {
  if (in.started_by && (in.started_by->size() > kMaxStartedByLength ||
                        !std::all_of(in.started_by->begin(), in.started_by->end(), started_by_char)))
    invalid("startedBy can have up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/) "
            "and underscores (_).");
  if (in.group && (in.group->empty() || in.group->size() > kMaxGroupLength)) invalid("group must have 1 to 255 characters.");
  if (in.reference_id && in.reference_id->size() > kMaxReferenceIdLength)
    invalid("referenceId can have at most 1024 characters.");
  validate_new_tags(in.tags);
  if (in.propagate_tags == "SERVICE") invalid("The 'SERVICE' option for propagateTags can only be used with services.");
  if (in.placement_constraints > 0) invalid("Task placement constraints are not supported for tasks on Fargate.");
  if (in.placement_strategies > 0) invalid("Task placement strategies are not supported for tasks on Fargate.");
  const bool has_role = !td.task_role_arn.empty() || (in.overrides.task_role_arn && !in.overrides.task_role_arn->empty());
  if (in.enable_execute_command && !has_role)
    invalid("enableExecuteCommand requires a task role: set taskRoleArn in the task definition or in the overrides.");
}

void validate_stop_reason(const std::string& reason) {
  if (reason.size() > kMaxStopReasonLength) invalid("reason can have at most 255 characters.");
}

}  // namespace ecslocal::api::ecs
