// The service scheduler with a fake runtime and a manual clock: replacement, scaling, rolling
// deployments within their bounds, the circuit breaker, back-off, draining, events.
#include "api/ecs/service_scheduler.hpp"

#include "tests/unit/api/ecs/service_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& text) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

TEST(DeploymentArithmetic, RoundsTheBoundsAsEcsDoes) {
  auto bounds = [](int desired, int min, int max) {
    DeploymentSettings s;
    s.minimum_healthy_percent = min;
    s.maximum_percent = max;
    auto b = deployment_bounds(desired, s);
    return std::make_pair(b.minimum_healthy, b.maximum);
  };
  EXPECT_EQ(bounds(4, 50, 200), std::make_pair(2, 8));
  EXPECT_EQ(bounds(2, 75, 200), std::make_pair(2, 4));   // ceil: nothing can be stopped
  EXPECT_EQ(bounds(3, 100, 125), std::make_pair(3, 3));  // floor: nothing can be started
  EXPECT_EQ(bounds(0, 100, 200), std::make_pair(0, 0));
}

TEST(DeploymentArithmetic, CircuitBreakerThresholdIsHalfTheDesiredCountClamped) {
  EXPECT_EQ(circuit_breaker_threshold(1, 3), 3);
  EXPECT_EQ(circuit_breaker_threshold(25, 3), 13);
  EXPECT_EQ(circuit_breaker_threshold(400, 3), 200);
  EXPECT_EQ(circuit_breaker_threshold(1, 10), 10);  // the 2023 floor
  EXPECT_EQ(circuit_breaker_threshold(25, 10), 13);
}

TEST(DeploymentIds, AreEcsSvcAndNineteenDigits) {
  IdSource ids(7);
  const std::string id = new_deployment_id(ids);
  EXPECT_TRUE(std::regex_match(id, std::regex("ecs-svc/[1-9][0-9]{18}"))) << id;
  EXPECT_NE(new_deployment_id(ids), id);
}

using ServiceSchedulerTest = ServiceTest;

TEST_F(ServiceSchedulerTest, StartsDesiredTasksTaggedWithGroupAndDeployment) {
  auto r = create("web", 2);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& s = r.body["service"];
  EXPECT_EQ(s["runningCount"], 0);
  EXPECT_EQ(s["pendingCount"], 0);
  EXPECT_EQ(s["events"], Json::array());
  const std::string deployment = s["deployments"][0]["id"];
  ASSERT_EQ(runtime.launches.size(), 2u);
  for (const auto& arn : tasks_of("web")) {
    const Json t = describe(arn);
    EXPECT_EQ(t["group"], "service:web");
    EXPECT_EQ(t["startedBy"], deployment);
  }
  EXPECT_EQ(service("web")["pendingCount"], 2);
  run_pending("web");
  const Json after = service("web");
  EXPECT_EQ(after["runningCount"], 2);
  EXPECT_EQ(after["deployments"].size(), 1u);
  EXPECT_EQ(after["deployments"][0]["rolloutState"], "COMPLETED");
  EXPECT_EQ(after["deployments"][0]["rolloutStateReason"], "ECS deployment " + deployment + " completed.");
  const auto messages = event_messages("web");
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], "(service web) has reached a steady state.");
  EXPECT_EQ(messages[1], "(service web) (deployment " + deployment + ") deployment completed.");
  EXPECT_EQ(messages[2].rfind("(service web) has started 2 tasks: (task ", 0), 0u) << messages[2];
}

TEST_F(ServiceSchedulerTest, ReplacesATaskThatStopsAtOnce) {
  ASSERT_TRUE(create("web", 2).ok());
  run_pending("web");
  const std::string victim = tasks_of("web")[0];
  exits(victim, 137);  // docker kill
  EXPECT_EQ(runtime.launches.size(), 3u) << "replacement launched by the event itself, before any tick";
  EXPECT_EQ(describe(victim)["stopCode"], "EssentialContainerExited");
  EXPECT_TRUE(event_messages("web")[0].rfind("(service web) has started 1 tasks: (task ", 0) == 0);
  run_pending("web");
  EXPECT_EQ(service("web")["runningCount"], 2);
  EXPECT_EQ(event_messages("web")[0], "(service web) has reached a steady state.");
}

