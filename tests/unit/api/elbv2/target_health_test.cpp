#include <gtest/gtest.h>

#include "api/elbv2/routing.hpp"
#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;

class ElbTargetHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lb = h.create_alb();
    tg = h.create_tg("app", {{"HealthCheckPath", "/health"}, {"HealthCheckIntervalSeconds", "10"}});
  }
  ElbReply health(const Params& extra = {}) {
    Params p{{"TargetGroupArn", tg}};
    p.insert(p.end(), extra.begin(), extra.end());
    return h.call("DescribeTargetHealth", p);
  }
  ElbReply register_target(const std::string& ip, const std::string& port = "") {
    Params p{{"TargetGroupArn", tg}, {"Targets.member.1.Id", ip}};
    if (!port.empty()) p.emplace_back("Targets.member.1.Port", port);
    return h.call("RegisterTargets", p);
  }
  ElbHarness h;
  std::string lb, tg;
};

TEST_F(ElbTargetHealthTest, TargetsOfAnUnusedGroupAreUnusedAndNotProbed) {
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  auto r = health();
  EXPECT_EQ(r.text("Id"), "172.31.0.10");
  EXPECT_EQ(r.text("Port"), "8080");  // the group's port
  EXPECT_EQ(r.text("HealthCheckPort"), "8080");
  EXPECT_EQ(r.text("State"), "unused");
  EXPECT_EQ(r.text("Reason"), "Target.NotInUse");
  EXPECT_EQ(r.text("Description"), "Target group is not configured to receive traffic from the load balancer");
  h.advance(60s);
  EXPECT_TRUE(h.prober.probes.empty());
}

TEST_F(ElbTargetHealthTest, ANewTargetIsHealthyAfterItsFirstPassingCheck) {
  h.create_listener(lb, tg);
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  auto r = health();
  EXPECT_EQ(r.text("State"), "initial");
  EXPECT_EQ(r.text("Reason"), "Elb.RegistrationInProgress");
  EXPECT_EQ(r.text("Description"), "Target registration is in progress");
  h.prober.hold = true;
  h.advance(2s);  // the registration step: the first probe goes out
  ASSERT_EQ(h.prober.probes.size(), 1u);
  EXPECT_EQ(h.prober.probes[0].address, "172.31.0.10");
  EXPECT_EQ(h.prober.probes[0].port, 8080);
  EXPECT_EQ(h.prober.probes[0].path, "/health");
  EXPECT_EQ(h.prober.probes[0].protocol, "HTTP");
  EXPECT_EQ(h.prober.probes[0].timeout, 5s);
  EXPECT_EQ(health().text("Reason"), "Elb.InitialHealthChecking");
  EXPECT_EQ(health().text("Description"), "Initial health checks in progress");
  h.prober.answer_held();
  r = health();
  EXPECT_EQ(r.text("State"), "healthy");
  EXPECT_FALSE(r.has("<Reason>"));
  // Next probes every interval (10 s).
  h.prober.hold = false;
  h.advance(30s);
  EXPECT_EQ(h.prober.probes.size(), 4u);
}

TEST_F(ElbTargetHealthTest, FailingChecksMakeATargetUnhealthyAndPassingOnesHealthyAgain) {
  h.create_listener(lb, tg);
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  h.advance(2s);
  ASSERT_EQ(health().text("State"), "healthy");
  h.prober.set_status("172.31.0.10:8080", 404);
  h.advance(10s);
  EXPECT_EQ(health().text("State"), "healthy");  // 1 of 2 failures
  h.advance(10s);
  auto r = health();
  EXPECT_EQ(r.text("State"), "unhealthy");
  EXPECT_EQ(r.text("Reason"), "Target.ResponseCodeMismatch");
  EXPECT_EQ(r.text("Description"), "Health checks failed with these codes: [404]");
  h.prober.set_outcome("172.31.0.10:8080", api::ProbeOutcome::Kind::Timeout);
  h.advance(20s);
  EXPECT_EQ(health().text("Description"), "Request timed out");
  EXPECT_EQ(health().text("Reason"), "Target.Timeout");
  h.prober.set_status("172.31.0.10:8080", 200);
  h.advance(40s);  // 4 passes of the 5 needed
  EXPECT_EQ(health().text("State"), "unhealthy");
  h.advance(10s);
  EXPECT_EQ(health().text("State"), "healthy");
}

