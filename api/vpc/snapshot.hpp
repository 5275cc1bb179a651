#pragma once
// Snapshots of the VPC state EC2 and ECS share (persistence): every account's VPCs, subnets,
// security groups with their rules, ENIs and tags, plus the address pools (in-use addresses and
// next-fit cursors), which are process-wide. See api/common/snapshot_json.hpp for the format.
#include <nlohmann/json.hpp>

#include "api/vpc/addressing.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::vpc {

using Json = nlohmann::json;

// One account's state in one region (its account_id and region included; not its pools).
Json snapshot_state(const VpcState& state);
// Replaces `state` by the snapshot's (the pools pointer stays); throws std::runtime_error and
// leaves `state` as it was when the snapshot cannot be read.
void restore_state(VpcState& state, const Json& snapshot);

// {"first", "last", "cursor", "in_use": [...]} with addresses as dotted text.
Json snapshot_pool(const AddressPool& pool);
AddressPool pool_from_snapshot(const Json& snapshot);  // throws std::runtime_error

// The whole registry: {"format": 1, "service": "vpc", "states": [...], "pools": {cidr: pool}}.
Json snapshot_vpc(const VpcRegistry& registry);
// Replaces every state and pool of `registry`, or throws std::runtime_error and changes nothing.
void restore_vpc(VpcRegistry& registry, const Json& snapshot);

}  // namespace ecslocal::api::vpc
