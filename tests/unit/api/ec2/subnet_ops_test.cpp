// CreateSubnet, DescribeSubnets, DeleteSubnet, DescribeAvailabilityZones.
#include <regex>

#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

TEST_F(Ec2Test, DefaultSubnetsAreOnePerZone) {
  Json subnets = ok("DescribeSubnets", {{"Filters", filter("vpc-id", {default_vpc()})}})["Subnets"];
  ASSERT_EQ(subnets.size(), 6u);
  Json first = ok("DescribeSubnets", {{"Filters", Json::array({{{"Name", "default-for-az"}, {"Values", {"true"}}},
                                                                {{"Name", "availability-zone"}, {"Values", {"us-east-1a"}}}})}})["Subnets"];
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["SubnetId"], default_subnet(0));
  EXPECT_EQ(first[0]["CidrBlock"], "172.31.0.0/20");
  EXPECT_EQ(first[0]["AvailabilityZoneId"], "use1-az1");
  EXPECT_EQ(first[0]["DefaultForAz"], true);
  EXPECT_EQ(first[0]["AvailableIpAddressCount"], 4091);
  EXPECT_EQ(first[0]["VpcId"], default_vpc());
  Json second = ok("DescribeSubnets", {{"Filters", filter("cidr-block", {"172.31.16.0/20"})}})["Subnets"];
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["AvailabilityZone"], "us-east-1b");
  EXPECT_EQ(ok("DescribeSubnets", {{"Filters", filter("cidrBlock", {"172.31.16.0/20"})}})["Subnets"].size(), 1u);
  EXPECT_EQ(ok("DescribeSubnets", {{"SubnetIds", {default_subnet(1), default_subnet(2)}}})["Subnets"].size(), 2u);
  EXPECT_EQ(ok("DescribeSubnets", {{"Filters", filter("subnet-id", {default_subnet(3)})}})["Subnets"].size(), 1u);
}

TEST_F(Ec2Test, UnknownSubnetIdsAreRefused) {
  auto r = call("DescribeSubnets", {{"SubnetIds", {default_subnet(0), "subnet-x"}}});
  EXPECT_EQ(r.code, "InvalidSubnetID.NotFound");
  EXPECT_EQ(r.message, "The subnet ID 'subnet-x' does not exist");
  EXPECT_EQ(call("DescribeSubnets", {{"Filters", Json::array({{{"Name", "vpc-id"}, {"Values", Json::array()}}})}}).code,
            "InvalidParameterValue");
}

TEST_F(Ec2Test, CreateSubnetChecksRangeConflictAndZone) {
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  Json subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}, {"AvailabilityZone", "us-east-1c"}})["Subnet"];
  EXPECT_TRUE(std::regex_match(subnet["SubnetId"].get<std::string>(), std::regex("subnet-[0-9a-f]{17}")));
  EXPECT_EQ(subnet["AvailabilityZone"], "us-east-1c");
  EXPECT_EQ(subnet["AvailabilityZoneId"], "use1-az3");
  EXPECT_EQ(subnet["DefaultForAz"], false);
  EXPECT_EQ(subnet["AvailableIpAddressCount"], 251);
  EXPECT_EQ(subnet["State"], "available");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.128/25"}}).code, "InvalidSubnet.Conflict");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.11.0.0/24"}}).code, "InvalidSubnet.Range");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.0.0/29"}}).code, "InvalidSubnet.Range");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.2.0/24"}, {"AvailabilityZone", "mars-1a"}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", "vpc-nope"}, {"CidrBlock", "10.10.2.0/24"}}).code, "InvalidVpcID.NotFound");
  EXPECT_EQ(call("CreateSubnet", {{"VpcId", vpc}}).code, "MissingParameter");
  EXPECT_EQ(call("CreateSubnet", {{"CidrBlock", "10.10.2.0/24"}}).code, "MissingParameter");
  Json by_zone_id = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.2.0/24"}, {"AvailabilityZoneId", "use1-az5"}})["Subnet"];
  EXPECT_EQ(by_zone_id["AvailabilityZone"], "us-east-1e");
  EXPECT_EQ(ok("DescribeSubnets", {{"Filters", filter("vpc-id", {vpc})}})["Subnets"].size(), 2u);
}

TEST_F(Ec2Test, DeleteSubnetForgetsItAndItsCidrCanComeBack) {
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string id = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}})["Subnet"]["SubnetId"];
  ok("DeleteSubnet", {{"SubnetId", id}});
  EXPECT_EQ(call("DeleteSubnet", {{"SubnetId", id}}).code, "InvalidSubnetID.NotFound");
  EXPECT_TRUE(call("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}}).ok);
}

TEST_F(Ec2Test, AvailabilityZonesOfTheRegion) {
  Json zones = ok("DescribeAvailabilityZones")["AvailabilityZones"];
  ASSERT_EQ(zones.size(), 6u);
  EXPECT_EQ(zones[0]["ZoneName"], "us-east-1a");
  EXPECT_EQ(zones[0]["ZoneId"], "use1-az1");
  EXPECT_EQ(zones[0]["State"], "available");
  EXPECT_EQ(zones[0]["RegionName"], "us-east-1");
  auto west = call("DescribeAvailabilityZones", Json::object(), "eu-west-1");
  ASSERT_TRUE(west.ok);
  EXPECT_EQ(west.body["AvailabilityZones"].size(), 3u);
  EXPECT_EQ(west.body["AvailabilityZones"][2]["ZoneId"], "euw1-az3");
  EXPECT_EQ(ok("DescribeAvailabilityZones", {{"ZoneNames", {"us-east-1b"}}})["AvailabilityZones"].size(), 1u);
  EXPECT_EQ(ok("DescribeAvailabilityZones", {{"Filters", filter("zone-id", {"use1-az6"})}})["AvailabilityZones"][0]["ZoneName"],
            "us-east-1f");
  EXPECT_EQ(call("DescribeAvailabilityZones", {{"ZoneNames", {"us-east-1z"}}}).code, "InvalidParameterValue");
}

}  // namespace
}  // namespace ecslocal::api::ec2