TEST_F(ElbTargetHealthTest, DeregisteredTargetsDrainForTheDelayThenLeave) {
  h.create_listener(lb, tg);
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  ASSERT_TRUE(register_target("172.31.0.11", "9000").ok());
  h.advance(2s);
  EXPECT_EQ(health().all("State"), (std::vector<std::string>{"healthy", "healthy"}));
  ASSERT_TRUE(h.call("ModifyTargetGroupAttributes", {{"TargetGroupArn", tg},
                                                     {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                                                     {"Attributes.member.1.Value", "30"}})
                  .ok());
  ASSERT_TRUE(h.call("DeregisterTargets", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", "172.31.0.10"}}).ok());
  auto r = health({{"Targets.member.1.Id", "172.31.0.10"}});
  EXPECT_EQ(r.text("State"), "draining");
  EXPECT_EQ(r.text("Reason"), "Target.DeregistrationInProgress");
  EXPECT_EQ(r.text("Description"), "Target deregistration is in progress");
  const size_t probes = h.prober.probes.size();
  h.advance(29s);
  EXPECT_EQ(health({{"Targets.member.1.Id", "172.31.0.10"}}).text("State"), "draining");
  h.advance(1s);
  r = health({{"Targets.member.1.Id", "172.31.0.10"}});
  EXPECT_EQ(r.text("State"), "unused");
  EXPECT_EQ(r.text("Reason"), "Target.NotRegistered");
  EXPECT_EQ(health().all("Id"), (std::vector<std::string>{"172.31.0.11"}));
  // Only the remaining target was probed meanwhile (every 10 s).
  EXPECT_EQ(h.prober.probes.size() - probes, 3u);
  for (size_t i = probes; i < h.prober.probes.size(); ++i) EXPECT_EQ(h.prober.probes[i].address, "172.31.0.11");
}

TEST_F(ElbTargetHealthTest, BadTargetsAreInvalidTarget) {
  EXPECT_EQ(register_target("8.8.8.8").code, "InvalidTarget");
  EXPECT_EQ(register_target("not-an-ip").code, "InvalidTarget");
  EXPECT_EQ(h.call("DeregisterTargets", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", "10.0.0.1"}}).code, "InvalidTarget");
  EXPECT_EQ(h.call("DescribeTargetHealth", {{"TargetGroupArn", tg + "x"}}).code, "TargetGroupNotFound");
}

TEST_F(ElbTargetHealthTest, RoutesGoToHealthyTargetsOrFailOpen) {
  const std::string listener = h.create_listener(lb, tg);
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  ASSERT_TRUE(register_target("172.31.0.11").ok());
  auto& state = h.provider().state("000000000000", "us-east-1");
  auto routes = [&] {
    return api::elbv2::routing_config(state, state.listeners.at(listener), h.now, std::chrono::seconds(2));
  };
  EXPECT_TRUE(routes()->groups.at(tg).targets.empty());  // still registering
  h.prober.set_status("172.31.0.11:8080", 500);
  h.advance(2s);
  auto r = routes();
  ASSERT_EQ(r->groups.at(tg).targets.size(), 1u);
  EXPECT_EQ(r->groups.at(tg).targets[0].ip, "172.31.0.10");
  h.prober.set_status("172.31.0.10:8080", 500);
  h.advance(20s);
  EXPECT_EQ(health().all("State"), (std::vector<std::string>{"unhealthy", "unhealthy"}));
  EXPECT_EQ(routes()->groups.at(tg).targets.size(), 2u);  // fail-open
  ASSERT_EQ(r->rules.size(), 1u);
  EXPECT_EQ(r->rules[0].action.type, "forward");
}

TEST_F(ElbTargetHealthTest, DrainingTargetsArePublishedApartUntilTheDelayIsOver) {
  const std::string listener = h.create_listener(lb, tg);
  ASSERT_TRUE(h.call("ModifyTargetGroupAttributes", {{"TargetGroupArn", tg},
                                                     {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                                                     {"Attributes.member.1.Value", "30"}})
                  .ok());
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  ASSERT_TRUE(register_target("172.31.0.11").ok());
  h.advance(2s);
  auto& state = h.provider().state("000000000000", "us-east-1");
  auto routes = [&] {
    return api::elbv2::routing_config(state, state.listeners.at(listener), h.now, std::chrono::seconds(2));
  };
  ASSERT_EQ(routes()->groups.at(tg).targets.size(), 2u);
  ASSERT_TRUE(h.call("DeregisterTargets", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", "172.31.0.11"}}).ok());
  auto r = routes();
  ASSERT_EQ(r->groups.at(tg).targets.size(), 1u);
  ASSERT_EQ(r->groups.at(tg).draining.size(), 1u);
  EXPECT_EQ(r->groups.at(tg).draining[0].ip, "172.31.0.11");
  h.advance(31s);
  EXPECT_TRUE(routes()->groups.at(tg).draining.empty());
}

TEST_F(ElbTargetHealthTest, SnapshotKeepsEverythingAndRestoreRearmsProbes) {
  const std::string listener = h.create_listener(lb, tg);
  ASSERT_TRUE(register_target("172.31.0.10").ok());
  h.advance(2s);
  ASSERT_TRUE(h.call("AddTags", {{"ResourceArns.member.1", tg}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}}).ok());
  const api::Json snap = h.provider().snapshot();
  const std::string before = h.call("DescribeTargetGroups").body + health().body;

  ElbHarness other;
  other.now = h.now;
  other.provider().restore(snap);
  EXPECT_EQ(other.call("DescribeTargetGroups").body + other.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).body, before);
  EXPECT_TRUE(other.call("DescribeTags", {{"ResourceArns.member.1", tg}}).has("<Key>k</Key>"));
  EXPECT_EQ(other.call("DescribeListeners", {{"LoadBalancerArn", lb}}).text("ListenerArn"), listener);
  other.prober.set_status("172.31.0.10:8080", 503);
  other.advance(20s);
  EXPECT_EQ(other.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).text("State"), "unhealthy");
  EXPECT_THROW(other.provider().restore(api::Json{{"format", 1}, {"service", "ecs"}}), std::runtime_error);
  EXPECT_EQ(other.call("DescribeTargetGroups").count("TargetGroupArn"), 1u);  // unchanged
}

TEST_F(ElbTargetHealthTest, EcsTasksOfAServiceAreRegisteredAndDrained) {
  h.create_listener(lb, tg);
  api::TaskInfo task;
  task.account_id = "000000000000";
  task.region = "us-east-1";
  task.private_ipv4 = "172.31.0.20";
  task.availability_zone = "us-east-1a";
  task.load_balancers.push_back({tg, "app", 8080});
  h.provider().on_task(api::TaskChange::Running, task);
  auto r = health();
  EXPECT_EQ(r.text("Id"), "172.31.0.20");
  EXPECT_EQ(r.text("Port"), "8080");
  h.advance(2s);
  EXPECT_EQ(health().text("State"), "healthy");
  auto info = h.provider().target_health("000000000000", "us-east-1", tg, "172.31.0.20", 8080);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, "healthy");
  h.provider().on_task(api::TaskChange::Stopping, task);
  EXPECT_EQ(health().text("State"), "draining");
  h.advance(300s);
  EXPECT_EQ(health().count("Id"), 0u);
  auto group = h.provider().find_target_group("000000000000", "us-east-1", tg);
  ASSERT_TRUE(group.has_value());
  EXPECT_TRUE(group->has_load_balancer);
  EXPECT_EQ(group->target_type, "ip");
  EXPECT_EQ(group->deregistration_delay, 300s);
  EXPECT_FALSE(h.provider().find_target_group("000000000000", "us-east-1", tg + "x").has_value());
}

}  // namespace
}  // namespace ecslocal::testing
