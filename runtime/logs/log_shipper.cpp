#include "runtime/logs/log_shipper.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace ecslocal::runtime {

struct LogShipper::Follower {
  std::string key;
  std::string id;
  LogDestination destination;
  std::vector<ShippedEvent> pending;  // mutex_
  bool done = false;                  // mutex_: the thread has nothing more to queue
  // The follower thread's own: the newest line time seen, and the lines seen in the last
  // kReplayWindow before it (a re-read from `since` replays them).
  std::int64_t last_nano = 0;
  std::set<std::tuple<std::int64_t, int, std::string>> recent;
  std::jthread thread;                // joined by whoever removed the follower from the map
};

namespace {

constexpr std::int64_t kReplayWindow = 2'000'000'000;  // ns

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LogShipper::LogShipper(DockerClient& docker, LogShipperOptions options) : docker_(docker), options_(options) {
  flusher_ = std::jthread([this](std::stop_token stop) { run_flusher(stop); });
}

LogShipper::~LogShipper() { shutdown(); }

void LogShipper::set_sink(LogBatchSink sink) {
  std::lock_guard lock(deliver_mutex_);
  sink_ = std::move(sink);
}

std::size_t LogShipper::followers() const {
  std::lock_guard lock(mutex_);
  return followers_.size();
}

void LogShipper::follow(const std::string& key, const std::string& id, LogDestination destination) {
  auto f = std::make_shared<Follower>();
  f->key = key;
  f->id = id;
  f->destination = std::move(destination);
  if (f->destination.stream.empty()) f->destination.stream = id;
  std::lock_guard lock(mutex_);
  if (shut_down_) return;
  followers_[next_id_++] = f;
  Follower* raw = f.get();
  f->thread = std::jthread([this, raw](std::stop_token stop) { run_follower(*raw, stop); });
}

void LogShipper::run_follower(Follower& f, std::stop_token stop) {
  auto read = [&](bool follow) {
    LogsQuery query;
    query.follow = follow;
    query.since_nano = f.last_nano > kReplayWindow ? f.last_nano - kReplayWindow : 0;
    return docker_.stream_logs(f.id, query, [&](const LogLine& line) { queue_line(f, line); }, stop);
  };
  for (int attempt = 0; !stop.stop_requested(); ++attempt) {
    auto status = read(true);
    if (stop.stop_requested()) break;
    if (status) {
      // The container stopped. Docker may end a follow stream before the last lines it logged
      // (seen with 20.10): read the log once more, from just before the last line seen.
      read(false);
      break;
    }
    if (status.error().kind == DockerErrorKind::not_found || attempt >= options_.max_retries) break;
    std::mutex m;
    std::unique_lock lock(m);
    std::condition_variable_any().wait_for(lock, stop, options_.retry_delay, [] { return false; });
  }
  std::lock_guard lock(mutex_);
  f.done = true;
  flush_now_ = true;
  changed_.notify_all();
}

void LogShipper::queue_line(Follower& f, const LogLine& line) {
  if (line.time_nano > 0) {
    auto key = std::make_tuple(line.time_nano, static_cast<int>(line.stream), line.text);
    if (f.recent.count(key)) return;  // replayed by a re-read
    f.recent.insert(std::move(key));
    f.last_nano = std::max(f.last_nano, line.time_nano);
    while (!f.recent.empty() && std::get<0>(*f.recent.begin()) < f.last_nano - kReplayWindow)
      f.recent.erase(f.recent.begin());
  }
  if (line.text.empty()) return;
  const std::int64_t at = line.time_nano > 0 ? line.time_nano / 1'000'000 : now_ms();
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < line.text.size(); i += options_.max_message_bytes)
    f.pending.push_back({at, line.text.substr(i, options_.max_message_bytes)});
  if (f.pending.size() >= options_.max_batch_events) {
    flush_now_ = true;
    changed_.notify_all();
  }
}

void LogShipper::deliver(const std::vector<FollowerPtr>& followers) {
  for (const auto& f : followers) {
    std::vector<ShippedEvent> events;
    {
      std::lock_guard lock(mutex_);
      events.swap(f->pending);
    }
    for (std::size_t i = 0; i < events.size(); i += options_.max_batch_events) {
      const std::size_t end = std::min(events.size(), i + options_.max_batch_events);
      LogBatch batch{f->destination, {std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(i)),
                                      std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(end))}};
      if (sink_) sink_(std::move(batch));
    }
  }
}

std::vector<LogShipper::FollowerPtr> LogShipper::take_done() {
  std::vector<FollowerPtr> done;
  for (auto it = followers_.begin(); it != followers_.end();) {
    if (it->second->done) {
      done.push_back(it->second);
      it = followers_.erase(it);
    } else {
      ++it;
    }
  }
  return done;
}

void LogShipper::run_flusher(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, stop, options_.flush_interval, [this] { return flush_now_; });
      flush_now_ = false;
    }
    std::vector<FollowerPtr> all, finished;
    std::unique_lock order(deliver_mutex_);
    {
      std::lock_guard lock(mutex_);
      finished = take_done();
      for (const auto& [n, f] : followers_) all.push_back(f);
    }
    deliver(all);
    deliver(finished);
    order.unlock();
    join_all(finished);
  }
}

void LogShipper::finish(const std::string& key) {
  std::vector<FollowerPtr> mine;
  {
    std::unique_lock lock(mutex_);
    auto all_done = [&] {
      for (const auto& [n, f] : followers_)
        if (f->key == key && !f->done) return false;
      return true;
    };
    if (!changed_.wait_for(lock, options_.drain_timeout, all_done)) {
      for (const auto& [n, f] : followers_)
        if (f->key == key) f->thread.request_stop();
      changed_.wait(lock, all_done);
    }
    for (auto it = followers_.begin(); it != followers_.end();) {
      if (it->second->key == key) {
        mine.push_back(it->second);
        it = followers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  {
    // Also waits for a flusher round that may be delivering this key's last lines.
    std::lock_guard order(deliver_mutex_);
    deliver(mine);
  }
  join_all(mine);
}

void LogShipper::shutdown() {
  std::vector<FollowerPtr> all;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    for (auto& [n, f] : followers_) {
      f->thread.request_stop();
      all.push_back(f);
    }
    followers_.clear();
  }
  flusher_.request_stop();
  if (flusher_.joinable()) flusher_.join();
  join_all(all);
  std::lock_guard order(deliver_mutex_);
  deliver(all);
}

void LogShipper::join_all(const std::vector<FollowerPtr>& followers) {
  for (const auto& f : followers)
    if (f->thread.joinable()) f->thread.join();
}

}  // namespace ecslocal::runtime
