#pragma once
// Snapshots of IAM (persistence): per account every role (trust policy, inline and attached
// policies, tags, boundary) and customer managed policy, under the lower-cased name IAM keys
// them by. The format is in api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/iam/model.hpp"

namespace ecslocal::api::iam {

using Json = nlohmann::json;

// {"format": 1, "service": "iam", "states": [{"account", "region": "", "state"}]}.
Json snapshot_iam(const IamStore& store);
// Replaces every state, or throws std::runtime_error (what was wrong, where) and changes nothing.
void restore_iam(IamStore& store, const Json& snapshot);

// One account: {"roles": {lower-cased name: role}, "policies": {lower-cased name: policy}}.
Json snapshot_state(const IamState& state);
// Replaces `state` by the snapshot's; throws std::runtime_error and leaves `state` as it was.
void restore_state(IamState& state, const Json& snapshot);

}  // namespace ecslocal::api::iam
