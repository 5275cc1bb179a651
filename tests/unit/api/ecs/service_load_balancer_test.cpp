// Services with loadBalancers against a fake TargetGroupDirectory (spec elb §5.2-5.3, ecs §6.4,
// §6.9): stopped RUNNING tasks stay DEACTIVATING for the deregistration delay, with ECS's
// registration, deregistration and draining events; ELB-unhealthy tasks are replaced after the
// grace period; deployments count only tasks whose targets are healthy.
#include "api/ecs/snapshot.hpp"
#include "api/ports/target_groups.hpp"
#include "tests/unit/api/ecs/service_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTg = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/app/0123456789abcdef";
constexpr const char* kTg2 = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/admin/fedcba9876543210";

// Target groups with a settable deregistration delay, and target health set by the test per
// (group, ip); a target nobody set is `initial`, one in no group `unused`.
class FakeTargetGroups : public TargetGroupDirectory {
 public:
  std::optional<TargetGroupInfo> find_target_group(const std::string&, const std::string&, const std::string& arn) const override {
    auto it = groups.find(arn);
    if (it == groups.end()) return std::nullopt;
    return it->second;
  }
  std::optional<TargetHealthInfo> target_health(const std::string&, const std::string&, const std::string& arn,
                                                const std::string& ip, int port) const override {
    if (!groups.count(arn)) return std::nullopt;
    ++queries;
    if (!groups.at(arn).has_load_balancer)
      return TargetHealthInfo{"unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"};
    if (port != 8080) return TargetHealthInfo{"unused", "Target.NotRegistered", "Target is not registered to the target group"};
    auto it = health.find(arn + "|" + ip);
    if (it == health.end()) return TargetHealthInfo{"initial", "Elb.InitialHealthChecking", "Initial health checks in progress"};
    return it->second;
  }

  void add(const std::string& arn, std::chrono::seconds delay) {
    TargetGroupInfo g;
    g.arn = arn;
    g.name = arn.substr(arn.find("targetgroup/") + 12);
    g.target_type = "ip";
    g.protocol = "HTTP";
    g.port = 8080;
    g.has_load_balancer = true;
    g.deregistration_delay = delay;
    groups[arn] = g;
  }
  void set(const std::string& arn, const std::string& ip, const std::string& state, const std::string& description = "") {
    health[arn + "|" + ip] = TargetHealthInfo{state, state == "unhealthy" ? "Target.ResponseCodeMismatch" : "", description};
  }

  std::map<std::string, TargetGroupInfo> groups;
  std::map<std::string, TargetHealthInfo> health;
  mutable int queries = 0;
};

class ServiceLoadBalancerTest : public ServiceTest {
 protected:
  ServiceLoadBalancerTest() {
    groups.add(kTg, 30s);
    h.ecs_provider().set_target_groups(&groups);
  }

  static Json load_balancers(std::vector<std::string> arns = {kTg}) {
    Json out = Json::array();
    for (const auto& arn : arns) out.push_back({{"targetGroupArn", arn}, {"containerName", "app"}, {"containerPort", 8080}});
    return out;
  }

