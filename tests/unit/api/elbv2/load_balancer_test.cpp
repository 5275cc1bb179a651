#include <gtest/gtest.h>

#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::testing {
namespace {

class ElbLoadBalancerTest : public ::testing::Test {
 protected:
  ElbHarness h;
};

TEST_F(ElbLoadBalancerTest, CreateReturnsAProvisioningAlbThatTurnsActive) {
  const auto s = h.subnets();
  auto r = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
  ASSERT_TRUE(r.ok()) << r.body;
  const std::string arn = r.text("LoadBalancerArn");
  EXPECT_EQ(arn.rfind("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/", 0), 0u) << arn;
  EXPECT_EQ(arn.size() - arn.rfind('/') - 1, 16u);
  EXPECT_EQ(r.text("Code"), "provisioning");
  EXPECT_EQ(r.text("Type"), "application");
  EXPECT_EQ(r.text("Scheme"), "internet-facing");
  EXPECT_EQ(r.text("IpAddressType"), "ipv4");
  EXPECT_EQ(r.text("VpcId"), h.vpc_id());
  EXPECT_EQ(r.text("CanonicalHostedZoneId"), "Z35SXDOTRQ7X7K");
  // The DNS name is the load balancer's own loopback address (reachable without resolver setup).
  EXPECT_EQ(r.text("DNSName").rfind("127.255.", 0), 0u) << r.text("DNSName");
  EXPECT_EQ(r.count("ZoneName"), 2u);
  // No security group given: the VPC's default group.
  const auto* sg = h.networks->at("000000000000", "us-east-1").default_group(h.vpc_id());
  ASSERT_NE(sg, nullptr);
  EXPECT_TRUE(r.has("<SecurityGroups><member>" + sg->id + "</member></SecurityGroups>")) << r.body;

  h.advance(std::chrono::seconds(1));
  EXPECT_EQ(h.call("DescribeLoadBalancers", {{"LoadBalancerArns.member.1", arn}}).text("Code"), "provisioning");
  h.advance(std::chrono::seconds(1));
  auto d = h.call("DescribeLoadBalancers", {{"Names.member.1", "web"}});
  EXPECT_EQ(d.text("Code"), "active");
  EXPECT_EQ(d.text("LoadBalancerArn"), arn);
}

TEST_F(ElbLoadBalancerTest, SameSettingsAreIdempotentOtherSettingsDuplicate) {
  const std::string arn = h.create_alb("web");
  const auto s = h.subnets();
  auto again = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[1]}, {"Subnets.member.2", s[0]}});
  EXPECT_EQ(again.text("LoadBalancerArn"), arn);
  auto other = h.call("CreateLoadBalancer",
                      {{"Name", "web"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[2]}, {"Scheme", "internal"}});
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(other.code, "DuplicateLoadBalancerName");
  EXPECT_EQ(other.text("Message"), "A load balancer with the same name 'web' exists, but with different settings");
}

