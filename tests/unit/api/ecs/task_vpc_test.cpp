// RunTask against the shared VPC state: subnets and security groups must exist (EC2's errors
// quoted in ECS's InvalidParameterException), one VPC, the VPC's default group when none is given,
// addresses and Docker bridge from the task's subnet, the ENI listed by EC2 while the task lives.
#include <regex>

#include "api/ecs/task_network.hpp"
#include "tests/unit/api/ec2/ec2_fixture.hpp"

namespace ecslocal::api::ec2 {
namespace {

using Kind = runtime::TaskEvent::Kind;

Json web_definition() {
  return Json{{"family", "web"},
              {"requiresCompatibilities", {"FARGATE"}},
              {"networkMode", "awsvpc"},
              {"cpu", "256"},
              {"memory", "512"},
              {"containerDefinitions", Json::array({{{"name", "app"}, {"image", "busybox:latest"}}})}};
}

class TaskVpcTest : public Ec2Test {
 protected:
  TaskVpcTest() {
    EXPECT_TRUE(h.ecs("CreateCluster").ok());
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", web_definition()).ok());
  }

  testing::CallResult run(std::vector<std::string> subnets, std::vector<std::string> groups = {}, int count = 1) {
    Json vpc = {{"subnets", subnets}};
    if (!groups.empty()) vpc["securityGroups"] = groups;
    return h.ecs("RunTask", {{"taskDefinition", "web"}, {"launchType", "FARGATE"}, {"count", count},
                             {"networkConfiguration", {{"awsvpcConfiguration", vpc}}}});
  }

  std::string run_one(std::vector<std::string> subnets, std::vector<std::string> groups = {}) {
    auto r = run(std::move(subnets), std::move(groups));
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.ok() && !r.body["tasks"].empty() ? r.body["tasks"][0]["taskArn"].get<std::string>() : "";
  }

  void stop(const std::string& arn) {
    ASSERT_TRUE(h.ecs("StopTask", {{"task", arn}}).ok());
    h.ecs_provider().on_task_event(testing::event(Kind::TaskStopped, arn));
  }

  static std::map<std::string, std::string> details(const Json& task) {
    std::map<std::string, std::string> out;
    for (const auto& d : task["attachments"][0]["details"]) out[d["name"]] = d["value"];
    return out;
  }

  std::string default_group() { return networks->at("000000000000", "us-east-1").default_group(default_vpc())->id; }
};

TEST_F(TaskVpcTest, UnknownSubnetsAndGroupsAreRefusedWithEc2sWords) {
  auto r = run({"subnet-0123456789abcdef0"});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(),
            "Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID 'subnet-0123456789abcdef0' "
            "does not exist (ErrorCode: InvalidSubnetID.NotFound)");
  r = run({default_subnet(0)}, {"sg-0123456789abcdef0"});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(),
            "Error retrieving security group information for [sg-0123456789abcdef0]: The security group "
            "'sg-0123456789abcdef0' does not exist (ErrorCode: InvalidGroup.NotFound)");
  EXPECT_TRUE(runtime.launches.empty());
  EXPECT_EQ(networks->at("000000000000", "us-east-1").used(default_subnet(0)), 0u);  // nothing reserved
  EXPECT_TRUE(networks->at("000000000000", "us-east-1").enis.empty());
}

TEST_F(TaskVpcTest, SubnetsMustShareAVpcAndGroupsMustBeInIt) {
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}})["Subnet"]["SubnetId"];
  auto r = run({default_subnet(0), subnet});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(), "The subnets provided must all belong to the same VPC.");
  r = run({subnet}, {default_group()});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(), "Security group " + default_group() + " does not appear to belong to the same VPC as the input subnets.");
  EXPECT_TRUE(runtime.launches.empty());
}

TEST_F(TaskVpcTest, TheEniIsListedWhileTheTaskLivesWithTheDefaultGroup) {
  const std::string arn = run_one({default_subnet(1)});
  Json task = h.ecs("DescribeTasks", {{"tasks", {arn}}}).body["tasks"][0];
  const auto d = details(task);
  EXPECT_EQ(d.at("subnetId"), default_subnet(1));
  Json enis = ok("DescribeNetworkInterfaces", {{"Filters", filter("subnet-id", {default_subnet(1)})}})["NetworkInterfaces"];
  ASSERT_EQ(enis.size(), 1u);
  const Json& eni = enis[0];
  EXPECT_TRUE(std::regex_match(eni["NetworkInterfaceId"].get<std::string>(), std::regex("eni-[0-9a-f]{17}")));
  EXPECT_EQ(eni["PrivateIpAddress"], "172.31.16.4");
  EXPECT_EQ(eni["VpcId"], default_vpc());
  EXPECT_EQ(eni["AvailabilityZone"], "us-east-1b");
  EXPECT_EQ(eni["Status"], "in-use");
  EXPECT_EQ(eni["InterfaceType"], "interface");
  EXPECT_EQ(eni["RequesterManaged"], true);
  EXPECT_EQ(eni["Groups"][0]["GroupId"], default_group());
  EXPECT_EQ(eni["Groups"][0]["GroupName"], "default");
  EXPECT_EQ(eni["Description"], "arn:aws:ecs:us-east-1:000000000000:attachment/" + task["attachments"][0]["id"].get<std::string>());
  EXPECT_FALSE(eni.contains("MacAddress"));  // not known before the pause container runs
  // The runtime reports the MAC: EC2 shows it, as DescribeTasks does.
  auto ready = testing::event(Kind::NetworkReady, arn);
  ready.mac_address = "02:42:ac:1f:10:04";
  ready.ipv4_address = "172.31.16.4";
  h.ecs_provider().on_task_event(ready);
  Json by_ip = ok("DescribeNetworkInterfaces", {{"Filters", filter("addresses.private-ip-address", {"172.31.16.4"})}});
  ASSERT_EQ(by_ip["NetworkInterfaces"].size(), 1u);
  EXPECT_EQ(by_ip["NetworkInterfaces"][0]["MacAddress"], "02:42:ac:1f:10:04");
  EXPECT_EQ(ok("DescribeNetworkInterfaces", {{"Filters", filter("group-id", {default_group()})}})["NetworkInterfaces"].size(), 1u);
  EXPECT_EQ(ok("DescribeNetworkInterfaces", {{"NetworkInterfaceIds", {eni["NetworkInterfaceId"]}}})["NetworkInterfaces"].size(), 1u);
  stop(arn);
  EXPECT_EQ(ok("DescribeNetworkInterfaces")["NetworkInterfaces"].size(), 0u);
  EXPECT_EQ(call("DescribeNetworkInterfaces", {{"NetworkInterfaceIds", {eni["NetworkInterfaceId"]}}}).code,
            "InvalidNetworkInterfaceID.NotFound");
}

