#include "api/logs/provider.hpp"

#include <algorithm>
#include <chrono>

#include "api/logs/mapping.hpp"
#include "api/logs/snapshot.hpp"
#include "api/logs/validation.hpp"
#include <stdexcept>

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

void LogsProvider::provide(Ports& ports) { ports.provide<LogGroupDirectory>(this); }

Json LogsProvider::snapshot() const { return snapshot_logs(store_); }
void LogsProvider::restore(const Json& snapshot) { restore_logs(store_, snapshot); }

// Groups with their streams (no events: those are read with GetLogEvents).
Json LogsProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const LogsState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    RequestContext ctx;
    ctx.account_id = account;
    ctx.region = region;
    Json groups = Json::array();
    for (const auto& [name, group] : state.groups) {
      Json g = log_group_json(ctx, group);
      g["logStreams"] = Json::array();
      for (const auto& [stream_name, stream] : group.streams) g["logStreams"].push_back(log_stream_json(ctx, group, stream));
      groups.push_back(std::move(g));
    }
    out.push_back({{"account", account}, {"region", region}, {"logGroups", std::move(groups)}});
  });
  return out;
}

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
