#pragma once
// Snapshots of ELBv2 (persistence): load balancers, target groups with their targets and health,
// listeners, rules and tags. Timers and open sockets are not saved: the provider re-arms probes
// and drains and re-opens listeners after a restore. Format: api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/elbv2/model.hpp"

namespace ecslocal::api::elbv2 {

// {"format": 1, "service": "elbv2", "states": [{"account", "region", "state"}]}.
Json snapshot_elbv2(const ElbStore& store);
// Replaces every state of `store`, or throws std::runtime_error and changes nothing.
void restore_elbv2(ElbStore& store, const Json& snapshot);

}  // namespace ecslocal::api::elbv2