TEST_F(TaskVpcTest, AGroupOrSubnetInUseCannotBeDeleted) {
  const std::string group = ok("CreateSecurityGroup", {{"GroupName", "web"}, {"Description", "web"}})["GroupId"];
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}})["Subnet"]["SubnetId"];
  const std::string first = run_one({default_subnet(0)}, {group});
  const std::string second = run_one({subnet});
  auto r = call("DeleteSecurityGroup", {{"GroupId", group}});
  EXPECT_EQ(r.code, "DependencyViolation");
  EXPECT_EQ(r.message, "resource " + group + " has a dependent object");
  EXPECT_EQ(call("DeleteSubnet", {{"SubnetId", subnet}}).code, "DependencyViolation");
  EXPECT_EQ(call("DeleteVpc", {{"VpcId", vpc}}).code, "DependencyViolation");
  stop(first);
  stop(second);
  ok("DeleteSecurityGroup", {{"GroupId", group}});
  ok("DeleteSubnet", {{"SubnetId", subnet}});
  ok("DeleteVpc", {{"VpcId", vpc}});
}

TEST_F(TaskVpcTest, ATaskInACreatedVpcGetsItsSubnetsAddressOnTheVpcsBridge) {
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet =
      ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/24"}, {"AvailabilityZone", "us-east-1d"}})["Subnet"]["SubnetId"];
  const std::string arn = run_one({subnet});
  Json task = h.ecs("DescribeTasks", {{"tasks", {arn}}}).body["tasks"][0];
  EXPECT_EQ(task["availabilityZone"], "us-east-1d");
  h.ecs_provider().on_task_event(testing::event(Kind::NetworkReady, arn));
  task = h.ecs("DescribeTasks", {{"tasks", {arn}}}).body["tasks"][0];
  EXPECT_EQ(details(task).at("privateIPv4Address"), "10.10.1.4");
  EXPECT_EQ(details(task).at("subnetId"), subnet);
  const runtime::TaskSpec* spec = runtime.launched(arn);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->network.network, "ecslocal-" + vpc);
  EXPECT_EQ(spec->network.cidr, "10.10.0.0/16");
  EXPECT_EQ(spec->network.gateway, "10.10.0.1");
  EXPECT_EQ(spec->network.ipv4_address, "10.10.1.4");
  EXPECT_EQ(spec->network.network_labels.at("ecslocal.vpc"), vpc);
  EXPECT_EQ(spec->network.network_labels.at("ecslocal.managed"), "true");
  EXPECT_EQ(spec->labels.at("ecslocal.subnet"), subnet);
  // The VPC's own default group, not the default VPC's.
  Json eni = ok("DescribeNetworkInterfaces", {{"Filters", filter("vpc-id", {vpc})}})["NetworkInterfaces"][0];
  EXPECT_EQ(eni["Groups"][0]["GroupId"], networks->at("000000000000", "us-east-1").default_group(vpc)->id);
  EXPECT_EQ(ok("DescribeSubnets", {{"SubnetIds", {subnet}}})["Subnets"][0]["AvailableIpAddressCount"], 250);
  stop(arn);
  EXPECT_EQ(ok("DescribeSubnets", {{"SubnetIds", {subnet}}})["Subnets"][0]["AvailableIpAddressCount"], 251);
}

TEST_F(TaskVpcTest, ASubnetThatRunsOutFailsTheRestOfTheTasksWithoutLeaking) {
  const std::string vpc = ok("CreateVpc", {{"CidrBlock", "10.10.0.0/16"}})["Vpc"]["VpcId"];
  const std::string subnet = ok("CreateSubnet", {{"VpcId", vpc}, {"CidrBlock", "10.10.1.0/28"}})["Subnet"]["SubnetId"];
  auto r = run({subnet}, {}, 10);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"].size(), 10u);
  r = run({subnet}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"].size(), 1u);  // 11 addresses in a /28
  EXPECT_EQ(r.body["failures"].size(), 4u);
  EXPECT_EQ(networks->at("000000000000", "us-east-1").used(subnet), 11u);
  EXPECT_EQ(networks->at("000000000000", "us-east-1").enis.size(), 11u);
}

}  // namespace
}  // namespace ecslocal::api::ec2
