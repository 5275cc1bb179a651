#pragma once
// The one clock every AWS-level timer reads (metric periods, alarm evaluation, cooldowns,
// schedules, health-check intervals, deregistration delays, grace periods, task retention):
//
//   real (default):  V = wall clock;
//   scaled (S > 1):  V = T0 + (now - T0) * S, so a 60 s period lasts 60/S s;
//   manual:          V only moves on advance() (tests, POST /_ecslocal/clock/advance).
//
// Timestamps the APIs return are V. Socket timeouts and Docker calls stay in real time. Readable
// from any thread (the data plane stamps with it); advance() is called on the state strand.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace ecslocal::api {

class VirtualClock {
 public:
  using Clock = std::chrono::system_clock;
  enum class Mode { Real, Scaled, Manual };

  static VirtualClock real() { return VirtualClock(Mode::Real, 1.0, Clock::now()); }
  static VirtualClock scaled(double scale) { return VirtualClock(scale > 1.0 ? Mode::Scaled : Mode::Real, scale, Clock::now()); }
  static VirtualClock manual(Clock::time_point start = Clock::now()) { return VirtualClock(Mode::Manual, 1.0, start); }

  VirtualClock(const VirtualClock& other)
      : mode_(other.mode_), scale_(other.scale_), origin_(other.origin_), offset_ns_(other.offset_ns_.load()) {}

  Clock::time_point now() const {
    const auto offset = std::chrono::nanoseconds(offset_ns_.load(std::memory_order_relaxed));
    if (mode_ == Mode::Manual) return origin_ + std::chrono::duration_cast<Clock::duration>(offset);
    if (mode_ == Mode::Real) return Clock::now() + std::chrono::duration_cast<Clock::duration>(offset);
    const auto real = Clock::now() - origin_;
    return origin_ + std::chrono::duration_cast<Clock::duration>(real * scale_ + offset);
  }
  Mode mode() const { return mode_; }
  double scale() const { return mode_ == Mode::Scaled ? scale_ : 1.0; }
  bool is_manual() const { return mode_ == Mode::Manual; }

  // Moves V forward (manual mode: the only way it moves; other modes: a jump, for tests).
  void advance(std::chrono::nanoseconds by) {
    if (by.count() > 0) offset_ns_.fetch_add(by.count(), std::memory_order_relaxed);
  }

  // How long to wait in real time for `virtual_delay` to pass (manual: never by itself, so
  // callers wait for advance(); returned as a long real wait).
  std::chrono::steady_clock::duration real_delay(Clock::duration virtual_delay) const {
    if (virtual_delay <= Clock::duration::zero()) return std::chrono::steady_clock::duration::zero();
    if (mode_ == Mode::Manual) return std::chrono::hours(24);
    if (mode_ == Mode::Real) return std::chrono::duration_cast<std::chrono::steady_clock::duration>(virtual_delay);
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(virtual_delay / scale_);
  }

 private:
  VirtualClock(Mode mode, double scale, Clock::time_point origin) : mode_(mode), scale_(scale), origin_(origin) {}

  Mode mode_;
  double scale_;
  Clock::time_point origin_;
  std::atomic<std::int64_t> offset_ns_{0};
};

}  // namespace ecslocal::api
