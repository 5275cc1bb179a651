#pragma once
// Ships containers' stdout and stderr as they are written (what the awslogs log driver does):
// one follower thread per shipped container holds GET /containers/{id}/logs?follow=1&timestamps=1
// and queues each line with Docker's own timestamp; a flusher thread hands the queued lines to
// the sink in batches every `flush_interval` (at once when a batch is full).
//
// Nothing is lost when a container exits right after printing: when the follow stream ends (the
// container stopped), the log is read once more without follow from just before the last line
// seen (Docker 20.10 may end a follow stream before the last lines), replayed lines dropped; and
// finish(key) waits for that (bounded by `drain_timeout`) and delivers what is left before it
// returns. The runner calls it before it reports the task stopped, so a reader who sees the task
// STOPPED also sees every line.
//
// Empty lines are skipped (CloudWatch Logs refuses empty messages); lines longer than an event
// may be are split. A broken stream is reopened a few times (since= just before the last line's
// time, replayed lines dropped). The sink runs on the shipper's threads with no shipper lock but
// the delivery order lock held: keep it quick (post the work elsewhere).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/docker/docker_client.hpp"
#include "runtime/task_spec.hpp"

namespace ecslocal::runtime {

struct ShippedEvent {
  std::int64_t timestamp_ms = 0;
  std::string message;
};

struct LogBatch {
  LogDestination destination;
  std::vector<ShippedEvent> events;  // in the order the container wrote them
};

using LogBatchSink = std::function<void(LogBatch)>;

struct LogShipperOptions {
  std::chrono::milliseconds flush_interval{200};
  std::size_t max_batch_events = 1000;
  std::chrono::milliseconds drain_timeout{5000};
  std::chrono::milliseconds retry_delay{500};
  int max_retries = 5;
  std::size_t max_message_bytes = 262144 - 26;  // CloudWatch Logs' largest event
};

class LogShipper {
 public:
  explicit LogShipper(DockerClient& docker, LogShipperOptions options = {});
  ~LogShipper();  // shutdown()
  LogShipper(const LogShipper&) = delete;
  LogShipper& operator=(const LogShipper&) = delete;

  void set_sink(LogBatchSink sink);
  // Follows container `id` until its output ends; `key` groups followers (the task).
  void follow(const std::string& key, const std::string& id, LogDestination destination);
  // Waits for the end of every followed output of `key` (stops following after drain_timeout),
  // then delivers what is queued for them. Returns once the sink has had all of it.
  void finish(const std::string& key);
  // Stops every follower and the flusher; what was read is delivered. Idempotent.
  void shutdown();

  std::size_t followers() const;

 private:
  struct Follower;
  using FollowerPtr = std::shared_ptr<Follower>;

  void run_follower(Follower& f, std::stop_token stop);
  void queue_line(Follower& f, const LogLine& line);
  void run_flusher(std::stop_token stop);
  // Under deliver_mutex_: hands the pending lines of `followers` to the sink.
  void deliver(const std::vector<FollowerPtr>& followers);
  std::vector<FollowerPtr> take_done();  // mutex_ held: removes finished followers from the map
  static void join_all(const std::vector<FollowerPtr>& followers);

  DockerClient& docker_;
  LogShipperOptions options_;
  mutable std::mutex mutex_;  // followers_, each follower's pending lines and done flag
  std::condition_variable_any changed_;  // a follower ended or filled a batch
  std::map<std::uint64_t, FollowerPtr> followers_;
  std::uint64_t next_id_ = 1;
  bool shut_down_ = false;
  bool flush_now_ = false;  // wakes the flusher before its interval
  std::mutex deliver_mutex_;  // one delivery at a time: batches of a destination stay in order
  LogBatchSink sink_;         // guarded by deliver_mutex_
  std::jthread flusher_;
};

}  // namespace ecslocal::runtime
