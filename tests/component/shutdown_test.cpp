// Graceful shutdown by cancellation: idle connections are closed, a request in flight gets its
// reply (Connection: close) before the I/O threads end, and one that never ends is cut after
// the grace period.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "tests/component/test_server.hpp"
#include "tests/fakes/fake_task_runtime.hpp"

namespace ecslocal::testing {
namespace {

class HeldStopAll : public FakeTaskRuntime {
 public:
  // Holds the first call (the request in flight); reset's second call, for what was launched
  // while it waited, has nothing to stop and completes at once.
  void stop_all(std::function<void()> done) override {
    {
      std::lock_guard lock(mutex_);
      if (calls_++ == 0) {
        held_ = std::move(done);
        cv_.notify_all();
        return;
      }
    }
    if (done) done();
  }
  bool wait_held() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return static_cast<bool>(held_); });
  }
  void release() {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex_);
      done = std::move(held_);
      held_ = nullptr;
    }
    if (done) done();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> held_;
  int calls_ = 0;
};

TEST(Shutdown, IdleConnectionsCloseAndTheRequestInFlightFinishes) {
  HeldStopAll runtime;
  server::AppDeps deps;
  deps.task_runtime = &runtime;
  auto config = test_config();
  config.shutdown_grace_ms = 60000;  // the test releases the request long before
  server::App app(config, deps);
  app.start();
  const auto port = app.port();
  Connection idle(port);
  ASSERT_EQ(idle.request(http::verb::get, "/_ecslocal/health", "").result_int(), 200);
  auto in_flight = std::async(std::launch::async, [port] {
    Connection c(port);
    return c.request(http::verb::post, "/_ecslocal/reset", "");
  });
  ASSERT_TRUE(runtime.wait_held());

  app.stop();
  EXPECT_TRUE(idle.closed_by_peer());  // closed by the shutdown, not by a timeout
  runtime.release();
  auto res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  app.wait();
  EXPECT_TRUE(can_bind(port));
}

TEST(Shutdown, ARequestThatNeverEndsIsCutAfterTheGracePeriod) {
  HeldStopAll runtime;
  server::AppDeps deps;
  deps.task_runtime = &runtime;
  auto config = test_config();
  config.shutdown_grace_ms = 100;
  server::App app(config, deps);
  app.start();
  const auto port = app.port();
  Connection c(port);
  c.write(http::verb::post, "/_ecslocal/reset", "");
  ASSERT_TRUE(runtime.wait_held());
  app.stop();
  app.wait();  // returns although the reset never completes
  EXPECT_TRUE(can_bind(port));
  runtime.release();  // posts to a stopped io_context: dropped
}

}  // namespace
}  // namespace ecslocal::testing
