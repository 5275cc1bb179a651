// RunTask's refusals (each with ECS's exception type) and its options: overrides, capacity
// provider strategies, platform versions, tags.
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr const char* kInvalid = "InvalidParameterException";

TEST_F(TaskOpsTest, UnknownAndInactiveDefinitionsAreClientErrors) {
  expect_error(run({{"taskDefinition", "nope"}}), "ClientException", "Unable to describe task definition.");
  expect_error(run({{"taskDefinition", "web:7"}}), "ClientException", "Unable to describe task definition.");
  expect_error(run({{"taskDefinition", "arn:aws:ecs:us-east-1:111111111111:task-definition/web:1"}}), "ClientException");
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_definition()).ok());  // web:2
  ASSERT_TRUE(h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web:1"}}).ok());
  expect_error(run({{"taskDefinition", "web:1"}}), "ClientException", "TaskDefinition is inactive");
  auto r = run({{"taskDefinition", "web"}});  // the latest ACTIVE revision
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"][0]["taskDefinitionArn"], kArnPrefix + "task-definition/web:2");
  EXPECT_TRUE(run({{"taskDefinition", kArnPrefix + "task-definition/web:2"}}).ok());
  EXPECT_TRUE(runtime.launches.size() == 2);
}

TEST_F(TaskOpsTest, ClusterMustBeActive) {
  expect_error(run({{"cluster", "nope"}}), "ClusterNotFoundException", "Cluster not found.");
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "gone"}}).ok());
  ASSERT_TRUE(h.ecs("DeleteCluster", {{"cluster", "gone"}}).ok());
  expect_error(run({{"cluster", "gone"}}), "ClusterNotFoundException", "The referenced cluster was inactive.");
}

