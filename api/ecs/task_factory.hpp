#pragma once
// Making the tasks of a RunTask once its input passed validation: the ENI (addresses reserved in
// the default VPC), the Task as ECS reports it in PROVISIONING, and its tags.
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/provider.hpp"
#include "api/ecs/task_mapping.hpp"
#include "api/ecs/task_validation.hpp"

namespace ecslocal::api::ecs {

// An ENI in PRECREATED with a private address from one of `vpc.subnets` (task number `index`
// starts its search at subnet index % n, spreading tasks over the subnets) and, with
// assignPublicIp ENABLED, a loopback address of its own. No security groups: the VPC's default
// group. The ENI is stored in the shared VPC state (EC2 DescribeNetworkInterfaces lists it) until
// the task stops; `owner` (the task's ARN) holds it and its addresses. nullopt when no subnet has a
// free address (subnets are checked beforehand by check_network_resources).
std::optional<NetworkAttachment> reserve_attachment(EcsProvider& provider, const RequestContext& ctx,
                                                    const AwsVpcConfiguration& vpc, int index, const std::string& owner);

// The RunTask failure for a task that found no address.
TaskFailure no_address_failure(const AwsVpcConfiguration& vpc);

// A task `id` in PROVISIONING (version 1, desired RUNNING), containers PENDING, not yet stored.
Task new_task(EcsProvider& provider, const RequestContext& ctx, const Cluster& cluster, const TaskDefinition& definition,
              const RunTaskInput& input, const TaskPlacement& placement, const std::string& id,
              std::optional<NetworkAttachment> attachment);

// Creates and stores the tasks of `placements` (one each; an ENI reserved per awsvpc task, a
// task without a free address becomes a failure), tagged with `tags` and counted in the cluster.
// Nothing is launched yet.
struct CreatedTasks {
  std::vector<Task*> tasks;
  std::vector<TaskFailure> failures;
};
CreatedTasks create_tasks(EcsProvider& provider, EcsState& state, const RequestContext& ctx, const Cluster& cluster,
                          const TaskDefinition& definition, const RunTaskInput& input,
                          const std::vector<TaskPlacement>& placements, const std::vector<Tag>& tags);

// The request's tags, after the definition's when propagateTags is TASK_DEFINITION, plus the
// ECS-managed aws:ecs:clusterName tag when enableECSManagedTags is set.
std::vector<Tag> run_task_tags(const EcsState& state, const RunTaskInput& input, const TaskDefinition& definition,
                               const Cluster& cluster);

}  // namespace ecslocal::api::ecs
