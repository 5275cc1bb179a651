#pragma once
// Shared set-up of the service tests: the task fixture (gateway, fake runtime, default cluster,
// "web" with a health check) plus "plain" (one essential container, no health check), and
// helpers to create and read services and to move their tasks with runtime events. Time for the
// scheduler's tick is a manual clock (`advance`).
#include <chrono>
#include <regex>
#include <set>

#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {

inline Json plain_definition(const std::string& family = "plain", const std::string& command = "httpd") {
  return Json{{"family", family},
              {"requiresCompatibilities", {"FARGATE"}},
              {"networkMode", "awsvpc"},
              {"cpu", "256"},
              {"memory", "512"},
              {"containerDefinitions", Json::array({{{"name", "app"},
                                                     {"image", "busybox:latest"},
                                                     {"command", {command}},
                                                     {"portMappings", Json::array({{{"containerPort", 8080}}})}}})}};
}

class ServiceTest : public TaskOpsTest {
 protected:
  ServiceTest() {
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition()).ok());
    h.ecs_provider().scheduler().healthy_after = Clock::duration::zero();  // tests that need it set it
    manual_clock = now;
  }

  CallResult create(const std::string& name, int desired, Json extra = Json::object()) {
    Json input = {{"serviceName", name},
                  {"taskDefinition", "plain"},
                  {"desiredCount", desired},
                  {"launchType", "FARGATE"},
                  {"networkConfiguration", network()}};
    for (auto& [k, v] : extra.items()) input[k] = v;
    return h.ecs("CreateService", input);
  }

  CallResult update(const std::string& name, Json extra) {
    extra["service"] = name;
    return h.ecs("UpdateService", extra);
  }

  Json service(const std::string& name) {
    auto r = h.ecs("DescribeServices", {{"services", {name}}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    EXPECT_EQ(r.body["services"].size(), 1u) << r.body.dump();
    return r.body["services"].empty() ? Json() : r.body["services"][0];
  }

  std::vector<std::string> event_messages(const std::string& name) {
    std::vector<std::string> out;
    const Json described = service(name);
    for (const auto& e : described["events"]) out.push_back(e["message"]);
    return out;
  }

  // ARNs of the service's tasks whose desired status is RUNNING.
  std::vector<std::string> tasks_of(const std::string& name) {
    auto r = h.ecs("ListTasks", {{"serviceName", name}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.body["taskArns"].get<std::vector<std::string>>();
  }

  // Brings every not-yet-running task of the service ("plain": one container) to RUNNING.
  void run_pending(const std::string& name) {
    for (const auto& arn : tasks_of(name)) {
      if (describe(arn)["lastStatus"] == "RUNNING") continue;
      auto net = testing::event(Kind::NetworkReady, arn, "", now);
      feed(net);
      feed(testing::event(Kind::ContainerStarted, arn, "app", now));
    }
  }

  // The essential container exits with `exit_code`, then the runtime reports the task stopped.
  void exits(const std::string& arn, int exit_code) {
    auto e = testing::event(Kind::ContainerStopped, arn, "app", now);
    e.exit_code = exit_code;
    feed(e);
    feed(testing::event(Kind::TaskStopped, arn, "", now));
  }

  // The runtime reports that a task it was told to stop is gone.
  void stops_reported() {
    for (const auto& key : runtime.stops)
      if (reported_.insert(key).second) feed(testing::event(Kind::TaskStopped, key, "", now));
  }

  // The task could not start.
  void fails_to_start(const std::string& arn) {
    auto e = testing::event(Kind::TaskFailed, arn, "app", now);
    e.reason = "CannotStartContainerError: exit";
    feed(e);
    feed(testing::event(Kind::TaskStopped, arn, "", now));
  }

  void advance(std::chrono::milliseconds by = std::chrono::seconds(1)) {
    now += by;
    manual_clock = now;
    h.ecs_provider().tick(now);
  }

  // {RUNNING, not yet RUNNING} among the service's tasks with desired status RUNNING.
  std::pair<int, int> live_counts(const std::string& name) {
    int running = 0, pending = 0;
    for (const auto& arn : tasks_of(name)) (describe(arn)["lastStatus"] == "RUNNING" ? running : pending) += 1;
    return {running, pending};
  }

  Clock::time_point now = Clock::now();

 private:
  std::set<std::string> reported_;
};

}  // namespace ecslocal::api::ecs
