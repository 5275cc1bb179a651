// Security groups: create, describe, rules (both request forms), delete, rule listing.
#include <regex>

#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

Json tcp_from_anywhere(int port) {
  return Json::array({{{"IpProtocol", "tcp"}, {"FromPort", port}, {"ToPort", port}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}}});
}

class SecurityGroupTest : public Ec2Test {
 protected:
  std::string create(const std::string& name, Json extra = Json::object()) {
    Json input = {{"GroupName", name}, {"Description", name + " group"}};
    for (auto& [k, v] : extra.items()) input[k] = v;
    return ok("CreateSecurityGroup", input)["GroupId"];
  }
  Json describe(const std::string& id) {
    Json groups = ok("DescribeSecurityGroups", {{"GroupIds", {id}}})["SecurityGroups"];
    EXPECT_EQ(groups.size(), 1u);
    return groups.empty() ? Json() : groups[0];
  }
};

TEST_F(SecurityGroupTest, TheDefaultGroupAdmitsItselfAndSendsAnywhere) {
  Json groups = ok("DescribeSecurityGroups", {{"Filters", filter("group-name", {"default"})}})["SecurityGroups"];
  ASSERT_EQ(groups.size(), 1u);
  const Json& g = groups[0];
  EXPECT_EQ(g["VpcId"], default_vpc());
  EXPECT_TRUE(std::regex_match(g["GroupId"].get<std::string>(), std::regex("sg-[0-9a-f]{17}")));
  ASSERT_EQ(g["IpPermissions"].size(), 1u);
  EXPECT_EQ(g["IpPermissions"][0]["IpProtocol"], "-1");
  EXPECT_EQ(g["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], g["GroupId"]);
  EXPECT_FALSE(g["IpPermissions"][0].contains("FromPort"));
  ASSERT_EQ(g["IpPermissionsEgress"].size(), 1u);
  EXPECT_EQ(g["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"GroupNames", {"default"}}})["SecurityGroups"][0]["GroupId"], g["GroupId"]);
}

TEST_F(SecurityGroupTest, CreateDefaultsToTheDefaultVpcAndRefusesDuplicates) {
  const std::string id = create("web");
  Json g = describe(id);
  EXPECT_EQ(g["VpcId"], default_vpc());
  EXPECT_EQ(g["Description"], "web group");
  EXPECT_EQ(g["IpPermissions"].size(), 0u);
  EXPECT_EQ(g["IpPermissionsEgress"].size(), 1u);
  auto dup = call("CreateSecurityGroup", {{"GroupName", "web"}, {"Description", "again"}});
  EXPECT_EQ(dup.code, "InvalidGroup.Duplicate");
  EXPECT_EQ(dup.message, "The security group 'web' already exists for VPC '" + default_vpc() + "'");
  EXPECT_EQ(call("CreateSecurityGroup", {{"GroupName", "default"}, {"Description", "x"}}).code, "InvalidGroup.Duplicate");
  EXPECT_EQ(call("CreateSecurityGroup", {{"GroupName", "x"}}).code, "MissingParameter");
  EXPECT_EQ(call("CreateSecurityGroup", {{"GroupName", "sg-1"}, {"Description", "x"}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("CreateSecurityGroup", {{"GroupName", "y"}, {"Description", "x"}, {"VpcId", "vpc-nope"}}).code,
            "InvalidVpcID.NotFound");
  // The same name in another VPC is fine.
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  EXPECT_EQ(describe(create("web", {{"VpcId", vpc}}))["VpcId"], vpc);
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", filter("group-name", {"web"})}})["SecurityGroups"].size(), 2u);
}

TEST_F(SecurityGroupTest, UnknownGroupsAreRefused) {
  auto r = call("DescribeSecurityGroups", {{"GroupIds", {"sg-0123456789abcdef0"}}});
  EXPECT_EQ(r.code, "InvalidGroup.NotFound");
  EXPECT_EQ(r.message, "The security group 'sg-0123456789abcdef0' does not exist");
  EXPECT_EQ(call("DescribeSecurityGroups", {{"GroupNames", {"nope"}}}).code, "InvalidGroup.NotFound");
  EXPECT_EQ(call("DeleteSecurityGroup", {{"GroupId", "sg-0123456789abcdef0"}}).code, "InvalidGroup.NotFound");
  EXPECT_EQ(call("DeleteSecurityGroup").code, "MissingParameter");
}

TEST_F(SecurityGroupTest, AuthorizeIngressReportsRulesAndRefusesDuplicates) {
  const std::string id = create("web");
  Json r = ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(8080)}});
  EXPECT_EQ(r["Return"], true);
  ASSERT_EQ(r["SecurityGroupRules"].size(), 1u);
  const Json& rule = r["SecurityGroupRules"][0];
  EXPECT_TRUE(std::regex_match(rule["SecurityGroupRuleId"].get<std::string>(), std::regex("sgr-[0-9a-f]{17}")));
  EXPECT_EQ(rule["GroupId"], id);
  EXPECT_EQ(rule["IsEgress"], false);
  EXPECT_EQ(rule["IpProtocol"], "tcp");
  EXPECT_EQ(rule["FromPort"], 8080);
  EXPECT_EQ(rule["CidrIpv4"], "0.0.0.0/0");
  Json g = describe(id);
  ASSERT_EQ(g["IpPermissions"].size(), 1u);
  EXPECT_EQ(g["IpPermissions"][0]["FromPort"], 8080);
  EXPECT_EQ(g["IpPermissions"][0]["ToPort"], 8080);
  EXPECT_EQ(g["IpPermissions"][0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
  auto dup = call("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(8080)}});
  EXPECT_EQ(dup.code, "InvalidPermission.Duplicate");
  EXPECT_EQ(dup.message, "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 8080, to port: 8080, ALLOW\" already exists");
  // The older flat form, by group name (default VPC); same protocol and ports group together.
  Json flat = ok("AuthorizeSecurityGroupIngress",
                 {{"GroupName", "web"}, {"IpProtocol", "tcp"}, {"FromPort", 8080}, {"ToPort", 8080}, {"CidrIp", "10.0.0.0/8"}});
  EXPECT_EQ(flat["SecurityGroupRules"][0]["CidrIpv4"], "10.0.0.0/8");
  g = describe(id);
  ASSERT_EQ(g["IpPermissions"].size(), 1u);
  EXPECT_EQ(g["IpPermissions"][0]["IpRanges"].size(), 2u);
  // A group as the source.
  const std::string other = create("clients");
  Json pair = Json::array({{{"IpProtocol", "tcp"}, {"FromPort", 80}, {"ToPort", 80}, {"UserIdGroupPairs", Json::array({{{"GroupId", other}}})}}});
  Json from_group = ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", pair}});
  EXPECT_EQ(from_group["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"], other);
  EXPECT_EQ(describe(id)["IpPermissions"].size(), 2u);
  // A group with a rule naming it cannot go.
  EXPECT_EQ(call("DeleteSecurityGroup", {{"GroupId", other}}).code, "DependencyViolation");
}

TEST_F(SecurityGroupTest, BadPermissionsAreRefused) {
  const std::string id = create("web");
  auto bad = [&](Json permission) {
    return call("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", Json::array({permission})}}).code;
  };
  EXPECT_EQ(bad({{"IpProtocol", "tcp"}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}}), "InvalidParameterValue");
  EXPECT_EQ(bad({{"IpProtocol", "tcp"}, {"FromPort", 90}, {"ToPort", 80}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}}),
            "InvalidParameterValue");
  EXPECT_EQ(bad({{"IpProtocol", "tcp"}, {"FromPort", 80}, {"ToPort", 80}, {"IpRanges", Json::array({{{"CidrIp", "nope"}}})}}),
            "InvalidParameterValue");
  EXPECT_EQ(bad({{"IpProtocol", "carrier-pigeon"}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}}), "InvalidParameterValue");
  EXPECT_EQ(bad({{"IpProtocol", "tcp"}, {"FromPort", 80}, {"ToPort", 80}, {"UserIdGroupPairs", Json::array({{{"GroupId", "sg-nope"}}})}}),
            "InvalidGroup.NotFound");
  EXPECT_EQ(call("AuthorizeSecurityGroupIngress", {{"GroupId", id}}).code, "MissingParameter");
  // Nothing half-applied: a request with one good and one duplicate permission adds nothing.
  ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(80)}});
  Json both = tcp_from_anywhere(443);
  both.push_back(tcp_from_anywhere(80)[0]);
  EXPECT_EQ(call("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", both}}).code, "InvalidPermission.Duplicate");
  EXPECT_EQ(describe(id)["IpPermissions"].size(), 1u);
}

