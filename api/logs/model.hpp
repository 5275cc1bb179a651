#pragma once
// CloudWatch Logs state of one account in one region: log groups, their streams and events.
// Owned by the state strand: no locks. Times are epoch milliseconds, as on the Logs wire.
//
// Memory bound: a stream keeps at most kMaxEventsPerStream events; past that the oldest are
// dropped (positions in GetLogEvents tokens stay valid: they count dropped events too).
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api::logs {

inline constexpr std::size_t kMaxEventsPerStream = 100000;

struct LogEvent {
  std::int64_t timestamp = 0;
  std::int64_t ingestion_time = 0;
  std::string message;
  std::uint64_t id = 0;  // unique in the account and region: FilterLogEvents' eventId
};

struct LogStream {
  std::string name;
  std::int64_t creation_time = 0;
  std::deque<LogEvent> events;  // by timestamp (stable: equal timestamps keep arrival order)
  std::uint64_t dropped = 0;    // events dropped from the front by the cap
  std::optional<std::int64_t> first_event, last_event, last_ingestion;
  std::int64_t stored_bytes = 0;
  std::uint64_t uploads = 0;  // PutLogEvents calls: the sequence token

  // Absolute position of events[i] (what GetLogEvents tokens count).
  std::uint64_t position(std::size_t i) const { return dropped + i; }
  std::uint64_t end_position() const { return dropped + events.size(); }
  std::string sequence_token() const;
};

struct LogGroup {
  std::string name;
  std::int64_t creation_time = 0;
  std::optional<int> retention_days;
  std::string kms_key_id;
  std::map<std::string, std::string> tags;
  std::map<std::string, LogStream> streams;  // by name
  std::int64_t stored_bytes() const;
};

struct NewEvent {
  std::int64_t timestamp = 0;
  std::string message;
};

struct LogsState {
  std::map<std::string, LogGroup> groups;  // by name
  std::uint64_t next_event_id = 1;

  LogGroup* find_group(const std::string& name);
  // Inserts events in timestamp order, drops the oldest past the cap, updates the stream's
  // first/last times and sizes.
  void append(LogStream& stream, const std::vector<NewEvent>& events, std::int64_t now_ms);
};

class LogsStore {
 public:
  LogsState& at(const std::string& account_id, const std::string& region) { return states_[{account_id, region}]; }
  const LogsState* find(const std::string& account_id, const std::string& region) const {
    auto it = states_.find({account_id, region});
    return it == states_.end() ? nullptr : &it->second;
  }
  void clear() { states_.clear(); }
  // As AccountRegionStore: f(account_id, region, state) in (account, region) order; put() stores a
  // restored state as it is (snapshots, api/logs/snapshot.hpp).
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, state] : states_) f(key.first, key.second, state);
  }
  LogsState& put(const std::string& account_id, const std::string& region, LogsState state) {
    return states_.insert_or_assign({account_id, region}, std::move(state)).first->second;
  }

 private:
  std::map<std::pair<std::string, std::string>, LogsState> states_;
};

// An event's size as CloudWatch Logs counts it for batch limits: message bytes + 26.
inline std::size_t event_size(const std::string& message) { return message.size() + 26; }

}  // namespace ecslocal::api::logs
