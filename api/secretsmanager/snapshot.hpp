#pragma once
// Snapshots of Secrets Manager (persistence): secrets with every version, stage, tag, access and
// deletion time. Format in api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/secretsmanager/model.hpp"

namespace ecslocal::api::secretsmanager {

nlohmann::json snapshot_secrets(const SecretsStore& store);
// Replaces every state, or throws std::runtime_error and changes nothing.
void restore_secrets(SecretsStore& store, const nlohmann::json& snapshot);

}  // namespace ecslocal::api::secretsmanager