  std::string ip_of(const std::string& arn) {
    const Json task = describe(arn);
    for (const auto& d : task["attachments"][0]["details"])
      if (d["name"] == "privateIPv4Address") return d["value"];
    return "";
  }
  static std::string id_of(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

  void set_healthy(const std::vector<std::string>& arns, const std::string& tg = kTg) {
    for (const auto& arn : arns) groups.set(tg, ip_of(arn), "healthy");
  }

  // Index of the first event that starts with `prefix`, or -1 (events are newest first).
  int event_index(const std::vector<std::string>& events, const std::string& prefix) {
    for (size_t i = 0; i < events.size(); ++i)
      if (events[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
    return -1;
  }

  FakeTargetGroups groups;
};

TEST_F(ServiceLoadBalancerTest, RunningTasksReportTheirRegistrationOncePerTask) {
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const auto events = event_messages("web");
  const std::string registered = std::string("(service web) registered 1 targets in (target-group ") + kTg + ")";
  EXPECT_EQ(std::count(events.begin(), events.end(), registered), 2) << "one event per task as it reached RUNNING";
  advance();
  advance();
  const auto later = event_messages("web");
  EXPECT_EQ(std::count(later.begin(), later.end(), registered), 2) << "not repeated by ticks";
}

TEST_F(ServiceLoadBalancerTest, ATargetInAGroupNoListenerUsesIsRegisteredButNeverHealthy) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  groups.groups[kTg].has_load_balancer = false;  // its listener was deleted after CreateService
  run_pending("web");
  const auto events = event_messages("web");
  EXPECT_GE(event_index(events, std::string("(service web) registered 1 targets in (target-group ") + kTg + ")"), 0);
  advance(10s);
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS") << "`unused` is not healthy";
  EXPECT_EQ(describe(tasks_of("web")[0])["desiredStatus"], "RUNNING") << "nor unhealthy";
}

TEST_F(ServiceLoadBalancerTest, ScaleInDeactivatesForTheDeregistrationDelayThenStops) {
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  set_healthy(tasks_of("web"));
  advance();
  ASSERT_EQ(service("web")["deployments"][0]["rolloutState"], "COMPLETED");
  const auto before = tasks_of("web");
  ASSERT_TRUE(update("web", {{"desiredCount", 1}}).ok());
  const auto after = tasks_of("web");
  ASSERT_EQ(after.size(), 1u);
  const std::string victim = before[0] == after[0] ? before[1] : before[0];
  Json t = describe(victim);
  EXPECT_EQ(t["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(t["desiredStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "ServiceSchedulerInitiated");
  EXPECT_EQ(runtime.stop_count(victim), 0u) << "the runtime is not told while the target drains";
  EXPECT_EQ(service("web")["runningCount"], 1);

  // ECS's order (newest first here): stopped → deregistered → draining.
  const auto events = event_messages("web");
  const std::string deployment = service("web")["deployments"][0]["id"];
  const int stopped = event_index(events, "(service web) has stopped 1 running tasks: (task " + id_of(victim) + ").");
  const int deregistered = event_index(events, std::string("(service web) deregistered 1 targets in (target-group ") + kTg + ")");
  const int draining = event_index(events, "(service web, taskSet " + deployment + ") has begun draining connections on 1 tasks.");
  ASSERT_GE(stopped, 0);
  ASSERT_GE(deregistered, 0);
  ASSERT_GE(draining, 0);
  EXPECT_GT(stopped, deregistered);
  EXPECT_GT(deregistered, draining);

  advance(29s);
  EXPECT_EQ(describe(victim)["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(runtime.stop_count(victim), 0u);
  advance(1s);
  EXPECT_EQ(describe(victim)["lastStatus"], "STOPPING") << "the delay is over";
  EXPECT_EQ(runtime.stop_count(victim), 1u);
  stops_reported();
  EXPECT_EQ(describe(victim)["lastStatus"], "STOPPED");
  EXPECT_EQ(describe(victim)["stoppedReason"].get<std::string>().rfind("Scaling activity initiated by (deployment ", 0), 0u);
}

TEST_F(ServiceLoadBalancerTest, TheLongestDelayOfTheServicesTargetGroupsApplies) {
  groups.add(kTg2, 60s);
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers({kTg, kTg2})}}).ok());
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  EXPECT_EQ(event_index(event_messages("web"), std::string("(service web) registered 1 targets in (target-group ") + kTg2 + ")") >= 0,
            true);
  ASSERT_TRUE(update("web", {{"desiredCount", 0}}).ok());
  advance(59s);
  EXPECT_EQ(describe(task)["lastStatus"], "DEACTIVATING");
  advance(1s);
  EXPECT_EQ(describe(task)["lastStatus"], "STOPPING");
  const auto events = event_messages("web");
  EXPECT_GE(event_index(events, std::string("(service web) deregistered 1 targets in (target-group ") + kTg2 + ")"), 0);
  EXPECT_GE(event_index(events, std::string("(service web) deregistered 1 targets in (target-group ") + kTg + ")"), 0);
}

TEST_F(ServiceLoadBalancerTest, StopTaskOnALoadBalancedTaskDrainsItFirst) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  auto r = h.ecs("StopTask", {{"task", task}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["task"]["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(r.body["task"]["stopCode"], "UserInitiated");
  EXPECT_EQ(runtime.stop_count(task), 0u);
  advance();
  EXPECT_GE(event_index(event_messages("web"), std::string("(service web) deregistered 1 targets in (target-group ") + kTg + ")"), 0);
  EXPECT_EQ(tasks_of("web").size(), 1u) << "replaced while the old one drains";
  advance(30s);
  EXPECT_EQ(runtime.stop_count(task), 1u);
}

TEST_F(ServiceLoadBalancerTest, ATaskThatDiesWhileDeactivatingIsStoppedAtOnce) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  ASSERT_TRUE(update("web", {{"desiredCount", 0}}).ok());
  ASSERT_EQ(describe(task)["lastStatus"], "DEACTIVATING");
  auto e = testing::event(Kind::ContainerStopped, task, "app", now);
  e.exit_code = 137;
  feed(e);
  EXPECT_EQ(describe(task)["lastStatus"], "STOPPING");
  EXPECT_EQ(runtime.stop_count(task), 1u) << "nothing left to drain for";
  EXPECT_EQ(describe(task)["stopCode"], "ServiceSchedulerInitiated") << "the scheduler's stop stays the cause";
}

TEST_F(ServiceLoadBalancerTest, PendingTasksAndServicesWithoutTargetGroupsStopAtOnce) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  const std::string pending = tasks_of("web")[0];
  ASSERT_TRUE(update("web", {{"desiredCount", 0}}).ok());
  EXPECT_EQ(runtime.stop_count(pending), 1u) << "never registered: nothing drains";
  ASSERT_TRUE(create("plain", 1).ok());
  run_pending("plain");
  const std::string task = tasks_of("plain")[0];
  ASSERT_TRUE(update("plain", {{"desiredCount", 0}}).ok());
  EXPECT_EQ(runtime.stop_count(task), 1u);
  EXPECT_EQ(describe(task)["lastStatus"], "RUNNING") << "until the container stops, as before";
}

TEST_F(ServiceLoadBalancerTest, UnhealthyTargetsAreReplacedAfterTheGracePeriod) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}, {"healthCheckGracePeriodSeconds", 60}}).ok());
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  groups.set(kTg, ip_of(task), "unhealthy", "Health checks failed with these codes: [404]");
  advance(10s);
  EXPECT_EQ(describe(task)["desiredStatus"], "RUNNING") << "within the grace period ELB health is ignored";
  advance(50s);
  const Json t = describe(task);
  EXPECT_EQ(t["desiredStatus"], "STOPPED");
  EXPECT_EQ(t["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(t["stopCode"], "ServiceSchedulerInitiated");
  EXPECT_EQ(t["stoppedReason"], std::string("Task failed ELB health checks in (target-group ") + kTg + ")");
  const auto events = event_messages("web");
  const int unhealthy = event_index(events, "(service web) (task " + id_of(task) + ") (port 8080) is unhealthy in (target-group " +
                                                std::string(kTg) + ") due to (reason Health checks failed with these codes: [404]).");
  const int started = event_index(events, "(service web) has started 1 tasks: (task ");
  ASSERT_GE(unhealthy, 0);
  ASSERT_GE(started, 0);
  EXPECT_GT(unhealthy, started) << "the replacement comes after";
  EXPECT_NE(events[static_cast<size_t>(started)].find("Amazon ECS replaced 1 tasks due to an unhealthy status."), std::string::npos)
      << events[static_cast<size_t>(started)];
  EXPECT_EQ(tasks_of("web").size(), 1u);
  EXPECT_NE(tasks_of("web")[0], task);
}

TEST_F(ServiceLoadBalancerTest, NoGracePeriodMeansUnhealthyTargetsAreReplacedAtOnce) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  EXPECT_EQ(service("web")["healthCheckGracePeriodSeconds"], 0);
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  groups.set(kTg, ip_of(task), "unhealthy", "Request timed out");
  advance();
  EXPECT_EQ(describe(task)["stoppedReason"], std::string("Task failed ELB health checks in (target-group ") + kTg + ")");
  const std::string next = tasks_of("web")[0];
  run_pending("web");
  advance();
  EXPECT_EQ(describe(next)["desiredStatus"], "RUNNING") << "`initial` is not a failure";
}

