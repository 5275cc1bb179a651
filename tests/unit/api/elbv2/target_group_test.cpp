#include <gtest/gtest.h>

#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::testing {
namespace {

class ElbTargetGroupTest : public ::testing::Test {
 protected:
  ElbHarness h;
};

TEST_F(ElbTargetGroupTest, HttpTargetGroupHasAwsDefaults) {
  auto r = h.call("CreateTargetGroup", {{"Name", "ui-application"},
                                        {"Protocol", "HTTP"},
                                        {"Port", "8080"},
                                        {"VpcId", h.vpc_id()},
                                        {"TargetType", "ip"}});
  ASSERT_TRUE(r.ok()) << r.body;
  const std::string arn = r.text("TargetGroupArn");
  EXPECT_EQ(arn.rfind("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/ui-application/", 0), 0u);
  EXPECT_EQ(r.text("HealthCheckProtocol"), "HTTP");
  EXPECT_EQ(r.text("HealthCheckPort"), "traffic-port");
  EXPECT_EQ(r.text("HealthCheckEnabled"), "true");
  EXPECT_EQ(r.text("HealthCheckPath"), "/");
  EXPECT_EQ(r.text("HealthCheckIntervalSeconds"), "30");
  EXPECT_EQ(r.text("HealthCheckTimeoutSeconds"), "5");
  EXPECT_EQ(r.text("HealthyThresholdCount"), "5");
  EXPECT_EQ(r.text("UnhealthyThresholdCount"), "2");
  EXPECT_EQ(r.text("HttpCode"), "200");
  EXPECT_EQ(r.text("ProtocolVersion"), "HTTP1");
  EXPECT_EQ(r.text("TargetType"), "ip");
  EXPECT_TRUE(r.has("<LoadBalancerArns/>") || r.has("<LoadBalancerArns></LoadBalancerArns>")) << r.body;

  auto d = h.call("DescribeTargetGroups", {{"Names.member.1", "ui-application"}});
  EXPECT_EQ(d.text("TargetGroupArn"), arn);
  auto a = h.call("DescribeTargetGroupAttributes", {{"TargetGroupArn", arn}});
  EXPECT_TRUE(a.has("<Key>deregistration_delay.timeout_seconds</Key><Value>300</Value>")) << a.body;
  EXPECT_TRUE(a.has("<Key>load_balancing.algorithm.type</Key><Value>round_robin</Value>"));
  EXPECT_TRUE(a.has("<Key>slow_start.duration_seconds</Key><Value>0</Value>"));
}

TEST_F(ElbTargetGroupTest, TcpTargetGroupChecksByTcp) {
  auto r = h.call("CreateTargetGroup",
                  {{"Name", "tcp"}, {"Protocol", "TCP"}, {"Port", "5432"}, {"VpcId", h.vpc_id()}, {"TargetType", "ip"}});
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.text("HealthCheckProtocol"), "TCP");
  EXPECT_EQ(r.text("HealthCheckTimeoutSeconds"), "10");
  EXPECT_FALSE(r.has("<Matcher>"));
  EXPECT_FALSE(r.has("<HealthCheckPath>"));
}

TEST_F(ElbTargetGroupTest, UnknownNamesDuplicatesAndBadSettingsAreRefused) {
  EXPECT_EQ(h.call("DescribeTargetGroups", {{"Names.member.1", "nope"}}).text("Message"),
            "One or more target groups not found");
  h.create_tg("app");
  auto dup = h.call("CreateTargetGroup",
                    {{"Name", "app"}, {"Protocol", "HTTP"}, {"Port", "9090"}, {"VpcId", h.vpc_id()}, {"TargetType", "ip"}});
  EXPECT_EQ(dup.code, "DuplicateTargetGroupName");
  EXPECT_EQ(dup.text("Message"), "A target group with the same name 'app' exists, but with different settings");
  EXPECT_TRUE(h.call("CreateTargetGroup", {{"Name", "app"}, {"Protocol", "HTTP"}, {"Port", "8080"}, {"VpcId", h.vpc_id()},
                                           {"TargetType", "ip"}})
                  .ok());
  auto lambda = h.call("CreateTargetGroup", {{"Name", "fn"}, {"TargetType", "lambda"}});
  EXPECT_EQ(lambda.code, "InvalidConfigurationRequest");
  auto timeout = h.call("CreateTargetGroup", {{"Name", "t"}, {"Protocol", "HTTP"}, {"Port", "80"}, {"VpcId", h.vpc_id()},
                                              {"HealthCheckIntervalSeconds", "5"}, {"HealthCheckTimeoutSeconds", "5"}});
  EXPECT_EQ(timeout.code, "InvalidConfigurationRequest");
  auto matcher = h.call("CreateTargetGroup", {{"Name", "m"}, {"Protocol", "HTTP"}, {"Port", "80"}, {"VpcId", h.vpc_id()},
                                              {"Matcher.HttpCode", "600"}});
  EXPECT_EQ(matcher.code, "InvalidConfigurationRequest");
  auto range = h.call("CreateTargetGroup", {{"Name", "m"}, {"Protocol", "HTTP"}, {"Port", "80"}, {"VpcId", h.vpc_id()},
                                            {"Matcher.HttpCode", "200-299,302"}});
  EXPECT_TRUE(range.ok()) << range.body;
  auto interval = h.call("CreateTargetGroup", {{"Name", "i"}, {"Protocol", "HTTP"}, {"Port", "80"}, {"VpcId", h.vpc_id()},
                                               {"HealthCheckIntervalSeconds", "1"}});
  EXPECT_EQ(interval.code, "ValidationError");  // the model's range 5-300
  auto novpc = h.call("CreateTargetGroup", {{"Name", "v"}, {"Protocol", "HTTP"}, {"Port", "80"}});
  EXPECT_EQ(novpc.code, "ValidationError");
}

