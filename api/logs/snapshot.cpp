#include "api/logs/snapshot.hpp"

#include <stdexcept>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::logs {
namespace snap = ecslocal::api::snapshot;

[[maybe_unused]] static void to_json(Json& j, const LogEvent& e) {
  j = Json::array({e.timestamp, e.ingestion_time, e.id, e.message});
}
[[maybe_unused]] static void from_json(const Json& j, LogEvent& e) {
  if (!j.is_array() || j.size() != 4)
    throw std::runtime_error("a log event must be [timestamp, ingestion_time, id, message]");
  e.timestamp = j[0].get<std::int64_t>();
  e.ingestion_time = j[1].get<std::int64_t>();
  e.id = j[2].get<std::uint64_t>();
  e.message = j[3].get<std::string>();
}

ECSLOCAL_SNAPSHOT_FIELDS(LogStream, name, creation_time, events, dropped, first_event, last_event, last_ingestion,
                         stored_bytes, uploads)
ECSLOCAL_SNAPSHOT_FIELDS(LogGroup, name, creation_time, retention_days, kms_key_id, tags, streams)

namespace {

// Events in timestamp order with ids below the next one; map keys are the names inside.
void check(const LogsState& state) {
  for (const auto& [group_name, group] : state.groups) {
    if (group.name != group_name)
      throw std::runtime_error("the log group stored as " + group_name + " is named " + group.name);
    for (const auto& [stream_name, stream] : group.streams) {
      const std::string where = "log stream " + group_name + "/" + stream_name;
      if (stream.name != stream_name) throw std::runtime_error("the " + where + " is named " + stream.name);
      for (size_t i = 0; i < stream.events.size(); ++i) {
        if (stream.events[i].id >= state.next_event_id)
          throw std::runtime_error("an event of the " + where + " has an id past next_event_id");
        if (i > 0 && stream.events[i].timestamp < stream.events[i - 1].timestamp)
          throw std::runtime_error("the events of the " + where + " are not in timestamp order");
      }
    }
  }
}

}  // namespace

Json snapshot_state(const LogsState& state) {
  return Json{{"groups", state.groups}, {"next_event_id", state.next_event_id}};
}

void restore_state(LogsState& state, const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("a Logs state must be an object");
  LogsState fresh;
  auto groups = snapshot.find("groups");
  if (groups != snapshot.end()) groups->get_to(fresh.groups);
  fresh.next_event_id = snapshot.value("next_event_id", std::uint64_t{1});
  check(fresh);
  state = std::move(fresh);
}

Json snapshot_logs(const LogsStore& store) {
  return snap::document(
      "logs", Json{{"states", snap::states_to_json(store, [](const LogsState& s) { return snapshot_state(s); })}});
}

void restore_logs(LogsStore& store, const Json& snapshot) {
  snap::check_document("logs", snapshot);
  auto states = snap::states_from_json<LogsState>("logs", snap::array_member(snapshot, "states"),
                                                  [](LogsState& s, const Json& j) { restore_state(s, j); });
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::logs
