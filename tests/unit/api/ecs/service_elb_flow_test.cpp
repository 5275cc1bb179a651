// ECS services against the real ELBv2 provider (its health state machine, fed by a fake prober):
// what ELB's targets do drives the scheduler (spec elb §4.2, §5.2-5.3). ECS and ELB each run on a
// manual clock; the tests move both by the same amounts.
#include "tests/unit/api/ecs/service_fixture.hpp"
#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using namespace std::chrono_literals;

class ServiceElbFlowTest : public ServiceTest {
 protected:
  ServiceElbFlowTest() {
    ports.provide<TaskObserver>(&elb.provider());
    ports.provide<TargetGroupDirectory>(&elb.provider());
    h.ecs_provider().connect(ports);
    lb = elb.create_alb();
    tg = elb.create_tg("app", {{"HealthCheckPath", "/health"},
                               {"HealthCheckIntervalSeconds", "5"},
                               {"HealthCheckTimeoutSeconds", "2"},
                               {"HealthyThresholdCount", "2"},
                               {"UnhealthyThresholdCount", "2"}});
    EXPECT_TRUE(elb.call("ModifyTargetGroupAttributes", {{"TargetGroupArn", tg},
                                                         {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                                                         {"Attributes.member.1.Value", "10"}})
                    .ok());
    EXPECT_FALSE(elb.create_listener(lb, tg, 8080).empty());
  }

  Json load_balancers() const {
    return Json::array({{{"targetGroupArn", tg}, {"containerName", "app"}, {"containerPort", 8080}}});
  }
  std::string ip_of(const std::string& arn) {
    const Json task = describe(arn);
    for (const auto& d : task["attachments"][0]["details"])
      if (d["name"] == "privateIPv4Address") return d["value"];
    return "";
  }
  std::string state_of(const std::string& ip) {
    auto r = elb.call("DescribeTargetHealth", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", ip}, {"Targets.member.1.Port", "8080"}});
    return r.text("State");
  }
  // Both clocks forward, ELB's timers first (probes), then the scheduler's tick.
  void both(std::chrono::seconds by) {
    for (auto step = 0s; step < by; step += 1s) {
      elb.advance(1s);
      advance(1s);
    }
  }

  testing::ElbHarness elb;
  Ports ports;
  std::string lb, tg;
};

TEST_F(ServiceElbFlowTest, HealthyTargetsCompleteTheDeploymentAndScaleInDrainsForTheDelay) {
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const auto tasks = tasks_of("web");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(state_of(ip_of(tasks[0])), "initial");
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "IN_PROGRESS");
  both(3s);  // registration step (2 s), then one passing check
  EXPECT_EQ(state_of(ip_of(tasks[0])), "healthy");
  EXPECT_EQ(service("web")["deployments"][0]["rolloutState"], "COMPLETED");

  ASSERT_TRUE(update("web", {{"desiredCount", 1}}).ok());
  std::string leaving;
  for (const auto& arn : tasks)
    if (describe(arn)["desiredStatus"] == "STOPPED") leaving = arn;
  ASSERT_FALSE(leaving.empty());
  const std::string ip = ip_of(leaving);
  EXPECT_EQ(describe(leaving)["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(state_of(ip), "draining");
  both(9s);
  EXPECT_EQ(describe(leaving)["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(state_of(ip), "draining");
  both(1s);
  EXPECT_EQ(describe(leaving)["lastStatus"], "STOPPING");
  EXPECT_EQ(state_of(ip), "unused") << "drained and gone";
  EXPECT_EQ(runtime.stop_count(leaving), 1u);
}

TEST_F(ServiceElbFlowTest, AFailingHealthCheckPathGetsTheTaskReplaced) {
  ASSERT_TRUE(create("web", 1, {{"loadBalancers", load_balancers()}}).ok());
  run_pending("web");
  const std::string task = tasks_of("web")[0];
  const std::string ip = ip_of(task);
  elb.prober.set_status(ip + ":8080", 404);
  both(3s);
  EXPECT_EQ(state_of(ip), "initial") << "one failure is not enough";
  EXPECT_EQ(describe(task)["desiredStatus"], "RUNNING");
  both(5s);
  EXPECT_EQ(state_of(ip), "draining") << "unhealthy, then deregistered by ECS's stop";
  const Json t = describe(task);
  EXPECT_EQ(t["lastStatus"], "DEACTIVATING");
  EXPECT_EQ(t["stoppedReason"], "Task failed ELB health checks in (target-group " + tg + ")");
  const auto events = event_messages("web");
  const std::string id = task.substr(task.rfind('/') + 1);
  EXPECT_NE(std::find(events.begin(), events.end(),
                      "(service web) (task " + id + ") (port 8080) is unhealthy in (target-group " + tg +
                          ") due to (reason Health checks failed with these codes: [404])."),
            events.end());
  ASSERT_EQ(tasks_of("web").size(), 1u);
  EXPECT_NE(tasks_of("web")[0], task) << "replaced";
}

}  // namespace
}  // namespace ecslocal::api::ecs