TEST_F(ElbTargetGroupTest, ModifyChangesHealthChecksAndAttributes) {
  const std::string tg = h.create_tg();
  auto m = h.call("ModifyTargetGroup", {{"TargetGroupArn", tg}, {"HealthCheckPath", "/health"}, {"HealthyThresholdCount", "2"}});
  ASSERT_TRUE(m.ok()) << m.body;
  EXPECT_EQ(m.text("HealthCheckPath"), "/health");
  EXPECT_EQ(m.text("HealthyThresholdCount"), "2");
  auto a = h.call("ModifyTargetGroupAttributes", {{"TargetGroupArn", tg},
                                                  {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                                                  {"Attributes.member.1.Value", "30"}});
  EXPECT_TRUE(a.has("<Key>deregistration_delay.timeout_seconds</Key><Value>30</Value>")) << a.body;
  a = h.call("ModifyTargetGroupAttributes", {{"TargetGroupArn", tg},
                                             {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                                             {"Attributes.member.1.Value", "4000"}});
  EXPECT_EQ(a.code, "InvalidConfigurationRequest");
}

TEST_F(ElbTargetGroupTest, ListenersRulesAndTheTargetGroupsTheyUse) {
  const std::string lb = h.create_alb();
  const std::string tg = h.create_tg("app");
  const std::string other = h.create_tg("api");
  const std::string listener = h.create_listener(lb, tg, 8080);
  ASSERT_FALSE(listener.empty());
  EXPECT_NE(listener.find(":listener/app/web/"), std::string::npos);
  EXPECT_EQ(h.call("DescribeTargetGroups", {{"Names.member.1", "app"}}).text("LoadBalancerArns"), "<member>" + lb + "</member>");
  auto dup = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "8080"},
                                       {"DefaultActions.member.1.Type", "forward"},
                                       {"DefaultActions.member.1.TargetGroupArn", tg}});
  EXPECT_EQ(dup.code, "DuplicateListener");
  EXPECT_EQ(dup.text("Message"), "A listener already exists on this port for this load balancer");
  auto https = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTPS"}, {"Port", "443"},
                                         {"DefaultActions.member.1.Type", "forward"},
                                         {"DefaultActions.member.1.TargetGroupArn", tg}});
  EXPECT_EQ(https.code, "UnsupportedProtocol");
  auto in_use = h.call("DeleteTargetGroup", {{"TargetGroupArn", tg}});
  EXPECT_EQ(in_use.code, "ResourceInUse");
  EXPECT_EQ(in_use.text("Message"), "The target group '" + tg + "' is currently in use by a listener or a rule");

  auto rule = h.call("CreateRule", {{"ListenerArn", listener},
                                    {"Priority", "10"},
                                    {"Conditions.member.1.Field", "path-pattern"},
                                    {"Conditions.member.1.Values.member.1", "/api/*"},
                                    {"Actions.member.1.Type", "forward"},
                                    {"Actions.member.1.TargetGroupArn", other}});
  ASSERT_TRUE(rule.ok()) << rule.body;
  const std::string rule_arn = rule.text("RuleArn");
  EXPECT_EQ(rule.text("Priority"), "10");
  EXPECT_EQ(h.call("DescribeTargetGroups", {{"LoadBalancerArn", lb}}).count("TargetGroupArn"), 2u);
  auto clash = h.call("CreateRule", {{"ListenerArn", listener},
                                     {"Priority", "10"},
                                     {"Conditions.member.1.Field", "host-header"},
                                     {"Conditions.member.1.Values.member.1", "a.example.com"},
                                     {"Actions.member.1.Type", "fixed-response"},
                                     {"Actions.member.1.FixedResponseConfig.StatusCode", "404"}});
  EXPECT_EQ(clash.code, "PriorityInUse");
  auto fixed = h.call("CreateRule", {{"ListenerArn", listener},
                                     {"Priority", "5"},
                                     {"Conditions.member.1.Field", "host-header"},
                                     {"Conditions.member.1.HostHeaderConfig.Values.member.1", "*.example.com"},
                                     {"Actions.member.1.Type", "fixed-response"},
                                     {"Actions.member.1.FixedResponseConfig.StatusCode", "404"},
                                     {"Actions.member.1.FixedResponseConfig.ContentType", "text/plain"},
                                     {"Actions.member.1.FixedResponseConfig.MessageBody", "gone"}});
  ASSERT_TRUE(fixed.ok()) << fixed.body;
  auto rules = h.call("DescribeRules", {{"ListenerArn", listener}});
  EXPECT_EQ(rules.all("Priority"), (std::vector<std::string>{"5", "10", "default"}));
  EXPECT_EQ(rules.all("IsDefault"), (std::vector<std::string>{"false", "false", "true"}));

  auto moved = h.call("SetRulePriorities", {{"RulePriorities.member.1.RuleArn", rule_arn},
                                            {"RulePriorities.member.1.Priority", "1"}});
  ASSERT_TRUE(moved.ok()) << moved.body;
  EXPECT_EQ(h.call("DescribeRules", {{"ListenerArn", listener}}).all("Priority"),
            (std::vector<std::string>{"1", "5", "default"}));
  auto taken = h.call("SetRulePriorities", {{"RulePriorities.member.1.RuleArn", rule_arn},
                                            {"RulePriorities.member.1.Priority", "5"}});
  EXPECT_EQ(taken.code, "PriorityInUse");

  // The default rule mirrors the listener's default actions and cannot be deleted.
  const std::string default_rule = rules.all("RuleArn").back();
  EXPECT_EQ(h.call("DeleteRule", {{"RuleArn", default_rule}}).code, "OperationNotPermitted");
  EXPECT_TRUE(h.call("DeleteRule", {{"RuleArn", rule_arn}}).ok());
  EXPECT_EQ(h.call("DescribeRules", {{"RuleArns.member.1", rule_arn}}).code, "RuleNotFound");
  EXPECT_TRUE(h.call("DeleteTargetGroup", {{"TargetGroupArn", other}}).ok());

  auto modified = h.call("ModifyListener", {{"ListenerArn", listener}, {"Port", "9090"}});
  EXPECT_EQ(modified.text("Port"), "9090");
  EXPECT_TRUE(h.call("DeleteListener", {{"ListenerArn", listener}}).ok());
  EXPECT_TRUE(h.call("DeleteTargetGroup", {{"TargetGroupArn", tg}}).ok());
}

