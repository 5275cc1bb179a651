#pragma once
// Shared set-up of the task operation tests: an ApiHarness whose ECS provider runs tasks on a
// FakeTaskRuntime, the default cluster, a Fargate task definition "web" (app: essential, port
// 8080, health check; sidecar: non-essential, memory 64) and helpers to run, describe and move
// tasks with runtime events.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "api/ecs/task_network.hpp"
#include "tests/fakes/api_harness.hpp"
#include "tests/fakes/fake_task_runtime.hpp"

namespace ecslocal::api::ecs {

using Kind = runtime::TaskEvent::Kind;
using testing::CallResult;
using testing::expect_error;

inline const std::string kAccount = "000000000000";
inline const std::string kArnPrefix = "arn:aws:ecs:us-east-1:000000000000:";

inline Json web_definition(const std::string& family = "web") {
  return Json{{"family", family},
              {"requiresCompatibilities", {"FARGATE"}},
              {"networkMode", "awsvpc"},
              {"cpu", "256"},
              {"memory", "512"},
              {"containerDefinitions",
               Json::array({{{"name", "app"},
                             {"image", "busybox:latest"},
                             {"portMappings", Json::array({{{"containerPort", 8080}}})},
                             {"healthCheck", {{"command", {"CMD-SHELL", "true"}}}}},
                            {{"name", "sidecar"}, {"image", "busybox:latest"}, {"essential", false}, {"memory", 64}}})}};
}

class TaskOpsTest : public ::testing::Test {
 protected:
  TaskOpsTest() {
    h.ecs_provider().set_task_runtime(&runtime);
    EXPECT_TRUE(h.ecs("CreateCluster").ok());
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", web_definition()).ok());
  }

  std::string default_subnet(size_t zone = 0) const { return make_default_vpc(kAccount, "us-east-1").subnets.at(zone).id; }
  // The default VPC's `default` security group.
  std::string default_group() const {
    return vpc::default_group_id(kAccount, "us-east-1", make_default_vpc(kAccount, "us-east-1").id);
  }

  Json network(const std::string& assign_public_ip = "DISABLED") const {
    return {{"awsvpcConfiguration",
             {{"subnets", {default_subnet()}}, {"securityGroups", {default_group()}}, {"assignPublicIp", assign_public_ip}}}};
  }

  // RunTask on the default cluster with FARGATE and the default subnet, plus `extra` members.
  CallResult run(Json extra = Json::object()) {
    Json input = {{"taskDefinition", "web"}, {"launchType", "FARGATE"}, {"networkConfiguration", network()}};
    for (auto& [k, v] : extra.items()) input[k] = v;
    return h.ecs("RunTask", input);
  }

  // One task, checked to succeed; returns its ARN.
  std::string run_one(Json extra = Json::object()) {
    auto r = run(std::move(extra));
    EXPECT_TRUE(r.ok()) << r.body.dump();
    EXPECT_EQ(r.body["tasks"].size(), 1u) << r.body.dump();
    return r.body["tasks"].empty() ? "" : r.body["tasks"][0]["taskArn"].get<std::string>();
  }

  Json describe(const std::string& arn, const std::string& cluster = "default") {
    auto r = h.ecs("DescribeTasks", {{"cluster", cluster}, {"tasks", {arn}}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    EXPECT_EQ(r.body["tasks"].size(), 1u) << r.body.dump();
    return r.body["tasks"].empty() ? Json() : r.body["tasks"][0];
  }

  void feed(Kind kind, const std::string& arn, const std::string& container = "") {
    h.ecs_provider().on_task_event(testing::event(kind, arn, container));
  }
  void feed(runtime::TaskEvent e) { h.ecs_provider().on_task_event(e); }

  void container_stopped(const std::string& arn, const std::string& container, int exit_code) {
    auto e = testing::event(Kind::ContainerStopped, arn, container);
    e.exit_code = exit_code;
    feed(e);
  }

  // Network, pulls and both containers: the task is RUNNING afterwards.
  void bring_running(const std::string& arn) {
    auto net = testing::event(Kind::NetworkReady, arn);
    net.mac_address = "02:42:ac:1f:00:04";
    feed(net);
    feed(Kind::PullStarted, arn);
    feed(Kind::PullStopped, arn);
    for (const char* name : {"app", "sidecar"}) {
      auto started = testing::event(Kind::ContainerStarted, arn, name);
      started.runtime_id = std::string(name) + "-docker-id";
      feed(started);
    }
  }

  // {pendingTasksCount, runningTasksCount} of a cluster.
  std::pair<int, int> counts(const std::string& cluster = "default") {
    auto r = h.ecs("DescribeClusters", {{"clusters", {cluster}}});
    const Json& c = r.body["clusters"][0];
    return {c["pendingTasksCount"].get<int>(), c["runningTasksCount"].get<int>()};
  }

  testing::FakeTaskRuntime runtime;  // before the harness: outlives the provider's pointer
  std::optional<Clock::time_point> manual_clock;  // when set, the time of every request
  testing::ApiHarness h{42, [this] { return manual_clock.value_or(Clock::now()); }};
};

}  // namespace ecslocal::api::ecs