TEST_F(ServiceSchedulerTest, ScalesUpAndDownWithSchedulerStopCodes) {
  ASSERT_TRUE(create("web", 1).ok());
  run_pending("web");
  ASSERT_TRUE(update("web", {{"desiredCount", 5}}).ok());
  EXPECT_EQ(tasks_of("web").size(), 5u);
  run_pending("web");
  EXPECT_EQ(service("web")["runningCount"], 5);
  EXPECT_EQ(service("web")["deployments"].size(), 1u) << "a desiredCount change is not a new deployment";
  ASSERT_TRUE(update("web", {{"desiredCount", 1}}).ok());
  EXPECT_EQ(tasks_of("web").size(), 1u);
  EXPECT_EQ(runtime.stops.size(), 4u);
  const Json stopped = describe(runtime.stops[0]);
  EXPECT_EQ(stopped["stopCode"], "ServiceSchedulerInitiated");
  EXPECT_EQ(stopped["stoppedReason"], "Scaling activity initiated by (deployment " +
                                          service("web")["deployments"][0]["id"].get<std::string>() + ")");
  EXPECT_TRUE(event_messages("web")[0].rfind("(service web) has stopped 4 running tasks: ", 0) == 0);
  stops_reported();
  EXPECT_EQ(service("web")["runningCount"], 1);
}

TEST_F(ServiceSchedulerTest, RollingUpdateStaysWithinMinimumHealthyAndMaximumPercent) {
  ASSERT_TRUE(create("web", 4, {{"deploymentConfiguration", {{"minimumHealthyPercent", 50}, {"maximumPercent", 100}}}}).ok());
  run_pending("web");
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition()).ok());
  ASSERT_TRUE(update("web", {{"taskDefinition", "plain:2"}}).ok());
  // desired 4, max 100 → at most 4 tasks; min 50 → at least 2 healthy: two old ones stop first.
  for (int round = 0; round < 10; ++round) {
    auto [running, pending] = live_counts("web");
    EXPECT_LE(running + pending, 4) << "round " << round;
    EXPECT_GE(running, 2) << "round " << round;
    stops_reported();
    advance();
    run_pending("web");
  }
  const Json s = service("web");
  ASSERT_EQ(s["deployments"].size(), 1u) << s.dump();
  EXPECT_EQ(s["deployments"][0]["taskDefinition"], kArnPrefix + "task-definition/plain:2");
  EXPECT_EQ(s["runningCount"], 4);
  for (const auto& arn : tasks_of("web")) EXPECT_EQ(describe(arn)["taskDefinitionArn"], kArnPrefix + "task-definition/plain:2");
}

TEST_F(ServiceSchedulerTest, DefaultBoundsStartTheNewTasksBeforeStoppingTheOld) {
  ASSERT_TRUE(create("web", 2).ok());
  run_pending("web");
  ASSERT_TRUE(update("web", {{"forceNewDeployment", true}}).ok());
  const Json s = service("web");
  ASSERT_EQ(s["deployments"].size(), 2u);
  EXPECT_EQ(s["deployments"][0]["status"], "PRIMARY");
  EXPECT_EQ(s["deployments"][1]["status"], "ACTIVE");
  EXPECT_EQ(s["deployments"][1]["desiredCount"], 0);
  EXPECT_EQ(tasks_of("web").size(), 4u) << "max 200%: all new tasks first";
  EXPECT_TRUE(runtime.stops.empty()) << "min 100%: nothing old stops before new ones run";
  run_pending("web");
  EXPECT_EQ(runtime.stops.size(), 2u);
  stops_reported();
  const Json done = service("web");
  EXPECT_EQ(done["deployments"].size(), 1u);
  EXPECT_EQ(done["deployments"][0]["rolloutState"], "COMPLETED");
}

TEST_F(ServiceSchedulerTest, ContainerHealthChecksGateTheDeployment) {
  ASSERT_TRUE(create("web", 1, {{"taskDefinition", "web"}}).ok());
  const std::string arn = tasks_of("web")[0];
  bring_running(arn);
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS") << "not HEALTHY yet";
  auto healthy = testing::event(Kind::ContainerHealth, arn, "app", now);
  healthy.health = "healthy";
  feed(healthy);
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "COMPLETED");
  auto unhealthy = testing::event(Kind::ContainerHealth, arn, "app", now);
  unhealthy.health = "unhealthy";
  feed(unhealthy);
  EXPECT_EQ(describe(arn)["stoppedReason"], "Task failed container health checks");
  const auto messages = event_messages("web");
  EXPECT_TRUE(contains(messages, "(service web) (task " + arn.substr(arn.rfind('/') + 1) + ") failed container health checks."));
  EXPECT_TRUE(contains(messages, "Amazon ECS replaced 1 tasks due to an unhealthy status."));
}

