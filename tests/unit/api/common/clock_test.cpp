#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/common/clock.hpp"
#include "api/common/timer_queue.hpp"

namespace ecslocal::api {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

TEST(VirtualClock, ManualMovesOnlyWhenAdvanced) {
  const auto start = Clock::time_point{} + seconds(1000);
  VirtualClock clock = VirtualClock::manual(start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(seconds(60));
  EXPECT_EQ(clock.now(), start + seconds(60));
  clock.advance(seconds(-5));  // never backwards
  EXPECT_EQ(clock.now(), start + seconds(60));
  EXPECT_TRUE(clock.is_manual());
  EXPECT_GE(clock.real_delay(seconds(1)), std::chrono::hours(1));
}

TEST(VirtualClock, ScaledRunsFasterAndShortensRealWaits) {
  VirtualClock clock = VirtualClock::scaled(20);
  EXPECT_EQ(clock.scale(), 20);
  EXPECT_EQ(clock.real_delay(seconds(60)), std::chrono::duration_cast<std::chrono::steady_clock::duration>(seconds(3)));
  const auto a = clock.now();
  const auto wall = Clock::now();
  // V has not fallen behind the wall clock and runs ahead of it from the origin on.
  EXPECT_GE(a + seconds(1), wall);
  VirtualClock real = VirtualClock::scaled(1);
  EXPECT_EQ(real.mode(), VirtualClock::Mode::Real);
  EXPECT_EQ(real.real_delay(seconds(30)), std::chrono::duration_cast<std::chrono::steady_clock::duration>(seconds(30)));
}

TEST(TimerQueue, RunsDueEntriesInTimeThenSchedulingOrder) {
  TimerQueue q;
  const auto t0 = Clock::time_point{} + seconds(100);
  std::vector<std::string> ran;
  q.schedule(t0 + seconds(10), [&](auto) { ran.push_back("b"); });
  q.schedule(t0 + seconds(5), [&](auto) { ran.push_back("a"); });
  auto c = q.schedule(t0 + seconds(5), [&](auto) { ran.push_back("a2"); });
  q.schedule(t0 + seconds(30), [&](auto) { ran.push_back("late"); });
  EXPECT_EQ(q.next_due(), t0 + seconds(5));
  q.cancel(c);
  q.cancel(c);  // twice: no-op
  EXPECT_EQ(q.run_due(t0 + seconds(10)), 2u);
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(q.next_due(), t0 + seconds(30));
  // A callback may schedule more; what is already due runs in the same pass.
  q.schedule(t0 + seconds(20), [&](auto due) {
    EXPECT_EQ(due, t0 + seconds(20));  // its own time, not the clock's
    ran.push_back("rearm");
    q.schedule(due + seconds(5), [&](auto) { ran.push_back("again"); });
  });
  q.run_due(t0 + seconds(40));
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "b", "rearm", "again", "late"}));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.next_due());
}

}  // namespace
}  // namespace ecslocal::api
