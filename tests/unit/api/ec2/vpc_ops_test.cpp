// CreateVpc, DescribeVpcs, DeleteVpc.
#include <regex>

#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

TEST_F(Ec2Test, TheDefaultVpcIsDescribedAndFilteredAsInAws) {
  Json vpcs = ok("DescribeVpcs", {{"Filters", filter("isDefault", {"true"})}})["Vpcs"];
  ASSERT_EQ(vpcs.size(), 1u);
  EXPECT_EQ(vpcs[0]["VpcId"], default_vpc());
  EXPECT_EQ(vpcs[0]["CidrBlock"], "172.31.0.0/16");
  EXPECT_EQ(vpcs[0]["IsDefault"], true);
  EXPECT_EQ(vpcs[0]["State"], "available");
  EXPECT_EQ(vpcs[0]["OwnerId"], "000000000000");
  EXPECT_EQ(vpcs[0]["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"], "associated");
  EXPECT_EQ(ok("DescribeVpcs", {{"Filters", filter("is-default", {"false"})}})["Vpcs"].size(), 0u);
  EXPECT_EQ(ok("DescribeVpcs", {{"Filters", filter("cidr", {"172.31.*"})}})["Vpcs"].size(), 1u);
  EXPECT_EQ(ok("DescribeVpcs", {{"VpcIds", {default_vpc()}}})["Vpcs"].size(), 1u);
}

TEST_F(Ec2Test, UnknownVpcIdsAndFiltersAreRefused) {
  auto r = call("DescribeVpcs", {{"VpcIds", {"vpc-0123456789abcdef0"}}});
  EXPECT_EQ(r.code, "InvalidVpcID.NotFound");
  EXPECT_EQ(r.message, "The vpc ID 'vpc-0123456789abcdef0' does not exist");
  EXPECT_EQ(call("DescribeVpcs", {{"Filters", filter("colour", {"blue"})}}).code, "InvalidParameterValue");
}

TEST_F(Ec2Test, CreateVpcMakesAnAvailableVpcWithItsDefaultGroupAndTags) {
  Json input = {{"CidrBlock", "10.10.0.0/16"},
                {"TagSpecifications", Json::array({{{"ResourceType", "vpc"}, {"Tags", Json::array({{{"Key", "Name"}, {"Value", "lab"}}})}}})}};
  Json vpc = ok("CreateVpc", input)["Vpc"];
  const std::string id = vpc["VpcId"];
  EXPECT_TRUE(std::regex_match(id, std::regex("vpc-[0-9a-f]{17}"))) << id;
  EXPECT_EQ(vpc["CidrBlock"], "10.10.0.0/16");
  EXPECT_EQ(vpc["IsDefault"], false);
  EXPECT_EQ(vpc["State"], "available");
  EXPECT_EQ(vpc["Tags"][0]["Value"], "lab");
  EXPECT_EQ(ok("DescribeVpcs", {{"Filters", filter("tag:Name", {"lab"})}})["Vpcs"][0]["VpcId"], id);
  Json groups = ok("DescribeSecurityGroups", {{"Filters", filter("vpc-id", {id})}})["SecurityGroups"];
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["GroupName"], "default");
  EXPECT_EQ(ok("DescribeVpcs")["Vpcs"].size(), 2u);
}

TEST_F(Ec2Test, CreateVpcRefusesBadSizesAndOverlaps) {
  EXPECT_EQ(call("CreateVpc").code, "MissingParameter");
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.0.0.0/8"}}).code, "InvalidVpc.Range");
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.0.0.0/29"}}).code, "InvalidVpc.Range");
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.0.0.1/16"}}).code, "InvalidParameterValue");
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "banana"}}).code, "InvalidParameterValue");
  auto overlap = call("CreateVpc", {{"CidrBlock", "172.31.0.0/20"}});
  EXPECT_EQ(overlap.code, "InvalidVpc.Range");
  EXPECT_NE(overlap.message.find("Docker"), std::string::npos) << overlap.message;
  ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}});
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.10.128.0/17"}}).code, "InvalidVpc.Range");
  // Other accounts share the Docker daemon: their VPCs may not overlap either.
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}}, "us-east-1", "111111111111").code, "InvalidVpc.Range");
  EXPECT_TRUE(call("CreateVpc", {{"CidrBlock", "10.11.0.0/28"}}).ok);
}

TEST_F(Ec2Test, DeleteVpcWaitsForItsSubnetsAndGroupsAndRemovesTheBridge) {
  const std::string id = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet = ok("CreateSubnet", {{"VpcId", id}, {"CidrBlock", "10.10.1.0/24"}})["Subnet"]["SubnetId"];
  const std::string group =
      ok("CreateSecurityGroup", {{"VpcId", id}, {"GroupName", "web"}, {"Description", "web"}})["GroupId"];
  EXPECT_EQ(call("DeleteVpc", {{"VpcId", id}}).code, "DependencyViolation");
  ok("DeleteSubnet", {{"SubnetId", subnet}});
  auto r = call("DeleteVpc", {{"VpcId", id}});
  EXPECT_EQ(r.code, "DependencyViolation");
  EXPECT_EQ(r.message, "The vpc '" + id + "' has dependencies and cannot be deleted.");
  ok("DeleteSecurityGroup", {{"GroupId", group}});
  EXPECT_TRUE(runtime.removed_networks.empty());
  ok("DeleteVpc", {{"VpcId", id}});
  EXPECT_EQ(runtime.removed_networks, std::vector<std::string>{"ecslocal-" + id});
  EXPECT_EQ(call("DescribeVpcs", {{"VpcIds", {id}}}).code, "InvalidVpcID.NotFound");
  EXPECT_EQ(call("DeleteVpc", {{"VpcId", id}}).code, "InvalidVpcID.NotFound");
  // Its default group went with it.
  EXPECT_EQ(ok("DescribeSecurityGroups", {{"Filters", filter("vpc-id", {id})}})["SecurityGroups"].size(), 0u);
  // The CIDR is free again.
  EXPECT_TRUE(call("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}}).ok);
}

TEST_F(Ec2Test, TheDefaultVpcIsNotDeleted) {
  EXPECT_EQ(call("DeleteVpc", {{"VpcId", default_vpc()}}).code, "OperationNotPermitted");
  EXPECT_EQ(call("DeleteVpc").code, "MissingParameter");
}

}  // namespace
}  // namespace ecslocal::api::ec2

namespace ecslocal::api::ec2 {
namespace {

TEST_F(Ec2Test, ResetForgetsVpcsAndRemovesTheirBridges) {
  const std::string id = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  h.ecs_provider().on_reset();  // ECS's reset leaves the VPC state alone: EC2 owns it
  EXPECT_EQ(ok("DescribeVpcs", {{"VpcIds", {id}}})["Vpcs"].size(), 1u);
  ec2->on_reset();
  EXPECT_EQ(runtime.removed_networks, std::vector<std::string>{"ecslocal-" + id});
  EXPECT_EQ(call("DescribeVpcs", {{"VpcIds", {id}}}).code, "InvalidVpcID.NotFound");
  EXPECT_EQ(ok("DescribeVpcs")["Vpcs"].size(), 1u);  // the default VPC is back
  ec2->on_reset();
  EXPECT_EQ(runtime.removed_networks.size(), 1u);
}

}  // namespace
}  // namespace ecslocal::api::ec2