TEST_F(ServiceLoadBalancerTest, ADeploymentCompletesOnlyWhenTheNewTargetsAreHealthy) {
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS") << "RUNNING, targets still initial";
  EXPECT_EQ(service("web")["runningCount"], 2) << "runningCount counts RUNNING tasks";
  const auto old_tasks = tasks_of("web");
  set_healthy(old_tasks);
  advance();
  ASSERT_EQ(service("web")["deployments"][0]["rolloutState"], "COMPLETED");

  ASSERT_TRUE(update("web", {{"forceNewDeployment", true}}).ok());
  run_pending("web");
  advance(5s);
  Json s = service("web");
  ASSERT_EQ(s["deployments"].size(), 2u) << "the services-stable waiter keeps waiting";
  EXPECT_EQ(s["deployments"][0]["rolloutState"], "IN_PROGRESS");
  for (const auto& arn : old_tasks) EXPECT_EQ(describe(arn)["desiredStatus"], "RUNNING") << "min 100%: no healthy replacement yet";

  std::vector<std::string> fresh;
  for (const auto& arn : tasks_of("web"))
    if (std::find(old_tasks.begin(), old_tasks.end(), arn) == old_tasks.end()) fresh.push_back(arn);
  ASSERT_EQ(fresh.size(), 2u);
  set_healthy({fresh[0]});
  advance();
  int stopped_old = 0;
  for (const auto& arn : old_tasks) stopped_old += describe(arn)["desiredStatus"] == "STOPPED";
  EXPECT_EQ(stopped_old, 1) << "one new target healthy: one old task may go";
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS");

  set_healthy({fresh[1]});
  advance();
  s = service("web");
  for (const auto& arn : old_tasks) EXPECT_EQ(describe(arn)["lastStatus"], "DEACTIVATING");
  ASSERT_EQ(s["deployments"].size(), 1u) << "old tasks only draining do not hold the deployment: " << s.dump();
  EXPECT_EQ(s["deployments"][0]["rolloutState"], "COMPLETED");
  EXPECT_EQ(s["runningCount"], 2);
  EXPECT_EQ(event_messages("web")[0], "(service web) has reached a steady state.");
  advance(30s);
  for (const auto& arn : old_tasks) EXPECT_EQ(runtime.stop_count(arn), 1u);
}