TEST_F(ServiceSchedulerTest, BlockedDeploymentIsReportedOnce) {
  ASSERT_TRUE(create("web", 3, {{"deploymentConfiguration", {{"minimumHealthyPercent", 100}, {"maximumPercent", 125}}}}).ok());
  run_pending("web");
  ASSERT_TRUE(update("web", {{"forceNewDeployment", true}}).ok());
  advance();
  advance();
  const auto messages = event_messages("web");
  const auto blocked = std::count_if(messages.begin(), messages.end(), [](const std::string& m) {
    return m.find("was unable to stop or start tasks during a deployment because of the service deployment configuration") !=
           std::string::npos;
  });
  EXPECT_EQ(blocked, 1);
  EXPECT_EQ(tasks_of("web").size(), 3u);
}

TEST_F(ServiceSchedulerTest, CircuitBreakerFailsTheDeploymentAndStopsLaunching) {
  ASSERT_TRUE(create("web", 1, {{"deploymentConfiguration", {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", false}}}}}}).ok());
  for (int i = 0; i < 3; ++i) {
    const auto tasks = tasks_of("web");
    ASSERT_EQ(tasks.size(), 1u) << "attempt " << i;
    fails_to_start(tasks[0]);
  }
  const Json d = service("web")["deployments"][0];
  EXPECT_EQ(d["rolloutState"], "FAILED") << "tasks that never ran count for the breaker";
  EXPECT_EQ(d["failedTasks"], 3);
  EXPECT_EQ(d["rolloutStateReason"], "ECS deployment circuit breaker: tasks failed to start.");
  EXPECT_TRUE(contains(event_messages("web"), "(deployment " + d["id"].get<std::string>() + ") deployment failed: tasks failed to start."));
  advance(std::chrono::minutes(5));
  EXPECT_EQ(runtime.launches.size(), 3u) << "a FAILED deployment launches nothing more";
}

TEST_F(ServiceSchedulerTest, CircuitBreakerRollsBackToTheLastCompletedDefinition) {
  h.ecs_provider().scheduler().healthy_after = std::chrono::seconds(3);
  ASSERT_TRUE(create("web", 1, {{"deploymentConfiguration", {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}}}}).ok());
  run_pending("web");
  const std::string good = service("web")["deployments"][0]["id"];
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition("plain", "false")).ok());
  ASSERT_TRUE(update("web", {{"taskDefinition", "plain:2"}}).ok());
  for (int i = 0; i < 3; ++i) {
    std::string fresh;
    for (const auto& arn : tasks_of("web"))
      if (describe(arn)["taskDefinitionArn"] == kArnPrefix + "task-definition/plain:2") fresh = arn;
    ASSERT_FALSE(fresh.empty()) << "attempt " << i;
    run_pending("web");  // it reaches RUNNING and its essential container exits at once
    exits(fresh, 1);
  }
  Json s = service("web");
  EXPECT_EQ(s["deployments"][0]["taskDefinition"], kArnPrefix + "task-definition/plain:1") << s.dump();
  EXPECT_EQ(s["deployments"][0]["status"], "PRIMARY");
  for (const auto& d : s["deployments"]) {  // the failed deployment leaves once its tasks are gone
    if (d["taskDefinition"] == kArnPrefix + "task-definition/plain:2") {
      EXPECT_EQ(d["rolloutState"], "FAILED");
    }
  }
  EXPECT_TRUE(contains(event_messages("web"), "deployment failed: tasks failed to start."));
  EXPECT_EQ(s["taskDefinition"], kArnPrefix + "task-definition/plain:1");
  EXPECT_TRUE(contains(event_messages("web"), "(service web) rolling back to deployment " + good + "."));
  run_pending("web");
  advance(std::chrono::seconds(4));  // the rollback's task proved healthy: the older one goes
  stops_reported();
  advance();
  s = service("web");
  ASSERT_EQ(s["deployments"].size(), 1u) << s.dump();
  EXPECT_EQ(s["deployments"][0]["rolloutState"], "COMPLETED");
  EXPECT_EQ(s["runningCount"], 1);
}

// A task of the failed deployment still RUNNING when the breaker trips (its exit not yet seen)
// is no proof: once rolled back the deployment is no longer PRIMARY, where any RUNNING task counts
// as healthy, and its failedTasks must stay what tripped the breaker.
TEST_F(ServiceSchedulerTest, ARunningTaskOfAFailedDeploymentKeepsItsFailedTasks) {
  h.ecs_provider().scheduler().healthy_after = std::chrono::seconds(3);
  ASSERT_TRUE(create("web", 2, {{"deploymentConfiguration", {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}}}}).ok());
  run_pending("web");
  advance(std::chrono::seconds(4));
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition("plain", "false")).ok());
  ASSERT_TRUE(update("web", {{"taskDefinition", "plain:2"}}).ok());
  auto fresh = [&] {
    std::vector<std::string> out;
    for (const auto& arn : tasks_of("web"))
      if (describe(arn)["taskDefinitionArn"] == kArnPrefix + "task-definition/plain:2") out.push_back(arn);
    return out;
  };
  ASSERT_EQ(fresh().size(), 2u);
  run_pending("web");
  const std::string lingering = fresh()[1];  // RUNNING; its exit comes late
  for (int i = 0; i < 3; ++i) {
    std::string failing;
    for (const auto& arn : fresh())
      if (arn != lingering) failing = arn;
    ASSERT_FALSE(failing.empty()) << "attempt " << i;
    run_pending("web");
    exits(failing, 1);
  }
  advance();
  const Json s = service("web");
  Json view;
  for (const auto& d : s["deployments"])
    if (d["taskDefinition"] == kArnPrefix + "task-definition/plain:2") view = d;
  ASSERT_FALSE(view.is_null()) << s.dump();
  EXPECT_EQ(view["rolloutState"], "FAILED");
  EXPECT_EQ(view["status"], "ACTIVE") << "rolled back";
  EXPECT_EQ(view["failedTasks"], 3) << view.dump();
}

