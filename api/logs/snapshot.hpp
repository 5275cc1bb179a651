#pragma once
// Snapshots of CloudWatch Logs (persistence): groups, streams and their events with ids and
// positions (dropped counts, so GetLogEvents tokens from before stay valid), upload counts
// (sequence tokens) and the next event id. The format is in api/common/snapshot_json.hpp; an
// event is the array [timestamp, ingestion_time, id, message] (compact: streams hold many).
#include <nlohmann/json.hpp>

#include "api/logs/model.hpp"

namespace ecslocal::api::logs {

using Json = nlohmann::json;

// {"format": 1, "service": "logs", "states": [{"account", "region", "state"}]}.
Json snapshot_logs(const LogsStore& store);
// Replaces every state, or throws std::runtime_error (what was wrong, where) and changes nothing.
void restore_logs(LogsStore& store, const Json& snapshot);

// One account in one region: {"groups": {name: group}, "next_event_id"}.
Json snapshot_state(const LogsState& state);
// Replaces `state` by the snapshot's; throws std::runtime_error and leaves `state` as it was.
void restore_state(LogsState& state, const Json& snapshot);

}  // namespace ecslocal::api::logs
