#include "runtime/docker/docker_events.hpp"

#include <algorithm>

#include "runtime/labels.hpp"

namespace ecslocal::runtime {
namespace {

std::int64_t system_wall_nano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How far back a reconnection without any event asks for, for clock differences with the daemon.
constexpr std::int64_t clock_slack_nano = 1000000000LL;

}  // namespace

DockerEventStream::DockerEventStream(DockerClient& client, DockerEventStreamCallbacks callbacks,
                                     DockerEventStreamOptions options)
    : client_(client), callbacks_(std::move(callbacks)), options_(std::move(options)) {
  if (options_.labels.empty()) options_.labels.push_back(labels::managed_filter());
  if (!options_.wall_clock_nano) options_.wall_clock_nano = system_wall_nano;
}

DockerEventStream::~DockerEventStream() { stop(); }

void DockerEventStream::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void DockerEventStream::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  wait_cv_.notify_all();
  thread_.join();
}

EventsQuery DockerEventStream::next_query() const {
  EventsQuery query;
  query.labels = options_.labels;
  if (last_event_nano_ > 0) {
    query.since_nano = last_event_nano_;
  } else if (connections_ > 0) {
    query.since_nano = std::max<std::int64_t>(1, last_connect_wall_nano_ - clock_slack_nano);
  }
  return query;
}

void DockerEventStream::run(std::stop_token stop) {
  auto backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    bool after_break = connections_ > 0;
    auto started = std::chrono::steady_clock::now();
    auto status = client_.stream_events(
        next_query(), [&] { on_connected(after_break); }, [&](const ContainerEvent& event) { on_event(event); }, stop);
    connected_ = false;
    if (stop.stop_requested()) break;
    if (callbacks_.on_break) {
      callbacks_.on_break(status ? docker_error(DockerErrorKind::unavailable, "the Docker events stream ended")
                                 : status.error());
    }
    if (std::chrono::steady_clock::now() - started >= options_.stable_after) backoff = options_.initial_backoff;
    wait(backoff, stop);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void DockerEventStream::on_connected(bool after_break) {
  last_connect_wall_nano_ = options_.wall_clock_nano();
  ++connections_;
  connected_ = true;
  if (callbacks_.on_resync) callbacks_.on_resync(after_break);
}

bool DockerEventStream::is_duplicate(const ContainerEvent& event) {
  if (event.time_nano <= 0) return false;  // no time: nothing to compare with
  std::int64_t last = last_event_nano_;
  if (event.time_nano < last) return true;
  auto key = std::make_pair(event.id, event.raw_action);
  if (event.time_nano == last) return !seen_at_last_.insert(key).second;
  seen_at_last_.clear();
  seen_at_last_.insert(key);
  last_event_nano_ = event.time_nano;
  return false;
}

void DockerEventStream::on_event(const ContainerEvent& event) {
  if (is_duplicate(event)) return;
  if (callbacks_.on_event) callbacks_.on_event(event);
}

void DockerEventStream::wait(std::chrono::milliseconds delay, std::stop_token stop) {
  std::unique_lock lock(wait_mutex_);
  wait_cv_.wait_for(lock, stop, delay, [] { return false; });
}

}  // namespace ecslocal::runtime
