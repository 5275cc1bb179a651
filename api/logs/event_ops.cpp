// PutLogEvents and GetLogEvents.
//
// GetLogEvents tokens are "f/<position>" and "b/<position>": positions count a stream's events
// since its creation (dropped ones included). f/p reads the events at p and after, b/p the ones
// before p. At the end of a stream, reading forward returns no event and the same token: that is
// how clients know they reached the end.
#include <algorithm>
#include <charconv>

#include "api/common/json_read.hpp"
#include "api/logs/mapping.hpp"
#include "api/logs/provider.hpp"
#include "api/logs/validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::logs {
namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::size_t kMaxBatchBytes = 1048576;

std::vector<NewEvent> events_from(const Json& input) {
  std::vector<NewEvent> out;
  for (const auto& e : json_read::items(input, "logEvents"))
    out.push_back({json_read::optional_long(e, "timestamp").value_or(0), json_read::string_or_empty(e, "message")});
  return out;
}

void check_batch(const std::vector<NewEvent>& events) {
  if (events.empty()) invalid_parameter("logEvents must hold at least one event.");
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    bytes += event_size(events[i].message);
    if (i > 0 && events[i].timestamp < events[i - 1].timestamp)
      invalid_parameter("Log events in a single PutLogEvents request must be in chronological order.");
  }
  if (bytes > kMaxBatchBytes)
    invalid_parameter("Upload too large: " + std::to_string(bytes) + " bytes exceeds limit of 1048576");
  if (!events.empty() && events.back().timestamp - events.front().timestamp > kDayMs)
    invalid_parameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
}

Json put_log_events(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogsState& state = provider.state(ctx);
  LogGroup& group = existing_group(state, json_read::string_or_empty(input, "logGroupName"));
  LogStream& stream = existing_stream(group, json_read::string_or_empty(input, "logStreamName"));
  std::vector<NewEvent> events = events_from(input);
  check_batch(events);
  const std::int64_t now = provider.now_ms();
  auto count_before = [&](std::int64_t cutoff) {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const NewEvent& e) { return e.timestamp < cutoff; }));
  };
  const std::size_t too_old_end = count_before(now - 14 * kDayMs);
  const std::size_t expired_end = group.retention_days ? count_before(now - *group.retention_days * kDayMs) : 0;
  const std::size_t too_new_start = count_before(now + 2 * kHourMs + 1);
  const std::size_t first = std::max(too_old_end, expired_end);
  const std::size_t last = std::max(first, too_new_start);
  state.append(stream, std::vector<NewEvent>(events.begin() + first, events.begin() + last), now);
  ++stream.uploads;
  Json out{{"nextSequenceToken", stream.sequence_token()}};
  Json rejected = Json::object();
  if (too_new_start < events.size()) rejected["tooNewLogEventStartIndex"] = too_new_start;
  if (too_old_end > 0) rejected["tooOldLogEventEndIndex"] = too_old_end;
  if (expired_end > 0) rejected["expiredLogEventEndIndex"] = expired_end;
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  return out;
}

struct Token {
  bool forward = true;
  std::uint64_t position = 0;
};

Token parse_token(const std::string& text) {
  Token t;
  const bool ok_prefix = text.size() > 2 && (text[0] == 'f' || text[0] == 'b') && text[1] == '/';
  const char* end = text.data() + text.size();
  if (!ok_prefix || std::from_chars(text.data() + 2, end, t.position).ptr != end)
    invalid_parameter("The specified nextToken is invalid.");
  t.forward = text[0] == 'f';
  return t;
}

// The events GetLogEvents answers: positions [first, last) of the stream.
struct Window {
  std::uint64_t first = 0, last = 0;
};

Window select_events(const LogStream& s, const Token& from, std::optional<std::int64_t> start,
                     std::optional<std::int64_t> end, std::size_t limit) {
  auto in_range = [&](const LogEvent& e) { return (!start || e.timestamp >= *start) && (!end || e.timestamp < *end); };
  const std::uint64_t origin = std::clamp(from.position, s.dropped, s.end_position());
  std::size_t count = 0, bytes = 0;
  Window w{origin, origin};
  if (from.forward) {
    for (std::uint64_t p = origin; p < s.end_position(); ++p) {
      const LogEvent& e = s.events[p - s.dropped];
      if (!in_range(e)) continue;
      if (count == limit || bytes + event_size(e.message) > kMaxBatchBytes) break;
      if (count++ == 0) w.first = p;
      bytes += event_size(e.message);
      w.last = p + 1;
    }
  } else {
    for (std::uint64_t p = origin; p > s.dropped; --p) {
      const LogEvent& e = s.events[p - 1 - s.dropped];
      if (!in_range(e)) continue;
      if (count == limit || bytes + event_size(e.message) > kMaxBatchBytes) break;
      if (count++ == 0) w.last = p;
      bytes += event_size(e.message);
      w.first = p - 1;
    }
  }
  return w;
}

Json get_log_events(LogsProvider& provider, const RequestContext& ctx, Json& input) {
  LogGroup& group = existing_group(provider.state(ctx), requested_group_name(input));
  const LogStream& stream = existing_stream(group, json_read::string_or_empty(input, "logStreamName"));
  Token from;
  if (auto token = json_read::optional_string(input, "nextToken")) {
    from = parse_token(*token);
  } else if (json_read::flag(input, "startFromHead")) {
    from = Token{true, stream.dropped};
  } else {
    from = Token{false, stream.end_position()};
  }
  const std::size_t limit = static_cast<std::size_t>(json_read::optional_long(input, "limit").value_or(10000));
  const auto start = json_read::optional_long(input, "startTime");
  const auto end = json_read::optional_long(input, "endTime");
  Window w = select_events(stream, from, start, end, limit);
  Json events = Json::array();
  for (std::uint64_t p = w.first; p < w.last; ++p) {
    const LogEvent& e = stream.events[p - stream.dropped];
    if ((start && e.timestamp < *start) || (end && e.timestamp >= *end)) continue;  // inside the window, out of range
    events.push_back(output_event_json(e));
  }
  return Json{{"events", std::move(events)},
              {"nextForwardToken", "f/" + std::to_string(w.last)},
              {"nextBackwardToken", "b/" + std::to_string(w.first)}};
}

}  // namespace

void register_event_operations(LogsProvider& p, OperationTable& table) {
  bind_operation(table, "PutLogEvents", p, put_log_events);
  bind_operation(table, "GetLogEvents", p, get_log_events);
}

}  // namespace ecslocal::api::logs
