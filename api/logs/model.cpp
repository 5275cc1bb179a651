#include "api/logs/model.hpp"

#include <algorithm>
#include <cstdio>

namespace ecslocal::api::logs {

std::string LogStream::sequence_token() const {
  // AWS's tokens are long decimal strings; clients treat them as opaque.
  char text[64];
  std::snprintf(text, sizeof text, "49%038llu", static_cast<unsigned long long>(uploads));
  return text;
}

std::int64_t LogGroup::stored_bytes() const {
  std::int64_t total = 0;
  for (const auto& [name, stream] : streams) total += stream.stored_bytes;
  return total;
}

LogGroup* LogsState::find_group(const std::string& name) {
  auto it = groups.find(name);
  return it == groups.end() ? nullptr : &it->second;
}

void LogsState::append(LogStream& stream, const std::vector<NewEvent>& events, std::int64_t now_ms) {
  for (const auto& e : events) {
    LogEvent event{e.timestamp, now_ms, e.message, next_event_id++};
    auto at = std::upper_bound(stream.events.begin(), stream.events.end(), e.timestamp,
                               [](std::int64_t t, const LogEvent& x) { return t < x.timestamp; });
    stream.stored_bytes += static_cast<std::int64_t>(e.message.size());
    stream.events.insert(at, std::move(event));
  }
  while (stream.events.size() > kMaxEventsPerStream) {
    stream.stored_bytes -= static_cast<std::int64_t>(stream.events.front().message.size());
    stream.events.pop_front();
    ++stream.dropped;
  }
  if (events.empty()) return;
  stream.first_event = stream.events.front().timestamp;
  stream.last_event = stream.events.back().timestamp;
  stream.last_ingestion = now_ms;
}

}  // namespace ecslocal::api::logs
