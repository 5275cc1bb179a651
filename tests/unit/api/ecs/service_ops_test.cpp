// CreateService, UpdateService, DeleteService, DescribeServices, ListServices and
// ListServicesByNamespace through the gateway (strict output shapes): defaults, echo of what was
// given, and the errors ECS answers.
#include "api/protocol/model.hpp"
#include "tests/unit/api/ecs/service_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

using ServiceOpsTest = ServiceTest;

bool model_has_rebalancing() {
  const auto* shape = protocol::ServiceModel::get("ecs").find_shape("Service");
  return shape && shape->find_member("availabilityZoneRebalancing");
}

TEST_F(ServiceOpsTest, CreateServiceAnswersWithEcsDefaults) {
  auto r = create("web", 0);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& s = r.body["service"];
  EXPECT_EQ(s["serviceArn"], kArnPrefix + "service/default/web");
  EXPECT_EQ(s["clusterArn"], kArnPrefix + "cluster/default");
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["launchType"], "FARGATE");
  EXPECT_EQ(s["platformVersion"], "LATEST");
  EXPECT_EQ(s["platformFamily"], "Linux");
  EXPECT_EQ(s["schedulingStrategy"], "REPLICA");
  EXPECT_EQ(s["deploymentController"], (Json{{"type", "ECS"}}));
  EXPECT_EQ(s["deploymentConfiguration"], Json::parse(R"({"deploymentCircuitBreaker":{"enable":false,"rollback":false},
                                                          "maximumPercent":200,"minimumHealthyPercent":100})"));
  EXPECT_EQ(s["propagateTags"], "NONE");
  EXPECT_EQ(s["enableECSManagedTags"], false);
  EXPECT_EQ(s["enableExecuteCommand"], false);
  if (model_has_rebalancing()) EXPECT_EQ(s["availabilityZoneRebalancing"], "ENABLED");  // AWS's default since 2025
  else EXPECT_FALSE(s.contains("availabilityZoneRebalancing"));  // built from awscli's older model
  EXPECT_EQ(s["loadBalancers"], Json::array());
  EXPECT_EQ(s["serviceRegistries"], Json::array());
  EXPECT_EQ(s["placementConstraints"], Json::array());
  EXPECT_EQ(s["roleArn"], "arn:aws:iam::000000000000:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
  EXPECT_EQ(s["taskDefinition"], kArnPrefix + "task-definition/plain:1");
  ASSERT_EQ(s["deployments"].size(), 1u);
  const Json& d = s["deployments"][0];
  EXPECT_TRUE(std::regex_match(d["id"].get<std::string>(), std::regex("ecs-svc/[0-9]{19}")));
  EXPECT_EQ(d["status"], "PRIMARY");
  EXPECT_EQ(d["rolloutState"], "IN_PROGRESS");
  EXPECT_EQ(d["rolloutStateReason"], "ECS deployment " + d["id"].get<std::string>() + " in progress.");
  EXPECT_EQ(d["platformVersion"], "1.4.0");
  EXPECT_EQ(d["failedTasks"], 0);
  EXPECT_EQ(d["networkConfiguration"], network());
  auto clusters = h.ecs("DescribeClusters", {{"clusters", {"default"}}});
  EXPECT_EQ(clusters.body["clusters"][0]["activeServicesCount"], 1);
}