TEST_F(ServiceLoadBalancerTest, IncumbentsWithUnhealthyTargetsDoNotCountTowardTheMinimum) {
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers()},
                                {"healthCheckGracePeriodSeconds", 3600},
                                {"deploymentConfiguration", {{"minimumHealthyPercent", 50}, {"maximumPercent", 100}}}})
                  .ok());
  run_pending("web");
  const auto old_tasks = tasks_of("web");
  set_healthy({old_tasks[0]});
  groups.set(kTg, ip_of(old_tasks[1]), "unhealthy", "Health checks failed");
  advance();
  ASSERT_TRUE(update("web", {{"forceNewDeployment", true}}).ok());
  // min 50% of 2 = 1 healthy: the unhealthy incumbent goes, the healthy one must stay.
  EXPECT_EQ(describe(old_tasks[1])["desiredStatus"], "STOPPED");
  EXPECT_EQ(describe(old_tasks[0])["desiredStatus"], "RUNNING");
}

TEST_F(ServiceLoadBalancerTest, TasksKeepTheTargetGroupsOfTheirDeployment) {
  groups.add(kTg2, 60s);
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers({kTg})}}).ok());
  run_pending("web");
  const std::string old_task = tasks_of("web")[0];
  set_healthy({old_task});
  advance();
  ASSERT_TRUE(update("web", {{"loadBalancers", load_balancers({kTg2})}}).ok());
  ASSERT_EQ(service("web")["deployments"].size(), 2u) << "new load balancers: a new deployment";
  run_pending("web");
  std::string fresh;
  for (const auto& arn : tasks_of("web"))
    if (arn != old_task) fresh = arn;
  ASSERT_FALSE(fresh.empty());
  set_healthy({fresh}, kTg);  // healthy in the old group means nothing for the new deployment
  advance();
  EXPECT_EQ(describe(old_task)["desiredStatus"], "RUNNING");
  set_healthy({fresh}, kTg2);
  advance();
  EXPECT_EQ(describe(old_task)["lastStatus"], "DEACTIVATING");
  const auto events = event_messages("web");
  EXPECT_GE(event_index(events, std::string("(service web) deregistered 1 targets in (target-group ") + kTg + ")"), 0);
  EXPECT_LT(event_index(events, std::string("(service web) deregistered 1 targets in (target-group ") + kTg2 + ")"), 0);
  EXPECT_GE(event_index(events, std::string("(service web) registered 1 targets in (target-group ") + kTg2 + ")"), 0);
  advance(30s);
  EXPECT_EQ(runtime.stop_count(old_task), 1u) << "its own group's delay (30 s), not the new group's (60 s)";
}

TEST_F(ServiceLoadBalancerTest, ADeactivatingTaskSurvivesASnapshot) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const std::string arn = tasks_of("web")[0];
  ASSERT_TRUE(update("web", {{"desiredCount", 0}}).ok());
  const Task* task = h.ecs_provider().store().at(kAccount, "us-east-1").tasks.find_by_arn(arn);
  ASSERT_TRUE(task && task->deactivating_until);
  const Task restored = restore_task(snapshot_task(*task));
  EXPECT_EQ(restored.last_status, TaskStatus::Deactivating);
  EXPECT_EQ(restored.deactivating_until, task->deactivating_until);
  EXPECT_EQ(restored.targets_registered, task->targets_registered);
  EXPECT_EQ(snapshot_task(restored), snapshot_task(*task));
  // The deployment's target groups too.
  const Json snapshot = h.ecs_provider().snapshot();
  EcsProvider other;
  other.restore(snapshot);
  const EcsService* s = other.store().at(kAccount, "us-east-1").services.find("default", "web");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->deployments.at(0).spec.load_balancers, load_balancers());
}

}  // namespace
}  // namespace ecslocal::api::ecs
