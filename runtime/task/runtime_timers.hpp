#pragma once
// One thread that calls functions at given times: the runtime's timers (a launch waiting on a
// dependency re-checks it at its poll interval and at its startTimeout). The functions run on
// the timer thread and must be short: they post onto a task's serial executor.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace ecslocal::runtime {

class RuntimeTimers {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  RuntimeTimers() = default;
  ~RuntimeTimers();  // stop()
  RuntimeTimers(const RuntimeTimers&) = delete;
  RuntimeTimers& operator=(const RuntimeTimers&) = delete;

  // Calls fn at `when` (at once when it has passed). 0 once stopped (fn is dropped).
  Id schedule(Clock::time_point when, std::function<void()> fn);
  // True when it had not run yet (and now never will).
  bool cancel(Id id);
  // Drops every pending timer and joins the thread. Idempotent.
  void stop();
  std::size_t pending() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::pair<Clock::time_point, Id>, std::function<void()>> due_;
  std::map<Id, Clock::time_point> when_;
  Id next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;  // started with the first timer
};

}  // namespace ecslocal::runtime
