// FilterLogEvents: the events of a group's streams (all, named ones, or by prefix) in a time
// range that match a filter pattern, interleaved by timestamp (then stream name, then position).
// nextToken "ecsl-fle/<timestamp>/<position>/<stream>" is the last event returned: the next page
// starts after it, so events ingested meanwhile with a later key are not missed.
#include <algorithm>
#include <charconv>
#include <tuple>

#include "api/common/json_read.hpp"
#include "api/logs/filter_pattern.hpp"
#include "api/logs/mapping.hpp"
#include "api/logs/provider.hpp"
#include "api/logs/validation.hpp"

namespace ecslocal::api::logs {
namespace {

constexpr std::size_t kMaxPageBytes = 1048576;

struct Hit {
  std::int64_t timestamp;
  const std::string* stream;
  std::uint64_t position;
  const LogEvent* event;
  auto key() const { return std::tie(timestamp, *stream, position); }
};

struct Cursor {
  std::int64_t timestamp = 0;
  std::uint64_t position = 0;
  std::string stream;
};

std::optional<Cursor> parse_cursor(const std::optional<std::string>& token) {
  if (!token) return std::nullopt;
  const std::string prefix = "ecsl-fle/";
  Cursor c;
  const std::string& t = *token;
  auto bad = [&] { invalid_parameter("The specified nextToken is invalid."); };
  if (t.rfind(prefix, 0) != 0) bad();
  const char* p = t.data() + prefix.size();
  const char* end = t.data() + t.size();
  auto r1 = std::from_chars(p, end, c.timestamp);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '/') bad();
  auto r2 = std::from_chars(r1.ptr + 1, end, c.position);
  if (r2.ec != std::errc() || r2.ptr == end || *r2.ptr != '/') bad();
  c.stream.assign(r2.ptr + 1, end);
  return c;
}

std::vector<const LogStream*> searched_streams(const LogGroup& group, const Json& input) {
  auto names = json_read::optional_strings(input, "logStreamNames");
  auto prefix = json_read::optional_string(input, "logStreamNamePrefix");
  if (names && prefix) invalid_parameter("You cannot specify both LogStreamNames and LogStreamNamePrefix.");
  std::vector<const LogStream*> out;
  for (const auto& [name, stream] : group.streams) {
    if (names && std::find(names->begin(), names->end(), name) == names->end()) continue;
    if (prefix && name.rfind(*prefix, 0) != 0) continue;
    out.push_back(&stream);
  }
  return out;
}

std::vector<Hit> collect(const std::vector<const LogStream*>& streams, const Json& input, const FilterPattern& pattern) {
  const auto start = json_read::optional_long(input, "startTime");
  const auto end = json_read::optional_long(input, "endTime");
  std::vector<Hit> hits;
  for (const LogStream* s : streams) {
    auto it = s->events.begin();
    if (start)
      it = std::lower_bound(s->events.begin(), s->events.end(), *start,
                            [](const LogEvent& e, std::int64_t t) { return e.timestamp < t; });
    for (; it != s->events.end(); ++it) {
      if (end && it->timestamp > *end) break;
      if (!pattern.matches(it->message)) continue;
      hits.push_back({it->timestamp, &s->name, s->position(static_cast<std::size_t>(it - s->events.begin())), &*it});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.key() < b.key(); });
  return hits;
}

Json filter_log_events(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogGroup& group = existing_group(provider.state(ctx), requested_group_name(input));
  const FilterPattern pattern = FilterPattern::parse(json_read::string_or_empty(input, "filterPattern"));
  const auto cursor = parse_cursor(json_read::optional_string(input, "nextToken"));
  const auto streams = searched_streams(group, input);
  const std::vector<Hit> hits = collect(streams, input, pattern);
  auto it = hits.begin();
  if (cursor) {
    auto after = std::tie(cursor->timestamp, cursor->stream, cursor->position);
    it = std::upper_bound(hits.begin(), hits.end(), after, [](const auto& k, const Hit& h) { return k < h.key(); });
  }
  const std::size_t limit = static_cast<std::size_t>(json_read::optional_long(input, "limit").value_or(10000));
  Json events = Json::array();
  std::size_t bytes = 0;
  const Hit* last = nullptr;
  for (; it != hits.end() && events.size() < limit; ++it) {
    bytes += event_size(it->event->message);
    if (bytes > kMaxPageBytes && !events.empty()) break;
    events.push_back(filtered_event_json(*it->stream, *it->event));
    last = &*it;
  }
  Json searched = Json::array();
  for (const LogStream* s : streams) searched.push_back({{"logStreamName", s->name}, {"searchedCompletely", true}});
  Json out{{"events", std::move(events)}, {"searchedLogStreams", std::move(searched)}};
  if (it != hits.end() && last)
    out["nextToken"] = "ecsl-fle/" + std::to_string(last->timestamp) + "/" + std::to_string(last->position) + "/" +
                       *last->stream;
  return out;
}

}  // namespace

void register_filter_operations(LogsProvider& p, OperationTable& table) {
  bind_operation(table, "FilterLogEvents", p, filter_log_events);
}

}  // namespace ecslocal::api::logs