TEST_F(SecurityGroupTest, RevokeByPermissionOrRuleId) {
  const std::string id = create("web");
  ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(80)}});
  const std::string rule = ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(443)}})
                               ["SecurityGroupRules"][0]["SecurityGroupRuleId"];
  ok("RevokeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(80)}});
  auto missing = call("RevokeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(80)}});
  EXPECT_EQ(missing.code, "InvalidPermission.NotFound");
  EXPECT_EQ(call("RevokeSecurityGroupIngress", {{"GroupId", id}, {"SecurityGroupRuleIds", {"sgr-nope"}}}).code,
            "InvalidSecurityGroupRuleId.NotFound");
  ok("RevokeSecurityGroupIngress", {{"GroupId", id}, {"SecurityGroupRuleIds", {rule}}});
  EXPECT_EQ(describe(id)["IpPermissions"].size(), 0u);
  // Egress: the all-traffic rule can go and come back.
  Json all = Json::array({{{"IpProtocol", "-1"}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}}});
  EXPECT_EQ(call("AuthorizeSecurityGroupEgress", {{"GroupId", id}, {"IpPermissions", all}}).code, "InvalidPermission.Duplicate");
  ok("RevokeSecurityGroupEgress", {{"GroupId", id}, {"IpPermissions", all}});
  EXPECT_EQ(describe(id)["IpPermissionsEgress"].size(), 0u);
  EXPECT_EQ(ok("AuthorizeSecurityGroupEgress", {{"GroupId", id}, {"IpPermissions", all}})["SecurityGroupRules"][0]["IsEgress"], true);
}

