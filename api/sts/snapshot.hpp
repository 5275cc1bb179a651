#pragma once
// Snapshots of STS (persistence): the temporary credentials AssumeRole issued, by access key id
// (process-wide, not per account). The format is in api/common/snapshot_json.hpp.
#include <nlohmann/json.hpp>

#include "api/sts/sessions.hpp"

namespace ecslocal::api::sts {

using Json = nlohmann::json;

// {"format": 1, "service": "sts", "sessions": {access key id: session}}.
Json snapshot_sts(const SessionRegistry& sessions);
// Replaces every session, or throws std::runtime_error and changes nothing.
void restore_sts(SessionRegistry& sessions, const Json& snapshot);

Json snapshot_session(const Session& session);
Session restore_session(const Json& snapshot);

}  // namespace ecslocal::api::sts
