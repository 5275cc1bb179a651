#pragma once
// Snapshots of Parameter Store (persistence): every parameter with all its versions, labels and
// tags. Format in api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/ssm/model.hpp"

namespace ecslocal::api::ssm {

// {"format": 1, "service": "ssm", "states": [{"account", "region", "state": {"parameters": ...}}]}.
nlohmann::json snapshot_ssm(const SsmStore& store);
// Replaces every state, or throws std::runtime_error and changes nothing.
void restore_ssm(SsmStore& store, const nlohmann::json& snapshot);

}  // namespace ecslocal::api::ssm