TEST_F(ElbLoadBalancerTest, BadPlacementAndNamesAreRefused) {
  const auto s = h.subnets();
  auto one = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[0]}});
  EXPECT_EQ(one.code, "ValidationError");
  EXPECT_EQ(one.text("Message"), "At least two subnets in two different Availability Zones must be specified");
  auto ghost = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", "subnet-0000"}});
  EXPECT_EQ(ghost.code, "SubnetNotFound");
  auto name = h.call("CreateLoadBalancer", {{"Name", "bad_name"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
  EXPECT_EQ(name.code, "ValidationError");
  auto internal = h.call("CreateLoadBalancer", {{"Name", "internal-x"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
  EXPECT_EQ(internal.code, "ValidationError");
  auto sg = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]},
                                          {"SecurityGroups.member.1", "sg-nope"}});
  EXPECT_EQ(sg.code, "InvalidSecurityGroup");
  // Network load balancers need one subnet and have no security groups unless given.
  auto nlb = h.call("CreateLoadBalancer", {{"Name", "tcp"}, {"Type", "network"}, {"Subnets.member.1", s[0]}});
  ASSERT_TRUE(nlb.ok()) << nlb.body;
  EXPECT_NE(nlb.text("LoadBalancerArn").find(":loadbalancer/net/tcp/"), std::string::npos);
  EXPECT_FALSE(nlb.has("<SecurityGroups>"));
  EXPECT_EQ(h.call("DescribeLoadBalancers").count("LoadBalancerArn"), 1u);  // the bad ones stored nothing
}

TEST_F(ElbLoadBalancerTest, DescribeByUnknownNameOrArnIsLoadBalancerNotFound) {
  h.create_alb("web");
  auto r = h.call("DescribeLoadBalancers", {{"Names.member.1", "web"}, {"Names.member.2", "nope"}});
  EXPECT_EQ(r.code, "LoadBalancerNotFound");
  EXPECT_EQ(r.text("Message"), "Load balancers '[nope]' not found");
  r = h.call("DescribeLoadBalancers",
             {{"LoadBalancerArns.member.1", "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/1"}});
  EXPECT_EQ(r.text("Message"), "One or more load balancers not found");
}

TEST_F(ElbLoadBalancerTest, DescribePagesByMarker) {
  for (const char* n : {"c", "a", "b"}) h.create_alb(n);
  auto p1 = h.call("DescribeLoadBalancers", {{"PageSize", "2"}});
  EXPECT_EQ(p1.all("LoadBalancerName"), (std::vector<std::string>{"a", "b"}));
  const std::string marker = p1.text("NextMarker");
  ASSERT_FALSE(marker.empty());
  auto p2 = h.call("DescribeLoadBalancers", {{"PageSize", "2"}, {"Marker", marker}});
  EXPECT_EQ(p2.all("LoadBalancerName"), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(p2.text("NextMarker").empty());
  EXPECT_EQ(h.call("DescribeLoadBalancers", {{"Marker", "garbage"}}).code, "ValidationError");
}

TEST_F(ElbLoadBalancerTest, DeleteRemovesListenersFreesTheAddressAndIsIdempotent) {
  const std::string lb = h.create_alb("web");
  const std::string tg = h.create_tg();
  const std::string listener = h.create_listener(lb, tg);
  ASSERT_FALSE(listener.empty());
  EXPECT_TRUE(h.call("DeleteLoadBalancer", {{"LoadBalancerArn", lb}}).ok());
  EXPECT_EQ(h.call("DescribeListeners", {{"ListenerArns.member.1", listener}}).code, "ListenerNotFound");
  EXPECT_EQ(h.call("DescribeLoadBalancers", {{"Names.member.1", "web"}}).code, "LoadBalancerNotFound");
  EXPECT_TRUE(h.call("DeleteLoadBalancer", {{"LoadBalancerArn", lb}}).ok());
  // The target group is free again.
  EXPECT_TRUE(h.call("DeleteTargetGroup", {{"TargetGroupArn", tg}}).ok());
}

TEST_F(ElbLoadBalancerTest, AttributesHaveDefaultsAndAreChecked) {
  const std::string lb = h.create_alb("web");
  auto a = h.call("DescribeLoadBalancerAttributes", {{"LoadBalancerArn", lb}});
  EXPECT_TRUE(a.has("<Key>idle_timeout.timeout_seconds</Key><Value>60</Value>")) << a.body;
  EXPECT_TRUE(a.has("<Key>deletion_protection.enabled</Key><Value>false</Value>"));
  auto m = h.call("ModifyLoadBalancerAttributes", {{"LoadBalancerArn", lb},
                                                   {"Attributes.member.1.Key", "idle_timeout.timeout_seconds"},
                                                   {"Attributes.member.1.Value", "120"},
                                                   {"Attributes.member.2.Key", "deletion_protection.enabled"},
                                                   {"Attributes.member.2.Value", "true"}});
  ASSERT_TRUE(m.ok()) << m.body;
  EXPECT_TRUE(m.has("<Key>idle_timeout.timeout_seconds</Key><Value>120</Value>"));
  auto bad = h.call("ModifyLoadBalancerAttributes",
                    {{"LoadBalancerArn", lb}, {"Attributes.member.1.Key", "nope"}, {"Attributes.member.1.Value", "1"}});
  EXPECT_EQ(bad.code, "InvalidConfigurationRequest");
  bad = h.call("ModifyLoadBalancerAttributes", {{"LoadBalancerArn", lb},
                                                {"Attributes.member.1.Key", "idle_timeout.timeout_seconds"},
                                                {"Attributes.member.1.Value", "0"}});
  EXPECT_EQ(bad.code, "InvalidConfigurationRequest");
  auto del = h.call("DeleteLoadBalancer", {{"LoadBalancerArn", lb}});
  EXPECT_EQ(del.code, "OperationNotPermitted");
}

TEST_F(ElbLoadBalancerTest, SecurityGroupsAndSubnetsCanBeChanged) {
  const std::string lb = h.create_alb("web");
  const auto* sg = h.networks->at("000000000000", "us-east-1").default_group(h.vpc_id());
  auto r = h.call("SetSecurityGroups", {{"LoadBalancerArn", lb}, {"SecurityGroups.member.1", sg->id}});
  EXPECT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.text("SecurityGroupIds"), "<member>" + sg->id + "</member>");
  const auto s = h.subnets();
  r = h.call("SetSubnets", {{"LoadBalancerArn", lb}, {"Subnets.member.1", s[2]}, {"Subnets.member.2", s[3]}});
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.count("SubnetId"), 2u);
  EXPECT_TRUE(h.call("DescribeLoadBalancers").has(s[2]));
}

TEST_F(ElbLoadBalancerTest, TagsAreAddedDescribedAndRemoved) {
  const std::string lb = h.create_alb("web");
  const std::string tg = h.create_tg();
  EXPECT_TRUE(h.call("AddTags", {{"ResourceArns.member.1", lb},
                                 {"ResourceArns.member.2", tg},
                                 {"Tags.member.1.Key", "team"},
                                 {"Tags.member.1.Value", "a"}})
                  .ok());
  auto d = h.call("DescribeTags", {{"ResourceArns.member.1", lb}, {"ResourceArns.member.2", tg}});
  EXPECT_EQ(d.count("ResourceArn"), 2u);
  EXPECT_EQ(d.count("Key"), 2u);
  EXPECT_TRUE(h.call("RemoveTags", {{"ResourceArns.member.1", lb}, {"TagKeys.member.1", "team"}}).ok());
  d = h.call("DescribeTags", {{"ResourceArns.member.1", lb}});
  EXPECT_EQ(d.count("Key"), 0u);
  auto missing = h.call("DescribeTags", {{"ResourceArns.member.1", lb + "0"}});
  EXPECT_EQ(missing.code, "LoadBalancerNotFound");
  auto dup = h.call("AddTags", {{"ResourceArns.member.1", lb},
                                {"Tags.member.1.Key", "k"},
                                {"Tags.member.1.Value", "1"},
                                {"Tags.member.2.Key", "k"},
                                {"Tags.member.2.Value", "2"}});
  EXPECT_EQ(dup.code, "DuplicateTagKeys");
}

}  // namespace
}  // namespace ecslocal::testing
