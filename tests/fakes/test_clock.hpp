#pragma once
// A clock a unit test moves by hand over a real TimerQueue: each timer runs at its own due time,
// in time order, so what a timer schedules within the step runs too. Header-only.
#include <algorithm>
#include <chrono>

#include "api/common/timer_queue.hpp"

namespace ecslocal::testing {

// Moves `now` forward by `by`, running every timer of `timers` that comes due on the way.
inline void advance_clock(api::Clock::time_point& now, api::TimerQueue& timers, std::chrono::seconds by) {
  const auto until = now + by;
  while (auto due = timers.next_due()) {
    if (*due > until) break;
    now = std::max(now, *due);
    timers.run_due(now);
  }
  now = until;
}

}  // namespace ecslocal::testing
