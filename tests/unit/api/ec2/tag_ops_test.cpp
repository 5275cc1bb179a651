// CreateTags, DescribeTags, DeleteTags on emulated resources.
#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

TEST_F(Ec2Test, TagsOnVpcsSubnetsAndGroups) {
  const std::string subnet = default_subnet(0);
  ok("CreateTags", {{"Resources", {default_vpc(), subnet}}, {"Tags", Json::array({{{"Key", "env"}, {"Value", "dev"}}})}});
  Json tags = ok("DescribeTags", {{"Filters", filter("resource-type", {"subnet"})}})["Tags"];
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0]["ResourceId"], subnet);
  EXPECT_EQ(tags[0]["Key"], "env");
  EXPECT_EQ(tags[0]["Value"], "dev");
  EXPECT_EQ(ok("DescribeSubnets", {{"Filters", filter("tag:env", {"dev"})}})["Subnets"].size(), 1u);
  EXPECT_EQ(ok("DescribeVpcs", {{"VpcIds", {default_vpc()}}})["Vpcs"][0]["Tags"][0]["Key"], "env");
  ok("DeleteTags", {{"Resources", {subnet}}, {"Tags", Json::array({{{"Key", "env"}, {"Value", "prod"}}})}});  // value differs
  EXPECT_EQ(ok("DescribeTags")["Tags"].size(), 2u);
  ok("DeleteTags", {{"Resources", {subnet}}, {"Tags", Json::array({{{"Key", "env"}}})}});
  EXPECT_EQ(ok("DescribeTags")["Tags"].size(), 1u);
  const std::string group = ok("CreateSecurityGroup", {{"GroupName", "g"}, {"Description", "g"},
                                                       {"TagSpecifications", Json::array({{{"ResourceType", "security-group"},
                                                                                          {"Tags", Json::array({{{"Key", "team"}, {"Value", "a"}}})}}})}})["GroupId"];
  EXPECT_EQ(ok("DescribeTags", {{"Filters", filter("resource-id", {group})}})["Tags"][0]["Key"], "team");
  ok("DeleteSecurityGroup", {{"GroupId", group}});
  EXPECT_EQ(ok("DescribeTags", {{"Filters", filter("resource-id", {group})}})["Tags"].size(), 0u);
}

TEST_F(Ec2Test, TagsOnUnknownResourcesAreRefused) {
  Json tags = Json::array({{{"Key", "k"}, {"Value", "v"}}});
  EXPECT_EQ(call("CreateTags", {{"Resources", {"vpc-nope"}}, {"Tags", tags}}).code, "InvalidVpcID.NotFound");
  EXPECT_EQ(call("CreateTags", {{"Resources", {"subnet-nope"}}, {"Tags", tags}}).code, "InvalidSubnetID.NotFound");
  EXPECT_EQ(call("CreateTags", {{"Resources", {"i-123"}}, {"Tags", tags}}).code, "InvalidID");
  EXPECT_EQ(call("CreateTags", {{"Resources", {default_vpc()}}, {"Tags", Json::array({{{"Key", "aws:x"}, {"Value", "v"}}})}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(call("CreateVpc", {{"CidrBlock", "10.10.0.0/16"},
                               {"TagSpecifications", Json::array({{{"ResourceType", "subnet"}, {"Tags", tags}}})}}).code,
            "InvalidParameterValue");
}

}  // namespace
}  // namespace ecslocal::api::ec2
