#include "api/logs/provider.hpp"

#include <algorithm>
#include <chrono>

#include "api/logs/validation.hpp"

namespace ecslocal::api::logs {
namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LogsProvider::LogsProvider(std::function<std::int64_t()> now_ms)
    : now_ms_(now_ms ? std::move(now_ms) : std::function<std::int64_t()>(system_now_ms)) {
  register_group_operations(*this, table_);
  register_stream_operations(*this, table_);
  register_event_operations(*this, table_);
  register_filter_operations(*this, table_);
  register_tag_operations(*this, table_);
}

const protocol::ServiceModel& LogsProvider::model() const { return protocol::ServiceModel::get("logs"); }

bool LogsProvider::log_group_exists(const std::string& account_id, const std::string& region,
                                    const std::string& group) const {
  const LogsState* s = store_.find(account_id, region);
  return s && s->groups.count(group);
}

bool LogsProvider::create_log_group(const std::string& account_id, const std::string& region,
                                    const std::string& group) {
  if (!valid_log_group_name(group)) return false;
  LogsState& s = store_.at(account_id, region);
  if (s.groups.count(group)) return true;
  LogGroup g;
  g.name = group;
  g.creation_time = now_ms();
  s.groups.emplace(group, std::move(g));
  return true;
}

bool LogsProvider::ingest(const std::string& account_id, const std::string& region, const std::string& group,
                          const std::string& stream, std::vector<NewEvent> events) {
  LogsState& s = store_.at(account_id, region);
  LogGroup* g = s.find_group(group);
  if (!g || !valid_log_stream_name(stream)) return false;
  const std::int64_t now = now_ms();
  auto [it, created] = g->streams.try_emplace(stream);
  if (created) {
    it->second.name = stream;
    it->second.creation_time = now;
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const NewEvent& a, const NewEvent& b) { return a.timestamp < b.timestamp; });
  s.append(it->second, events, now);
  return true;
}

}  // namespace ecslocal::api::logs
