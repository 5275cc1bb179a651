// The whole App (task runner included) on the in-memory Docker daemon: RunTask over HTTP makes
// containers that run, reset removes them before it answers.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "tests/component/test_server.hpp"
#include "tests/fakes/fake_docker_client.hpp"

namespace ecslocal::testing {
namespace {

const char* kPause = "ecslocal/pause:component";

class AppOnFakeDocker : public ::testing::Test {
 protected:
  void SetUp() override {
    docker.add_image(kPause);
    docker.add_image("busybox:latest");
    auto config = test_config();
    config.docker = true;
    config.instance = "component-fake";
    server::AppDeps deps;
    deps.docker = &docker;
    deps.pause_image = kPause;
    app = std::make_unique<server::App>(config, deps);
    app->start();
  }
  void TearDown() override { app.reset(); }

  std::string run_task(Connection& c) {
    EXPECT_EQ(c.aws("CreateCluster", nlohmann::json::object()).result_int(), 200);
    nlohmann::json definition = {
        {"family", "sleeper"},
        {"requiresCompatibilities", {"FARGATE"}},
        {"networkMode", "awsvpc"},
        {"cpu", "256"},
        {"memory", "512"},
        {"containerDefinitions", {{{"name", "main"}, {"image", "busybox:latest"}, {"command", {"sleep", "3600"}}}}}};
    EXPECT_EQ(c.aws("RegisterTaskDefinition", definition).result_int(), 200);
    auto res = c.aws("RunTask", {{"taskDefinition", "sleeper"},
                                 {"launchType", "FARGATE"},
                                 {"networkConfiguration", {{"awsvpcConfiguration", {{"subnets", {default_subnet(c)}}}}}}});
    EXPECT_EQ(res.result_int(), 200) << res.body();
    auto body = body_of(res);
    EXPECT_EQ(body["failures"], nlohmann::json::array()) << body;
    return body["tasks"].empty() ? "" : body["tasks"][0]["taskArn"].get<std::string>();
  }

  // DescribeTasks until lastStatus is `status` (the runner reports through events; 30 s bound).
  nlohmann::json wait_status(Connection& c, const std::string& arn, const std::string& status) {
    nlohmann::json task;
    for (int i = 0; i < 3000; ++i) {
      task = body_of(c.aws("DescribeTasks", {{"tasks", {arn}}}))["tasks"][0];
      if (task["lastStatus"] == status) return task;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "task never reached " << status << ": " << task.dump();
    return task;
  }

  FakeDockerClient docker;
  std::unique_ptr<server::App> app;
};

TEST_F(AppOnFakeDocker, RunTaskOverHttpRunsContainers) {
  Connection c(app->port());
  const auto arn = run_task(c);
  ASSERT_FALSE(arn.empty());
  auto task = wait_status(c, arn, "RUNNING");
  EXPECT_EQ(task["containers"][0]["lastStatus"], "RUNNING");
  EXPECT_GE(docker.container_count(), 2u);  // the pause container and main
  EXPECT_GT(docker.count(runtime::DockerOp::start_container), 0);
}

TEST_F(AppOnFakeDocker, ResetRemovesTheContainersBeforeItAnswers) {
  Connection c(app->port());
  const auto arn = run_task(c);
  wait_status(c, arn, "RUNNING");
  ASSERT_GE(docker.container_count(), 2u);
  auto res = c.request(http::verb::post, "/_ecslocal/reset", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(docker.container_count(), 0u);  // gone when the reply arrives
  EXPECT_TRUE(body_of(c.request(http::verb::get, "/_ecslocal/state", ""))["ecs"].empty());
  EXPECT_TRUE(body_of(c.aws("ListTasks", nlohmann::json::object()))["taskArns"].empty());
}

}  // namespace
}  // namespace ecslocal::testing
