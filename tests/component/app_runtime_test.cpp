// The whole App over HTTP with an injected task runtime: POST /_ecslocal/reset stops what the
// instance runs first (TaskRuntime::stop_all), then clears the state, then answers.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <regex>

#include "tests/component/test_server.hpp"
#include "tests/fakes/fake_task_runtime.hpp"

namespace ecslocal::testing {
namespace {

// Holds stop_all's `done` until the test releases it, as a runtime stopping containers does.
class HeldRuntime : public FakeTaskRuntime {
 public:
  void stop_all(std::function<void()> done) override {
    std::lock_guard lock(mutex_);
    ++stop_all_calls;
    launches_at_stop_all.push_back(launches.size());
    held_ = std::move(done);
    cv_.notify_all();
  }
  // False when stop_all was not called within 10 s (a bound for a broken build, not a timing).
  bool wait_for_stop_all() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return static_cast<bool>(held_); });
  }
  // Calls `done` from this (non-I/O) thread, as a runtime thread would.
  void release() {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex_);
      done = std::move(held_);
      held_ = nullptr;
    }
    if (done) done();
  }
  std::vector<size_t> launches_at_stop_all;  // how many tasks had been launched at each stop_all

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> held_;
};

nlohmann::json fargate_definition() {
  return {{"family", "held"},
          {"requiresCompatibilities", {"FARGATE"}},
          {"networkMode", "awsvpc"},
          {"cpu", "256"},
          {"memory", "512"},
          {"containerDefinitions", {{{"name", "main"}, {"image", "busybox:latest"}, {"command", {"sleep", "3600"}}}}}};
}

class AppWithRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    server::AppDeps deps;
    deps.task_runtime = &runtime;
    app = std::make_unique<server::App>(test_config(), deps);
    app->start();
  }
  void TearDown() override {
    runtime.release();
    app.reset();
  }
  HeldRuntime runtime;
  std::unique_ptr<server::App> app;
};

TEST_F(AppWithRuntime, ResetStopsEveryTaskBeforeItClearsTheStateAndAnswersAfter) {
  Connection c(app->port());
  ASSERT_EQ(c.aws("CreateCluster", nlohmann::json::object()).result_int(), 200);
  ASSERT_EQ(c.aws("RegisterTaskDefinition", fargate_definition()).result_int(), 200);
  const auto subnet = default_subnet(c);
  auto run = c.aws("RunTask", {{"taskDefinition", "held"},
                               {"launchType", "FARGATE"},
                               {"networkConfiguration", {{"awsvpcConfiguration", {{"subnets", {subnet}}}}}}});
  ASSERT_EQ(run.result_int(), 200) << run.body();
  ASSERT_EQ(runtime.launches.size(), 1u);

  // The reset waits on the runtime; meanwhile the state is still there (other connections see it).
  auto reply = std::async(std::launch::async, [port = app->port()] {
    Connection r(port);
    return r.request(http::verb::post, "/_ecslocal/reset", "");
  });
  ASSERT_TRUE(runtime.wait_for_stop_all()) << "reset did not ask the runtime to stop every task";
  EXPECT_EQ(runtime.stop_all_calls, 1);
  EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_EQ(body_of(c.aws("ListTasks", nlohmann::json::object()))["taskArns"].size(), 1u);

  // A RunTask served while the runtime is stopping: its task must not outlive the reset.
  ASSERT_EQ(c.aws("RunTask", {{"taskDefinition", "held"},
                              {"launchType", "FARGATE"},
                              {"networkConfiguration", {{"awsvpcConfiguration", {{"subnets", {subnet}}}}}}})
                .result_int(),
            200);
  ASSERT_EQ(runtime.launches.size(), 2u);
  runtime.release();  // the runtime reports every task it knew of gone
  // The state is cleared, and the runtime is asked again: the task launched meanwhile goes too.
  ASSERT_TRUE(runtime.wait_for_stop_all()) << "reset did not stop what was launched while it waited";
  EXPECT_EQ(runtime.stop_all_calls, 2);
  EXPECT_EQ(runtime.launches_at_stop_all, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  runtime.release();
  auto res = reply.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["reset"], true);
  EXPECT_TRUE(body_of(c.request(http::verb::get, "/_ecslocal/state", ""))["ecs"].empty());
  EXPECT_TRUE(body_of(c.aws("ListClusters", nlohmann::json::object()))["clusterArns"].empty());
}

}  // namespace
}  // namespace ecslocal::testing
