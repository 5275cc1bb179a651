// The runtime's serial executor (one function at a time, in order, on a pool) and its timers.
#include "runtime/task/serial_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/task/runtime_timers.hpp"

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `done` says so; notified by the code under test.
struct Latch {
  std::mutex mutex;
  std::condition_variable cv;
  int count = 0;
  void arrive() {
    std::lock_guard lock(mutex);
    ++count;
    cv.notify_all();
  }
  bool wait_for(int n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return count >= n; });
  }
};

TEST(SerialExecutor, RunsInOrderOneAtATimeOnThePool) {
  std::vector<int> order;  // touched only by the executor's functions
  std::atomic<int> running{0};
  std::atomic<bool> overlapped{false};
  Latch latch;
  BlockingPool pool(4);
  auto executor = std::make_shared<SerialExecutor>(pool);
  for (int i = 0; i < 200; ++i) {
    executor->post([&, i] {
      if (running.fetch_add(1) != 0) overlapped = true;
      order.push_back(i);
      running.fetch_sub(1);
      latch.arrive();
    });
  }
  ASSERT_TRUE(latch.wait_for(200));
  EXPECT_FALSE(overlapped);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
}

TEST(SerialExecutor, TwoExecutorsRunSideBySide) {
  Latch b_ran, release;  // outlive the pool, which joins its workers first
  BlockingPool pool(2);
  auto a = std::make_shared<SerialExecutor>(pool);
  auto b = std::make_shared<SerialExecutor>(pool);
  a->post([&] { release.wait_for(1); });  // a is busy until b has run
  b->post([&] { b_ran.arrive(); });
  EXPECT_TRUE(b_ran.wait_for(1));
  release.arrive();
}

TEST(SerialExecutor, AfterThePoolShutDownItRunsOnTheCaller) {
  BlockingPool pool(1);
  auto executor = std::make_shared<SerialExecutor>(pool);
  pool.shutdown();
  bool ran = false;
  executor->post([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(RuntimeTimers, FireInTimeOrderAndCancelledOnesNever) {
  std::mutex mutex;
  std::vector<int> fired;
  Latch latch;
  RuntimeTimers timers;
  auto now = RuntimeTimers::Clock::now();
  auto record = [&](int n) {
    return [&, n] {
      {
        std::lock_guard lock(mutex);
        fired.push_back(n);
      }
      latch.arrive();
    };
  };
  timers.schedule(now + 60ms, record(3));
  auto cancelled = timers.schedule(now + 20ms, record(99));
  timers.schedule(now + 40ms, record(2));
  timers.schedule(now - 1s, record(1));  // already due
  EXPECT_TRUE(timers.cancel(cancelled));
  EXPECT_FALSE(timers.cancel(cancelled));
  ASSERT_TRUE(latch.wait_for(3));
  std::lock_guard lock(mutex);
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST(RuntimeTimers, StoppedTimersTakeNothing) {
  RuntimeTimers timers;
  bool ran = false;
  timers.schedule(RuntimeTimers::Clock::now() + 1h, [&] { ran = true; });
  EXPECT_EQ(timers.pending(), 1u);
  timers.stop();
  EXPECT_EQ(timers.pending(), 0u);
  EXPECT_EQ(timers.schedule(RuntimeTimers::Clock::now(), [&] { ran = true; }), 0u);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace ecslocal::runtime
