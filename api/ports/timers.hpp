#pragma once
// Timers on the virtual clock (api/common/clock.hpp) for every service: "run this on the state
// strand when V reaches t". The app arms one real timer for the earliest due entry; in manual
// clock mode, advancing the clock runs what became due, in time order, before it returns.
// Services register through the port registry (ports.find<Timers>()). Called on the state strand.
#include <chrono>
#include <cstdint>
#include <functional>

namespace ecslocal::api {

class Timers {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using Id = std::uint64_t;
  virtual ~Timers() = default;
  // Runs `fn(at)` on the state strand once the virtual clock reaches `at` (at once if already
  // past). `fn` gets its own due time, not the clock's: a periodic timer that reschedules at
  // `due + interval` keeps its period even when a manual clock jumps several periods at once.
  virtual Id schedule(TimePoint at, std::function<void(TimePoint due)> fn) = 0;
  // Forgets a timer that has not run; unknown or already run ids: no-op.
  virtual void cancel(Id id) = 0;
};

}  // namespace ecslocal::api
