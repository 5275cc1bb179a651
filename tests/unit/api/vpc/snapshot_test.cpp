// Snapshots of the shared VPC state: a state built through EC2 and ECS operations (created VPC,
// subnet, group with rules, tags, task ENIs, addresses in use) survives a round trip exactly, EC2
// describes the same after restore, the next address is the one the original would give (never
// a held one), and bad documents are refused without touching the state.
#include "api/vpc/snapshot.hpp"

#include <gtest/gtest.h>

#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

using Kind = runtime::TaskEvent::Kind;

Json small_definition() {
  return Json{{"family", "web"},
              {"requiresCompatibilities", {"FARGATE"}},
              {"networkMode", "awsvpc"},
              {"cpu", "256"},
              {"memory", "512"},
              {"containerDefinitions", Json::array({{{"name", "app"}, {"image", "busybox:latest"}}})}};
}

class VpcSnapshotTest : public Ec2Test {
 protected:
  VpcSnapshotTest() {
    EXPECT_TRUE(h.ecs("CreateCluster").ok());
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", small_definition()).ok());
  }

  std::vector<std::string> run(const std::string& subnet, const std::string& group, int count, bool public_ip = false) {
    Json vpc = {
        {"subnets", {subnet}}, {"securityGroups", {group}}, {"assignPublicIp", public_ip ? "ENABLED" : "DISABLED"}};
    auto r = h.ecs("RunTask", {{"taskDefinition", "web"},
                               {"launchType", "FARGATE"},
                               {"count", count},
                               {"networkConfiguration", {{"awsvpcConfiguration", vpc}}}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    std::vector<std::string> arns;
    for (const auto& t : r.body["tasks"]) arns.push_back(t["taskArn"]);
    return arns;
  }

  // A created VPC with a subnet, a group with an ingress rule, tags, and tasks in both VPCs (one
  // stopped, so its address was released and the cursor moved past it).
  void build() {
    vpc_id = ok("CreateVpc", {{"CidrBlock", "10.20.0.0/16"}})["Vpc"]["VpcId"];
    subnet_id = ok(
        "CreateSubnet",
        {{"VpcId", vpc_id}, {"CidrBlock", "10.20.1.0/24"}, {"AvailabilityZone", "us-east-1b"}})["Subnet"]["SubnetId"];
    group_id =
        ok("CreateSecurityGroup", {{"GroupName", "web"}, {"Description", "web tier"}, {"VpcId", vpc_id}})["GroupId"];
    ok("AuthorizeSecurityGroupIngress",
       {{"GroupId", group_id},
        {"IpPermissions",
         Json::array({{{"IpProtocol", "tcp"},
                       {"FromPort", 8080},
                       {"ToPort", 8080},
                       {"IpRanges", Json::array({{{"CidrIp", "10.0.0.0/8"}, {"Description", "inside"}}})}}})}});
    ok("CreateTags", {{"Resources", {vpc_id, subnet_id, default_subnet(2)}},
                      {"Tags", Json::array({{{"Key", "env"}, {"Value", "dev"}}})}});
    const std::string default_group = networks->at("000000000000", "us-east-1").default_group(default_vpc())->id;
    auto in_created = run(subnet_id, group_id, 3);
    run(default_subnet(0), default_group, 2, /*public_ip=*/true);
    ASSERT_TRUE(h.ecs("StopTask", {{"task", in_created[1]}}).ok());
    h.ecs_provider().on_task_event(testing::event(Kind::TaskStopped, in_created[1]));
    networks->at("111111111111", "eu-west-1");  // a second account and region, untouched
  }

  // What EC2 tells about everything, for before/after comparisons.
  Json described() {
    Json out;
    for (const char* op : {"DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeSecurityGroupRules",
                           "DescribeNetworkInterfaces", "DescribeTags"})
      out[op] = ok(op);
    return out;
  }

  std::string vpc_id, subnet_id, group_id;
};

TEST_F(VpcSnapshotTest, RoundTripKeepsEveryObjectAndTheAddressPools) {
  build();
  const Json snapshot = vpc::snapshot_vpc(*networks);
  EXPECT_EQ(snapshot["format"], 1);
  EXPECT_EQ(snapshot["service"], "vpc");
  ASSERT_EQ(snapshot["states"].size(), 2u);
  // In-use addresses with their owners (the tasks that hold them).
  const Json& in_use = snapshot["pools"]["10.20.1.0/24"]["in_use"];
  ASSERT_EQ(in_use.size(), 2u);
  EXPECT_EQ(in_use[0][0], "10.20.1.4");
  EXPECT_EQ(in_use[1][0], "10.20.1.6");
  EXPECT_EQ(in_use[0][1].get<std::string>().rfind("arn:aws:ecs:us-east-1:000000000000:task/", 0), 0u);
  EXPECT_EQ(snapshot["pools"]["10.20.1.0/24"]["cursor"], "10.20.1.7");

  auto copy = std::make_shared<vpc::VpcRegistry>(std::make_shared<IdSource>(99));
  vpc::restore_vpc(*copy, snapshot);
  EXPECT_EQ(vpc::snapshot_vpc(*copy).dump(), snapshot.dump());

  const Json before = described();
  ec2 = std::make_shared<Ec2Provider>(copy);
  EXPECT_EQ(described(), before);
  EXPECT_EQ(before["DescribeNetworkInterfaces"]["NetworkInterfaces"].size(), 4u);

  // The next address: the one the original gives, past the cursor, not a held one.
  const vpc::VpcState& restored = copy->at("000000000000", "us-east-1");
  EXPECT_EQ(restored.used(subnet_id), 2u);
  auto lease = copy->allocate(restored, subnet_id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->ipv4, "10.20.1.7");
  EXPECT_EQ(networks->allocate(networks->at("000000000000", "us-east-1"), subnet_id)->ipv4, lease->ipv4);
  EXPECT_NE(copy->allocate(restored, default_subnet(0))->ipv4, "172.31.0.4");  // held by a running task
  EXPECT_EQ(restored.default_vpc_id, networks->at("000000000000", "us-east-1").default_vpc_id);
  // The created VPC still blocks overlapping ones, and its bridge was not forgotten.
  EXPECT_NE(copy->overlapping_vpc(*vpc::Cidr::parse("10.20.0.0/24")), nullptr);
  EXPECT_TRUE(copy->take_forgotten_networks().empty());
}

TEST_F(VpcSnapshotTest, TheSameStateGivesTheSameText) {
  build();
  EXPECT_EQ(vpc::snapshot_vpc(*networks).dump(), vpc::snapshot_vpc(*networks).dump());
  const vpc::VpcState& state = networks->at("000000000000", "us-east-1");
  vpc::VpcState one = state;
  vpc::restore_state(one, vpc::snapshot_state(state));
  EXPECT_EQ(vpc::snapshot_state(one), vpc::snapshot_state(state));
  EXPECT_EQ(one.account_id, "000000000000");
}

TEST_F(VpcSnapshotTest, BadDocumentsAreRefusedAndChangeNothing) {
  build();
  const Json good = vpc::snapshot_vpc(*networks);
  auto copy = std::make_shared<vpc::VpcRegistry>();
  vpc::restore_vpc(*copy, good);

  auto refused = [&](Json doc, const std::string& words) {
    try {
      vpc::restore_vpc(*copy, doc);
      ADD_FAILURE() << "accepted: " << doc.dump().substr(0, 200);
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(vpc::snapshot_vpc(*copy), good);
  };
  Json doc = good;
  doc["format"] = 2;
  refused(doc, "format 2 is not supported");
  refused(Json::array(), "not a JSON object");
  doc = good;
  doc["service"] = "ecs";
  refused(doc, "not of vpc");
  doc = good;
  doc["states"][0]["state"]["subnets"][subnet_id]["block"] = "10.20.1.1/24";
  refused(doc, "not a CIDR block");
  doc = good;
  doc["states"][0]["state"]["groups"][group_id]["rules"] = "none";
  refused(doc, "account 000000000000 in region us-east-1");
  doc = good;
  doc["pools"]["10.20.1.0/24"]["in_use"].push_back("10.99.0.1");
  refused(doc, "outside its pool");
  doc = good;
  doc["public_ips"]["cursor"] = "10.0.0.1";
  refused(doc, "the public address pool");
  doc = good;
  doc["states"][0]["state"]["default_vpc_id"] = "vpc-missing";
  refused(doc, "default VPC");
}

// A reminder: the snapshot names every member of these entities; when one is added or removed,
// its size changes here. Snapshot the new member, cover it above, then update the size.
TEST(VpcSnapshotMembers, EverySnapshottedEntityHasTheMembersTheSnapshotNames) {
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
  EXPECT_EQ(sizeof(vpc::Vpc), 48u);
  EXPECT_EQ(sizeof(vpc::Subnet), 144u);
  EXPECT_EQ(sizeof(vpc::SecurityGroupRule), 176u);
  EXPECT_EQ(sizeof(vpc::SecurityGroup), 152u);
  EXPECT_EQ(sizeof(vpc::NetworkInterface), 344u);
  EXPECT_EQ(sizeof(vpc::VpcState), 392u);
  EXPECT_EQ(sizeof(vpc::AddressPool), 64u);
#else
  GTEST_SKIP() << "sizes are those of libstdc++ on 64-bit";
#endif
}

}  // namespace
}  // namespace ecslocal::api::ec2