TEST_F(TaskOpsTest, CountIsOneToTen) {
  expect_error(run({{"count", 0}}), kInvalid);
  expect_error(run({{"count", 11}}), kInvalid);
  auto r = run({{"count", 10}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"].size(), 10u);
  EXPECT_TRUE(runtime.launches.size() == 10);
}

TEST_F(TaskOpsTest, LaunchTypeRules) {
  expect_error(run({{"capacityProviderStrategy", {{{"capacityProvider", "FARGATE"}, {"weight", 1}}}}}), kInvalid,
               "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  expect_error(run({{"launchType", "EC2"}}), kInvalid, "No Container Instances were found in your cluster.");
  expect_error(run({{"launchType", "EXTERNAL"}}), kInvalid, "No Container Instances were found in your cluster.");
  Json no_launch_type = {{"taskDefinition", "web"}, {"networkConfiguration", network()}};
  expect_error(h.ecs("RunTask", no_launch_type), kInvalid, "No Container Instances were found in your cluster.");
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", {{"family", "bridge"},
                                               {"containerDefinitions", {{{"name", "a"}, {"image", "busybox"}, {"memory", 64}}}}})
                  .ok());
  expect_error(run({{"taskDefinition", "bridge"}}), kInvalid, "Task definition does not support launch_type FARGATE.");
  expect_error(run({{"platformVersion", "9.9.9"}}), "PlatformUnknownException");
  auto r = run({{"platformVersion", "1.3.0"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"][0]["platformVersion"], "1.3.0");
  EXPECT_EQ(run({{"platformVersion", "LATEST"}}).body["tasks"][0]["platformVersion"], "1.4.0");
}

TEST_F(TaskOpsTest, CapacityProviderStrategies) {
  Json strategy = {{{"capacityProvider", "FARGATE"}, {"weight", 1}, {"base", 1}},
                   {{"capacityProvider", "FARGATE_SPOT"}, {"weight", 1}}};
  Json input = {{"taskDefinition", "web"}, {"networkConfiguration", network()}, {"capacityProviderStrategy", strategy},
                {"count", 3}};
  expect_error(h.ecs("RunTask", input), kInvalid);  // not associated with the cluster yet
  ASSERT_TRUE(h.ecs("PutClusterCapacityProviders", {{"cluster", "default"},
                                                    {"capacityProviders", {"FARGATE", "FARGATE_SPOT"}},
                                                    {"defaultCapacityProviderStrategy", Json::array()}})
                  .ok());
  auto r = h.ecs("RunTask", input);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  std::vector<std::string> providers;
  for (const auto& t : r.body["tasks"]) {
    EXPECT_EQ(t["launchType"], "FARGATE");
    providers.push_back(t["capacityProviderName"]);
  }
  EXPECT_EQ(providers, (std::vector<std::string>{"FARGATE", "FARGATE", "FARGATE_SPOT"}));

  input["capacityProviderStrategy"] = {{{"capacityProvider", "FARGATE"}, {"weight", 0}}};
  expect_error(h.ecs("RunTask", input), kInvalid);

  // The cluster's default strategy applies when neither is given.
  ASSERT_TRUE(h.ecs("PutClusterCapacityProviders", {{"cluster", "default"},
                                                    {"capacityProviders", {"FARGATE_SPOT"}},
                                                    {"defaultCapacityProviderStrategy", {{{"capacityProvider", "FARGATE_SPOT"}, {"weight", 1}}}}})
                  .ok());
  r = h.ecs("RunTask", {{"taskDefinition", "web"}, {"networkConfiguration", network()}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tasks"][0]["capacityProviderName"], "FARGATE_SPOT");
}

TEST_F(TaskOpsTest, NetworkConfigurationRules) {
  Json input = {{"taskDefinition", "web"}, {"launchType", "FARGATE"}};
  expect_error(h.ecs("RunTask", input), kInvalid,
               "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  input["networkConfiguration"] = Json::object();
  expect_error(h.ecs("RunTask", input), kInvalid,
               "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  auto with_vpc = [&](Json vpc) {
    input["networkConfiguration"] = {{"awsvpcConfiguration", vpc}};
    return h.ecs("RunTask", input);
  };
  expect_error(with_vpc({{"subnets", Json::array()}}), kInvalid);
  Json subnets = Json::array();
  for (int i = 0; i < 17; ++i) subnets.push_back("subnet-" + std::to_string(10000 + i));
  expect_error(with_vpc({{"subnets", subnets}}), kInvalid);
  Json groups = Json::array();
  for (int i = 0; i < 6; ++i) groups.push_back("sg-" + std::to_string(10000 + i));
  expect_error(with_vpc({{"subnets", {default_subnet()}}, {"securityGroups", groups}}), kInvalid);
  expect_error(with_vpc({{"subnets", {"my-subnet"}}}), kInvalid);
  expect_error(with_vpc({{"subnets", {default_subnet()}}, {"securityGroups", {"default"}}}), kInvalid);
  expect_error(with_vpc({{"subnets", {default_subnet()}}, {"assignPublicIp", "MAYBE"}}), kInvalid);
  EXPECT_TRUE(with_vpc({{"subnets", {default_subnet()}}}).ok());
  EXPECT_TRUE(runtime.launches.size() == 1);
}

TEST_F(TaskOpsTest, OverridesReachTheTaskAndTheRuntime) {
  Json overrides = {{"containerOverrides",
                     {{{"name", "app"},
                       {"command", {"sh", "-c", "echo hi"}},
                       {"environment", {{{"name", "MODE"}, {"value", "batch"}}}},
                       {"cpu", 128},
                       {"memory", 256},
                       {"memoryReservation", 128}}}},
                    {"cpu", "0.5 vCPU"},
                    {"memory", "1GB"},
                    {"taskRoleArn", "arn:aws:iam::000000000000:role/task"},
                    {"ephemeralStorage", {{"sizeInGiB", 30}}}};
  auto r = run({{"overrides", overrides}, {"enableExecuteCommand", true}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& t = r.body["tasks"][0];
  EXPECT_EQ(t["cpu"], "512");
  EXPECT_EQ(t["memory"], "1024");
  EXPECT_EQ(t["ephemeralStorage"]["sizeInGiB"], 30);
  EXPECT_EQ(t["enableExecuteCommand"], true);
  const Json& ov = t["overrides"];
  EXPECT_EQ(ov["cpu"], "512");
  EXPECT_EQ(ov["memory"], "1024");
  EXPECT_EQ(ov["taskRoleArn"], "arn:aws:iam::000000000000:role/task");
  ASSERT_EQ(ov["containerOverrides"].size(), 2u);
  EXPECT_EQ(ov["containerOverrides"][0]["command"], Json({"sh", "-c", "echo hi"}));
  EXPECT_EQ(ov["containerOverrides"][0]["environment"], Json::parse(R"([{"name":"MODE","value":"batch"}])"));
  EXPECT_EQ(ov["containerOverrides"][1], Json({{"name", "sidecar"}}));
  EXPECT_EQ(t["containers"][0]["cpu"], "128");
  EXPECT_EQ(t["containers"][0]["memory"], "256");
  EXPECT_EQ(t["containers"][0]["memoryReservation"], "128");

  const auto& create = runtime.launches.at(0).containers.at(0).create;
  EXPECT_EQ(create.cmd, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_NE(std::find(create.env.begin(), create.env.end(), "MODE=batch"), create.env.end());
  EXPECT_EQ(create.cpu_shares, 128);
  EXPECT_EQ(create.memory_bytes, 256ll * 1024 * 1024);
  EXPECT_EQ(create.memory_reservation_bytes, 128ll * 1024 * 1024);
}

TEST_F(TaskOpsTest, BadOverridesAreRefused) {
  auto with = [&](Json overrides) { return run({{"overrides", overrides}}); };
  expect_error(with({{"containerOverrides", {{{"name", "ghost"}}}}}), kInvalid,
               "Override for container named ghost is not a container in the TaskDefinition.");
  expect_error(with({{"containerOverrides", {{{"command", {"x"}}}}}}), kInvalid);
  expect_error(with({{"containerOverrides", {{{"name", "app"}}, {{"name", "app"}}}}}), kInvalid);
  expect_error(with({{"containerOverrides", {{{"name", "app"}, {"memory", 64}, {"memoryReservation", 128}}}}}), kInvalid);
  expect_error(with({{"containerOverrides", {{{"name", "app"}, {"cpu", -1}}}}}), kInvalid);
  expect_error(with({{"containerOverrides", {{{"name", "sidecar"}, {"memoryReservation", 128}}}}}), kInvalid);  // > its memory 64
  expect_error(with({{"cpu", "256"}, {"memory", "4096"}}), "ClientException",
               "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.");
  expect_error(with({{"ephemeralStorage", {{"sizeInGiB", 500}}}}), kInvalid);
  expect_error(with({{"containerOverrides", {{{"name", "app"}, {"command", {std::string(9000, 'x')}}}}}}), kInvalid);
  expect_error(run({{"enableExecuteCommand", true}}), kInvalid);  // no task role anywhere
  EXPECT_TRUE(runtime.launches.empty());
}

TEST_F(TaskOpsTest, OptionLimits) {
  expect_error(run({{"startedBy", std::string(129, 'a')}}), kInvalid);
  expect_error(run({{"startedBy", "has space"}}), kInvalid);
  EXPECT_TRUE(run({{"startedBy", "ecs-svc/1234567890123456789"}}).ok());
  expect_error(run({{"group", std::string(256, 'g')}}), kInvalid);
  expect_error(run({{"referenceId", std::string(1025, 'r')}}), kInvalid);
  expect_error(run({{"propagateTags", "SERVICE"}}), kInvalid);
  expect_error(run({{"placementConstraints", {{{"type", "distinctInstance"}}}}}), kInvalid);
  expect_error(run({{"placementStrategy", {{{"type", "random"}}}}}), kInvalid);
  expect_error(run({{"tags", {{{"key", "aws:reserved"}, {"value", "x"}}}}}), kInvalid);
}

TEST_F(TaskOpsTest, TagsOnTasks) {
  const std::string td_arn = kArnPrefix + "task-definition/web:1";
  ASSERT_TRUE(h.ecs("TagResource", {{"resourceArn", td_arn}, {"tags", {{{"key", "team"}, {"value", "a"}}, {{"key", "env"}, {"value", "dev"}}}}}).ok());
  auto r = run({{"tags", {{{"key", "env"}, {"value", "prod"}}}}, {"propagateTags", "TASK_DEFINITION"}, {"enableECSManagedTags", true}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json expected = Json::parse(R"([{"key":"team","value":"a"},{"key":"env","value":"prod"},
                                        {"key":"aws:ecs:clusterName","value":"default"}])");
  EXPECT_EQ(r.body["tasks"][0]["tags"], expected);
  const std::string arn = r.body["tasks"][0]["taskArn"];
  auto listed = h.ecs("ListTagsForResource", {{"resourceArn", arn}});
  ASSERT_TRUE(listed.ok()) << listed.body.dump();
  EXPECT_EQ(listed.body["tags"], expected);
  ASSERT_TRUE(h.ecs("TagResource", {{"resourceArn", arn}, {"tags", {{{"key", "more"}, {"value", "1"}}}}}).ok());
  EXPECT_EQ(h.ecs("DescribeTasks", {{"tasks", {arn}}, {"include", {"TAGS"}}}).body["tasks"][0]["tags"].size(), 4u);

  feed(Kind::TaskStopped, arn);
  expect_error(h.ecs("TagResource", {{"resourceArn", arn}, {"tags", {{{"key", "x"}, {"value", "1"}}}}}), kInvalid);
  EXPECT_TRUE(h.ecs("ListTagsForResource", {{"resourceArn", arn}}).ok());  // still readable
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", kArnPrefix + "task/default/ffffffffffffffffffffffffffffffff"}}),
               kInvalid, "The referenced task was not found.");
}

}  // namespace
}  // namespace ecslocal::api::ecs
