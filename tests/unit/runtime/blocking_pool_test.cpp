#include "runtime/task/blocking_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;

TEST(BlockingPool, RunsJobsInParallelOnItsWorkers) {
  BlockingPool pool(3);
  EXPECT_EQ(pool.workers(), 3u);
  std::atomic<int> running{0}, peak{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  for (int i = 0; i < 6; ++i) {
    pool.submit([&] {
      int now = ++running;
      int seen = peak;
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(30ms);
      --running;
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
  }
  pool.shutdown();
  EXPECT_EQ(peak, 3);
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(BlockingPool, StartsWorkersOnlyWhenJobsFindNoIdleOne) {
  BlockingPool pool(8);
  EXPECT_EQ(pool.started(), 0u) << "an idle pool holds no thread";
  for (int i = 0; i < 5; ++i) {  // one job at a time: the one worker does them all
    std::promise<void> done;
    ASSERT_TRUE(pool.submit([&] { done.set_value(); }));
    done.get_future().wait();
    // The worker counts itself idle again before it waits for the next job.
    auto until = std::chrono::steady_clock::now() + 2s;
    while (pool.busy() != 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(pool.started(), 1u);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> waiting{0};
  for (int i = 0; i < 3; ++i) pool.submit([&] {
      ++waiting;
      released.wait();
    });
  auto until = std::chrono::steady_clock::now() + 2s;
  while (waiting < 3 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(waiting, 3) << "three blocked jobs at once need three workers";
  EXPECT_EQ(pool.started(), 3u);
  release.set_value();
  pool.shutdown();
}

TEST(BlockingPool, CompletionReceivesTheResult) {
  BlockingPool pool(2);
  std::promise<int> result;
  std::promise<bool> void_done;
  pool.submit([] { return 6 * 7; }, [&](int value) { result.set_value(value); });
  pool.submit([] {}, [&] { void_done.set_value(true); });
  EXPECT_EQ(result.get_future().get(), 42);
  EXPECT_TRUE(void_done.get_future().get());
}

TEST(BlockingPool, ShutdownDrainsQueuedJobsThenRefusesNewOnes) {
  BlockingPool pool(1);
  std::atomic<int> done{0};
  for (int i = 0; i < 20; ++i) {
    pool.submit([&] {
      std::this_thread::sleep_for(1ms);
      ++done;
    });
  }
  pool.shutdown();
  EXPECT_EQ(done, 20);
  EXPECT_FALSE(pool.submit([&] { ++done; }));
  EXPECT_FALSE(pool.submit(BlockingPool::Job{}));
  pool.shutdown();  // idempotent
  EXPECT_EQ(done, 20);
}

TEST(BlockingPool, AnEscapingExceptionIsReportedAndTheWorkerGoesOn) {
  std::mutex mutex;
  std::vector<std::string> reports;
  BlockingPool pool(1, [&](const std::string& what) {
    std::lock_guard lock(mutex);
    reports.push_back(what);
  });
  std::atomic<bool> after{false};
  pool.submit([]() -> void { throw std::runtime_error("boom"); });
  pool.submit([&] { after = true; });
  pool.shutdown();
  EXPECT_TRUE(after);
  EXPECT_EQ(reports, std::vector<std::string>{"boom"});
}

TEST(BlockingPool, CountsQueuedAndBusyJobs) {
  BlockingPool pool(1);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<bool> started{false};
  pool.submit([&, gate] {
    started = true;
    gate.wait();
  });
  pool.submit([] {});
  while (!started) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(pool.busy(), 1u);
  EXPECT_EQ(pool.queued(), 1u);
  release.set_value();
  pool.shutdown();
  EXPECT_EQ(pool.busy(), 0u);
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(BlockingPool, AJobMayStopItsOwnPoolsIntake) {
  BlockingPool pool(2);
  std::promise<void> done;
  pool.submit([&] {
    pool.shutdown();
    done.set_value();
  });
  EXPECT_EQ(done.get_future().wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(pool.submit([] {}));
  pool.shutdown();  // joins both workers
}

}  // namespace
}  // namespace ecslocal::runtime
