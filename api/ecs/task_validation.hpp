#pragma once
// RunTask's rules, one function each, throwing the AwsError ECS answers (ClientException for the
// task definition, InvalidParameterException for parameters, PlatformUnknownException for an
// unknown platform version). Messages are ECS's where a real one is known.
#include <string>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_mapping.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::ecs {

struct EcsState;

constexpr int kMaxRunTaskCount = 10;
constexpr size_t kMaxStartedByLength = 128;
constexpr size_t kMaxStopReasonLength = 255;

// The definition RunTask names ("family" → latest ACTIVE revision, "family:rev", ARN). Unknown:
// ClientException "Unable to describe task definition."; INACTIVE: "TaskDefinition is inactive".
const TaskDefinition& resolve_definition_for_run(const EcsState& state, const std::string& reference);

// A Fargate platform version ("LATEST" when absent) as tasks report it ("1.4.0"); unknown:
// PlatformUnknownException.
std::string resolve_platform_version(const std::optional<std::string>& requested);

// How one task of a RunTask is placed: ecslocal runs Fargate only (no container instances).
struct TaskPlacement {
  std::string launch_type = "FARGATE";
  std::string capacity_provider;  // set when a capacity provider strategy chose it
  std::string platform_version;   // resolved ("LATEST" → "1.4.0")
};

// launchType xor capacityProviderStrategy (or the cluster's default strategy); EC2 / EXTERNAL, or
// neither with no default strategy (ECS then means EC2): "No Container Instances were found in your
// cluster."; the definition must be FARGATE-compatible; platform version known. One placement per
// task (a strategy spreads by base, then weight).
std::vector<TaskPlacement> place_tasks(const Cluster& cluster, const RunTaskInput& in, const TaskDefinition& td, int count);

// count 1–10.
int run_task_count(const RunTaskInput& in);

// networkConfiguration against the definition's network mode; ≤16 subnets, ≤5 security groups.
void validate_network_configuration(const RunTaskInput& in, const TaskDefinition& td);

// The awsvpc configuration against the account's VPC state in the region (RunTask and
// CreateService, after validate_network_configuration): every subnet and security group exists,
// the subnets share one VPC and the groups are in it (InvalidParameterException otherwise, with
// the EC2 error ECS quotes). No security group given: the VPC's default group is filled in.
void check_network_resources(const vpc::VpcState& networks, AwsVpcConfiguration& vpc);

// Overrides: ≤8192 characters, container names known and named, sizes sane; task cpu/memory
// normalised in place ("1 vCPU" → "1024") and checked against Fargate's sizes; ephemeral storage
// 21–200 GiB. Container overrides are then completed: one entry per container, definition order.
void validate_and_complete_overrides(RunTaskInput& in, const TaskDefinition& td);

// startedBy, group, referenceId, tags, propagateTags, placement, execute command.
void validate_run_task_options(const RunTaskInput& in, const TaskDefinition& td);

// StopTask's reason: at most 255 characters.
void validate_stop_reason(const std::string& reason);

}  // namespace ecslocal::api::ecs
