#pragma once
// Snapshots of Cloud Map (persistence): namespaces, services with their instances, attributes and
// tags, the operation log. Format in api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/servicediscovery/model.hpp"

namespace ecslocal::api::servicediscovery {

// {"format": 1, "service": "servicediscovery", "states": [{"account", "region", "state": {...}}]}.
nlohmann::json snapshot_discovery(const DiscoveryStore& store);
// Replaces every state, or throws std::runtime_error and changes nothing.
void restore_discovery(DiscoveryStore& store, const nlohmann::json& snapshot);

}  // namespace ecslocal::api::servicediscovery