TEST_F(ServiceSchedulerTest, ARollbackThatFailsTooStaysFailed) {
  ASSERT_TRUE(create("web", 1, {{"deploymentConfiguration", {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}}}}).ok());
  run_pending("web");
  advance();  // completed: the rollback target
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition()).ok());
  ASSERT_TRUE(update("web", {{"taskDefinition", "plain:2"}}).ok());
  // From now on every task fails to start (say the image went away): plain:2's, then the rollback's.
  for (int i = 0; i < 12 && !tasks_of("web").empty(); ++i) {
    for (const auto& arn : tasks_of("web"))
      if (describe(arn)["lastStatus"] != "RUNNING") fails_to_start(arn);
    advance(std::chrono::seconds(70));
  }
  const auto messages = event_messages("web");
  const auto rollbacks = std::count_if(messages.begin(), messages.end(),
                                       [](const std::string& m) { return m.find("rolling back to deployment") != std::string::npos; });
  EXPECT_EQ(rollbacks, 1) << "one rollback, no loop";
  const Json s = service("web");
  EXPECT_EQ(s["deployments"][0]["rolloutState"], "FAILED") << s.dump();
  EXPECT_EQ(s["deployments"][0]["taskDefinition"], kArnPrefix + "task-definition/plain:1");
}

TEST_F(ServiceSchedulerTest, AProvenTaskEndsTheFailureStreak) {
  ASSERT_TRUE(create("web", 2).ok());
  fails_to_start(tasks_of("web").at(0));
  fails_to_start(tasks_of("web").at(0));
  EXPECT_EQ(service("web")["deployments"][0]["failedTasks"], 2);
  run_pending("web");
  EXPECT_EQ(service("web")["deployments"][0]["failedTasks"], 0) << "a task of the deployment ran: reset";
  fails_to_start(tasks_of("web").at(0));
  EXPECT_EQ(service("web")["deployments"][0]["failedTasks"], 0) << "and no more counting";
}