TEST_F(SecurityGroupTest, DescribeSecurityGroupRulesByGroup) {
  const std::string id = create("web");
  ok("AuthorizeSecurityGroupIngress", {{"GroupId", id}, {"IpPermissions", tcp_from_anywhere(8080)}});
  Json rules = ok("DescribeSecurityGroupRules", {{"Filters", filter("group-id", {id})}})["SecurityGroupRules"];
  ASSERT_EQ(rules.size(), 2u);  // egress-all + 8080
  EXPECT_EQ(rules[0]["IsEgress"], true);
  EXPECT_EQ(rules[1]["FromPort"], 8080);
  const std::string rule_id = rules[1]["SecurityGroupRuleId"];
  EXPECT_EQ(ok("DescribeSecurityGroupRules", {{"SecurityGroupRuleIds", {rule_id}}})["SecurityGroupRules"].size(), 1u);
  EXPECT_EQ(call("DescribeSecurityGroupRules", {{"SecurityGroupRuleIds", {"sgr-nope"}}}).code, "InvalidSecurityGroupRuleId.NotFound");
}

TEST_F(SecurityGroupTest, DeleteRefusesTheDefaultGroup) {
  const std::string def = ok("DescribeSecurityGroups", {{"GroupNames", {"default"}}})["SecurityGroups"][0]["GroupId"];
  auto r = call("DeleteSecurityGroup", {{"GroupId", def}});
  EXPECT_EQ(r.code, "CannotDelete");
  const std::string id = create("web");
  ok("DeleteSecurityGroup", {{"GroupName", "web"}});
  EXPECT_EQ(call("DescribeSecurityGroups", {{"GroupIds", {id}}}).code, "InvalidGroup.NotFound");
}

}  // namespace
}  // namespace ecslocal::api::ec2