TEST_F(ElbTargetGroupTest, ActionsAreChecked) {
  const std::string lb = h.create_alb();
  auto missing = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "80"},
                                           {"DefaultActions.member.1.Type", "forward"},
                                           {"DefaultActions.member.1.TargetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/1"}});
  EXPECT_EQ(missing.code, "TargetGroupNotFound");
  const std::string tcp = h.call("CreateTargetGroup", {{"Name", "tcp"}, {"Protocol", "TCP"}, {"Port", "80"},
                                                       {"VpcId", h.vpc_id()}, {"TargetType", "ip"}})
                              .text("TargetGroupArn");
  auto incompatible = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "80"},
                                                {"DefaultActions.member.1.Type", "forward"},
                                                {"DefaultActions.member.1.TargetGroupArn", tcp}});
  EXPECT_EQ(incompatible.code, "IncompatibleProtocols");
  auto oidc = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "80"},
                                        {"DefaultActions.member.1.Type", "authenticate-oidc"}});
  EXPECT_EQ(oidc.code, "InvalidLoadBalancerAction");
  auto redirect = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "80"},
                                            {"DefaultActions.member.1.Type", "redirect"},
                                            {"DefaultActions.member.1.RedirectConfig.Protocol", "HTTPS"},
                                            {"DefaultActions.member.1.RedirectConfig.Port", "443"},
                                            {"DefaultActions.member.1.RedirectConfig.StatusCode", "HTTP_301"}});
  ASSERT_TRUE(redirect.ok()) << redirect.body;
  EXPECT_TRUE(redirect.has("<StatusCode>HTTP_301</StatusCode>"));
  // One target group per load balancer.
  const std::string tg = h.create_tg();
  const std::string lb2 = h.create_alb("other");
  ASSERT_FALSE(h.create_listener(lb, tg, 81).empty());
  auto shared = h.call("CreateListener", {{"LoadBalancerArn", lb2}, {"Protocol", "HTTP"}, {"Port", "80"},
                                          {"DefaultActions.member.1.Type", "forward"},
                                          {"DefaultActions.member.1.TargetGroupArn", tg}});
  EXPECT_EQ(shared.code, "TargetGroupAssociationLimit");
  // Weighted forward.
  const std::string blue = h.create_tg("blue");
  auto weighted = h.call("CreateListener", {{"LoadBalancerArn", lb}, {"Protocol", "HTTP"}, {"Port", "82"},
                                            {"DefaultActions.member.1.Type", "forward"},
                                            {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", tg},
                                            {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "80"},
                                            {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", blue},
                                            {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "20"}});
  ASSERT_TRUE(weighted.ok()) << weighted.body;
  EXPECT_EQ(weighted.all("Weight"), (std::vector<std::string>{"80", "20"}));
}

}  // namespace
}  // namespace ecslocal::testing