TEST_F(ServiceSchedulerTest, RepeatedFailuresWithoutBreakerBackOff) {
  ASSERT_TRUE(create("web", 1).ok());
  for (int i = 0; i < 3; ++i) fails_to_start(tasks_of("web").at(0));
  EXPECT_TRUE(tasks_of("web").empty()) << "the third failure in a row delays the next launch";
  EXPECT_TRUE(contains(event_messages("web"), "(service web) is unable to consistently start tasks successfully."));
  advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(tasks_of("web").empty());
  advance(std::chrono::seconds(2));
  EXPECT_EQ(tasks_of("web").size(), 1u);
  EXPECT_EQ(service("web")["deployments"][0]["failedTasks"], 3);
}

TEST_F(ServiceSchedulerTest, TasksWithoutHealthChecksCountAsHealthyAfterTheyRanAWhile) {
  h.ecs_provider().scheduler().healthy_after = std::chrono::seconds(5);
  ASSERT_TRUE(create("web", 1).ok());
  run_pending("web");
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS") << "completes once the task ran 5 s";
  advance(std::chrono::seconds(5));
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "COMPLETED");
  ASSERT_TRUE(update("web", {{"forceNewDeployment", true}}).ok());
  run_pending("web");
  advance(std::chrono::seconds(4));
  EXPECT_TRUE(runtime.stops.empty()) << "the new task has not run for 5 s yet";
  advance(std::chrono::seconds(2));
  EXPECT_EQ(runtime.stops.size(), 1u);
}

TEST_F(ServiceSchedulerTest, BreakerWithoutRollbackKeepsTheOldTasks) {
  h.ecs_provider().scheduler().healthy_after = std::chrono::seconds(5);
  ASSERT_TRUE(create("web", 2, {{"deploymentConfiguration", {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", false}}}}}}).ok());
  run_pending("web");
  advance(std::chrono::seconds(6));
  const auto old_tasks = tasks_of("web");
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition("plain", "false")).ok());
  ASSERT_TRUE(update("web", {{"taskDefinition", "plain:2"}}).ok());
  for (int round = 0; round < 3; ++round) {
    run_pending("web");  // the new tasks reach RUNNING and exit at once
    for (const auto& arn : tasks_of("web"))
      if (describe(arn)["taskDefinitionArn"] == kArnPrefix + "task-definition/plain:2") exits(arn, 1);
    advance();
  }
  const Json s = service("web");
  EXPECT_EQ(s["deployments"][0]["rolloutState"], "FAILED") << s.dump();
  for (const auto& arn : old_tasks)
    EXPECT_EQ(runtime.stop_count(arn), 0u) << "no old task was given up for a new one that never became healthy";
  EXPECT_EQ(tasks_of("web"), old_tasks);
  const auto messages = event_messages("web");
  EXPECT_FALSE(contains(messages, "because of the service deployment configuration")) << "the breaker, not the bounds, stopped it";
}

TEST_F(ServiceSchedulerTest, KilledTasksOfACompletedDeploymentAreReplacedWithoutBackOff) {
  ASSERT_TRUE(create("web", 1).ok());
  run_pending("web");
  for (int i = 0; i < 5; ++i) {
    const auto tasks = tasks_of("web");
    ASSERT_EQ(tasks.size(), 1u) << "kill " << i;
    exits(tasks[0], 137);
    run_pending("web");
  }
  EXPECT_EQ(service("web")["runningCount"], 1);
  EXPECT_EQ(service("web")["deployments"][0]["failedTasks"], 0);
  EXPECT_FALSE(contains(event_messages("web"), "unable to consistently start tasks"));
}

TEST_F(ServiceSchedulerTest, DeleteDrainsThenInactive) {
  ASSERT_TRUE(create("web", 2).ok());
  run_pending("web");
  auto r = h.ecs("DeleteService", {{"service", "web"}, {"force", true}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["service"]["status"], "DRAINING");
  EXPECT_EQ(r.body["service"]["desiredCount"], 0);
  EXPECT_EQ(runtime.stops.size(), 2u);
  auto clusters = h.ecs("DescribeClusters", {{"clusters", {"default"}}});
  EXPECT_EQ(clusters.body["clusters"][0]["activeServicesCount"], 0);
  EXPECT_EQ(service("web")["status"], "DRAINING");
  stops_reported();
  EXPECT_EQ(service("web")["status"], "INACTIVE");
  EXPECT_TRUE(h.ecs("DeleteCluster", {{"cluster", "default"}}).ok()) << "nothing left in the cluster";
}

}  // namespace
}  // namespace ecslocal::api::ecs