TEST_F(ServiceOpsTest, StoresAndEchoesWhatItDoesNotEmulate) {
  Json lb = Json::array({{{"targetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/0123456789abcdef"},
                          {"containerName", "app"},
                          {"containerPort", 8080}}});
  Json registries = Json::array({{{"registryArn", "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1"}}});
  Json connect = {{"enabled", true}, {"namespace", "internal"}};
  auto r = create("web", 1, {{"loadBalancers", lb}, {"serviceRegistries", registries}, {"serviceConnectConfiguration", connect},
                             {"healthCheckGracePeriodSeconds", 30}, {"propagateTags", "SERVICE"}, {"enableECSManagedTags", true},
                             {"tags", {{{"key", "team"}, {"value", "a"}}}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& s = r.body["service"];
  EXPECT_EQ(s["loadBalancers"], lb);
  EXPECT_EQ(s["serviceRegistries"], registries);
  EXPECT_EQ(s["healthCheckGracePeriodSeconds"], 30);
  EXPECT_EQ(s["deployments"][0]["serviceConnectConfiguration"], connect);
  EXPECT_EQ(s["tags"], Json::parse(R"([{"key":"team","value":"a"}])"));
  // Tags reach the tasks: the service's (propagateTags SERVICE) and the managed ones.
  const Json task = h.ecs("DescribeTasks", {{"tasks", tasks_of("web")}, {"include", {"TAGS"}}}).body["tasks"][0];
  EXPECT_EQ(task["tags"], Json::parse(R"([{"key":"team","value":"a"},{"key":"aws:ecs:clusterName","value":"default"},
                                          {"key":"aws:ecs:serviceName","value":"web"}])"));
  auto listed = h.ecs("ListServicesByNamespace", {{"namespace", "internal"}});
  ASSERT_TRUE(listed.ok()) << listed.body.dump();
  EXPECT_EQ(listed.body["serviceArns"], Json::array({kArnPrefix + "service/default/web"}));
  expect_error(h.ecs("ListServicesByNamespace", {{"namespace", "elsewhere"}}), "NamespaceNotFoundException");
}

TEST_F(ServiceOpsTest, CreateServiceRefusesWhatEcsRefuses) {
  ASSERT_TRUE(create("web", 1).ok());
  expect_error(create("web", 1), "InvalidParameterException", "Creation of service was not idempotent.");
  expect_error(create("bad name", 1), "InvalidParameterException");
  expect_error(create("d", 1, {{"schedulingStrategy", "DAEMON"}}), "InvalidParameterException");
  expect_error(create("cd", 1, {{"deploymentController", {{"type", "CODE_DEPLOY"}}}}), "UnsupportedFeatureException");
  expect_error(create("n", 1, {{"networkConfiguration", nullptr}}), "InvalidParameterException",
               "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  expect_error(create("p", 1, {{"deploymentConfiguration", {{"minimumHealthyPercent", 150}}}}), "InvalidParameterException");
  expect_error(create("q", 1, {{"deploymentConfiguration", {{"maximumPercent", 50}}}}), "InvalidParameterException");
  expect_error(create("g", 1, {{"healthCheckGracePeriodSeconds", 10}}), "InvalidParameterException",
               "Health check grace period is only valid for services configured to use load balancers");
  expect_error(create("l", 1, {{"loadBalancers", {{{"targetGroupArn", "arn:tg"}, {"containerName", "nope"}, {"containerPort", 80}}}}}),
               "InvalidParameterException", "The container nope does not exist in the task definition.");
  expect_error(create("r", 1, {{"role", "ecsServiceRole"}}), "InvalidParameterException",
               "You cannot specify an IAM role for services that require a service linked role.");
  expect_error(create("t", 1, {{"taskDefinition", "missing"}}), "ClientException", "Unable to describe task definition.");
  expect_error(create("m", -1), "InvalidParameterException");
  expect_error(create("c", 1, {{"cluster", "nowhere"}}), "ClusterNotFoundException");
  Json without_count = {{"serviceName", "x"}, {"taskDefinition", "plain"}, {"launchType", "FARGATE"}, {"networkConfiguration", network()}};
  expect_error(h.ecs("CreateService", without_count), "InvalidParameterException");
  EXPECT_EQ(h.ecs("ListServices").body["serviceArns"].size(), 1u) << "nothing half-created";
}

// The newer model's member: stored as given, kept by an update that does not name it (Terraform
// then sees no drift), changed without a new deployment, and refused outside its enum.
TEST_F(ServiceOpsTest, AvailabilityZoneRebalancingIsStoredAndKept) {
  if (!model_has_rebalancing()) GTEST_SKIP() << "built from the awscli package's (early 2023) model";
  auto r = create("web", 1, {{"availabilityZoneRebalancing", "DISABLED"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["service"]["availabilityZoneRebalancing"], "DISABLED");
  ASSERT_TRUE(update("web", {{"desiredCount", 2}}).ok());
  EXPECT_EQ(service("web")["availabilityZoneRebalancing"], "DISABLED");
  auto changed = update("web", {{"availabilityZoneRebalancing", "ENABLED"}});
  ASSERT_TRUE(changed.ok()) << changed.body.dump();
  EXPECT_EQ(changed.body["service"]["availabilityZoneRebalancing"], "ENABLED");
  EXPECT_EQ(changed.body["service"]["deployments"].size(), 1u);  // no new deployment
  EXPECT_EQ(service("web")["availabilityZoneRebalancing"], "ENABLED");
  expect_error(update("web", {{"availabilityZoneRebalancing", "SOMETIMES"}}), "InvalidParameterException");
  expect_error(create("other", 1, {{"availabilityZoneRebalancing", "SOMETIMES"}}), "InvalidParameterException");
}

TEST_F(ServiceOpsTest, UpdateAndDeleteErrors) {
  expect_error(update("ghost", {{"desiredCount", 1}}), "ServiceNotFoundException", "Service not found.");
  ASSERT_TRUE(create("web", 1).ok());
  expect_error(h.ecs("DeleteService", {{"service", "web"}}), "InvalidParameterException",
               "The service cannot be stopped while it is scaled above 0.");
  expect_error(update("web", {{"desiredCount", -2}}), "InvalidParameterException");
  expect_error(update("web", {{"taskDefinition", "missing"}}), "ClientException");
  ASSERT_TRUE(update("web", {{"desiredCount", 0}}).ok());
  ASSERT_TRUE(h.ecs("DeleteService", {{"service", "web"}}).ok());
  expect_error(update("web", {{"desiredCount", 1}}), "ServiceNotActiveException", "Service was not ACTIVE.");
  expect_error(create("web", 0), "InvalidParameterException", "Creation of service was not idempotent.");  // DRAINING
  stops_reported();
  // INACTIVE: the name may be used again.
  EXPECT_EQ(service("web")["status"], "INACTIVE");
  ASSERT_TRUE(create("web", 0).ok());
  EXPECT_EQ(service("web")["status"], "ACTIVE");
}

TEST_F(ServiceOpsTest, DescribeServicesReportsMissingAndTags) {
  ASSERT_TRUE(create("web", 0, {{"tags", {{{"key", "k"}, {"value", "v"}}}}}).ok());
  auto r = h.ecs("DescribeServices", {{"services", {"web", kArnPrefix + "service/default/web", "ghost"}}, {"include", {"TAGS"}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(r.body["services"].size(), 1u);
  EXPECT_EQ(r.body["services"][0]["tags"], Json::parse(R"([{"key":"k","value":"v"}])"));
  EXPECT_EQ(r.body["failures"], Json::parse(R"([{"arn":"arn:aws:ecs:us-east-1:000000000000:service/default/ghost","reason":"MISSING"}])"));
  expect_error(h.ecs("DescribeServices", {{"services", Json::array()}}), "InvalidParameterException");
  Json eleven = Json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back("s" + std::to_string(i));
  expect_error(h.ecs("DescribeServices", {{"services", eleven}}), "InvalidParameterException");
}

TEST_F(ServiceOpsTest, ListServicesPaginatesAndHidesDeletedOnes) {
  for (const char* name : {"a", "b", "c", "d"}) ASSERT_TRUE(create(name, 0).ok());
  ASSERT_TRUE(h.ecs("DeleteService", {{"service", "d"}}).ok());
  auto first = h.ecs("ListServices", {{"maxResults", 2}});
  ASSERT_TRUE(first.ok()) << first.body.dump();
  EXPECT_EQ(first.body["serviceArns"], Json::array({kArnPrefix + "service/default/a", kArnPrefix + "service/default/b"}));
  auto second = h.ecs("ListServices", {{"maxResults", 2}, {"nextToken", first.body["nextToken"]}});
  EXPECT_EQ(second.body["serviceArns"], Json::array({kArnPrefix + "service/default/c"}));
  EXPECT_FALSE(second.body.contains("nextToken"));
  EXPECT_EQ(h.ecs("ListServices", {{"launchType", "EC2"}}).body["serviceArns"], Json::array());
}

TEST_F(ServiceOpsTest, TagsOnServices) {
  ASSERT_TRUE(create("web", 0).ok());
  const std::string arn = kArnPrefix + "service/default/web";
  ASSERT_TRUE(h.ecs("TagResource", {{"resourceArn", arn}, {"tags", {{{"key", "env"}, {"value", "dev"}}}}}).ok());
  auto listed = h.ecs("ListTagsForResource", {{"resourceArn", arn}});
  EXPECT_EQ(listed.body["tags"], Json::parse(R"([{"key":"env","value":"dev"}])"));
  expect_error(h.ecs("TagResource", {{"resourceArn", kArnPrefix + "service/default/ghost"}, {"tags", {{{"key", "a"}, {"value", "b"}}}}}),
               "InvalidParameterException");
}

TEST_F(ServiceOpsTest, ARecreatedServiceStartsWithoutTheOldTags) {
  ASSERT_TRUE(create("web", 0, {{"tags", {{{"key", "env"}, {"value", "a"}}}}}).ok());
  ASSERT_TRUE(h.ecs("DeleteService", {{"service", "web"}}).ok());
  ASSERT_EQ(service("web")["status"], "INACTIVE");
  ASSERT_TRUE(create("web", 0).ok());
  auto listed = h.ecs("ListTagsForResource", {{"resourceArn", kArnPrefix + "service/default/web"}});
  EXPECT_EQ(listed.body["tags"], Json::array());
}

TEST_F(ServiceOpsTest, DeleteClusterRefusesWhileServicesAreActive) {
  ASSERT_TRUE(create("web", 0).ok());
  expect_error(h.ecs("DeleteCluster", {{"cluster", "default"}}), "ClusterContainsServicesException");
}

}  // namespace
}  // namespace ecslocal::api::ecs
