#pragma once
// Keeps one GET /events stream open on its own thread and hands container events to the owner.
//
// On a break (daemon restart, socket error, a stream that ends) it reconnects with a growing
// back-off and `since=` the time of the last event it delivered, dropping the events Docker
// replays twice. Docker keeps only a short event history, so after every (re)connection it calls
// on_resync: the owner lists and inspects its labelled containers to catch what was missed.
// stop() returns promptly: the open transfer is woken up, not waited out.
//
// Callbacks run on the events thread and must be quick (post the work elsewhere).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/docker/docker_client.hpp"

namespace ecslocal::runtime {

struct DockerEventStreamOptions {
  std::vector<std::string> labels;  // label filters; empty: ecslocal.managed=true
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds stable_after{5000};  // a connection this old resets the back-off
  std::function<std::int64_t()> wall_clock_nano;  // default: the system clock
};

struct DockerEventStreamCallbacks {
  EventCallback on_event;
  std::function<void(bool after_break)> on_resync;  // after each connection; false for the first
  std::function<void(const DockerError&)> on_break;  // the stream broke; a reconnect follows
};

class DockerEventStream {
 public:
  DockerEventStream(DockerClient& client, DockerEventStreamCallbacks callbacks, DockerEventStreamOptions options = {});
  ~DockerEventStream();
  DockerEventStream(const DockerEventStream&) = delete;
  DockerEventStream& operator=(const DockerEventStream&) = delete;

  void start();
  void stop();  // idempotent; returns once the thread has ended

  bool connected() const { return connected_; }
  std::uint64_t connections() const { return connections_; }
  std::int64_t last_event_nano() const { return last_event_nano_; }

 private:
  void run(std::stop_token stop);
  EventsQuery next_query() const;
  void on_connected(bool after_break);
  void on_event(const ContainerEvent& event);
  bool is_duplicate(const ContainerEvent& event);
  void wait(std::chrono::milliseconds delay, std::stop_token stop);

  DockerClient& client_;
  DockerEventStreamCallbacks callbacks_;
  DockerEventStreamOptions options_;
  std::jthread thread_;
  std::mutex wait_mutex_;
  std::condition_variable_any wait_cv_;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::int64_t> last_event_nano_{0};
  std::int64_t last_connect_wall_nano_ = 0;
  std::set<std::pair<std::string, std::string>> seen_at_last_;  // (id, action) at last_event_nano_
};

}  // namespace ecslocal::runtime
