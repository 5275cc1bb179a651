#pragma once
// The snapshot serializers (api/ecs/snapshot*.cpp only) of types several ECS entities share.
// Internal linkage, found by ADL: see api/common/snapshot_json.hpp.
#include "api/common/snapshot_json.hpp"
#include "api/ecs/cluster_model.hpp"
#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_mapping.hpp"

namespace ecslocal::api::ecs {

ECSLOCAL_SNAPSHOT_ENUM(CapacityKind, {{CapacityKind::Ec2, "EC2"}, {CapacityKind::Fargate, "FARGATE"}})
ECSLOCAL_SNAPSHOT_ENUM(TaskBucket, {{TaskBucket::Pending, "PENDING"}, {TaskBucket::Running, "RUNNING"}})

ECSLOCAL_SNAPSHOT_FIELDS(CapacityProviderStrategyItem, capacity_provider, weight, base)
ECSLOCAL_SNAPSHOT_FIELDS(EnvironmentVariable, name, value)
ECSLOCAL_SNAPSHOT_FIELDS(AwsVpcConfiguration, subnets, security_groups, assign_public_ip)

}  // namespace ecslocal::api::ecs
