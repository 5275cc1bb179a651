// ECS services with loadBalancers against ELBv2 (spec elb §5.1-5.2): CreateService/UpdateService
// check the target groups through the TargetGroupDirectory port, and a service's running tasks
// become ip targets (task IP + containerPort) that drain when the task stops.
#include "tests/unit/api/ecs/service_fixture.hpp"
#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using namespace std::chrono_literals;

class ElbServiceTest : public ServiceTest {
 protected:
  ElbServiceTest() {
    ports.provide<TaskObserver>(&elb.provider());
    ports.provide<TargetGroupDirectory>(&elb.provider());
    h.ecs_provider().connect(ports);
    lb = elb.create_alb();
    tg = elb.create_tg("app");
  }
  Json load_balancers(const std::string& arn, const std::string& container = "app", int port = 8080) {
    return Json::array({{{"targetGroupArn", arn}, {"containerName", container}, {"containerPort", port}}});
  }
  std::string target_states() {
    auto states = elb.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).all("State");
    std::sort(states.begin(), states.end());
    std::string out;
    for (const auto& s : states) out += s + " ";
    return out;
  }

  testing::ElbHarness elb;
  Ports ports;
  std::string lb, tg;
};

TEST_F(ElbServiceTest, TargetGroupsAreCheckedAsEcsDoes) {
  auto r = create("web", 1, {{"loadBalancers", load_balancers(tg + "0")}});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(), "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS "
                         "service role being passed has the proper permissions.");
  r = create("web", 1, {{"loadBalancers", load_balancers(tg)}});
  EXPECT_EQ(r.message(), "The target group with targetGroupArn " + tg + " does not have an associated load balancer.");
  const std::string instance = elb.call("CreateTargetGroup", {{"Name", "inst"}, {"Protocol", "HTTP"}, {"Port", "80"},
                                                              {"VpcId", elb.vpc_id()}})
                                   .text("TargetGroupArn");
  ASSERT_FALSE(elb.create_listener(lb, instance, 81).empty());
  r = create("web", 1, {{"loadBalancers", load_balancers(instance)}});
  EXPECT_EQ(r.message(), "The provided target group " + instance +
                             " has target type instance, which is incompatible with the awsvpc network mode specified "
                             "in the task definition.");
  ASSERT_FALSE(elb.create_listener(lb, tg, 80).empty());
  r = create("web", 1, {{"loadBalancers", load_balancers(tg, "nope")}});
  EXPECT_EQ(r.message(), "The container nope does not exist in the task definition.");
  r = create("web", 1, {{"loadBalancers", load_balancers(tg, "app", 9999)}});
  EXPECT_EQ(r.message(), "The container app did not have a container port 9999 defined.");
  r = create("web", 1, {{"loadBalancers", load_balancers(tg)}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  auto u = update("web", {{"loadBalancers", load_balancers(tg + "0")}});
  EXPECT_EQ(u.error_type(), "InvalidParameterException");
}

TEST_F(ElbServiceTest, RunningTasksAreRegisteredAndStoppingOnesDrain) {
  ASSERT_FALSE(elb.create_listener(lb, tg, 80).empty());
  ASSERT_TRUE(create("web", 2, {{"loadBalancers", load_balancers(tg)}}).ok());
  EXPECT_EQ(target_states(), "");
  run_pending("web");
  const auto ids = elb.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).all("Id");
  ASSERT_EQ(ids.size(), 2u);
  std::set<std::string> task_ips;
  for (const auto& arn : tasks_of("web")) {
    const Json task = describe(arn);
    for (const auto& d : task["attachments"][0]["details"])
      if (d["name"] == "privateIPv4Address") task_ips.insert(d["value"].get<std::string>());
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), task_ips);
  EXPECT_EQ(elb.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).all("Port"), (std::vector<std::string>{"8080", "8080"}));
  elb.advance(2s);
  EXPECT_EQ(target_states(), "healthy healthy ");
  ASSERT_TRUE(update("web", {{"desiredCount", 1}}).ok());
  EXPECT_EQ(target_states(), "draining healthy ");  // the stopped task drains, the other serves
}

}  // namespace
}  // namespace ecslocal::api::ecs
