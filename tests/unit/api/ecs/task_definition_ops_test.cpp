// RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition, ListTaskDefinitions and
// ListTaskDefinitionFamilies through the gateway (model validation and strict output shapes).
#include <gtest/gtest.h>

#include <algorithm>

#include "api/protocol/model.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using testing::ApiHarness;

const std::string kPrefix = "arn:aws:ecs:us-east-1:000000000000:task-definition/";

// The course's task definition: Fargate, awsvpc, one web container with a health check and awslogs.
Json web_task_definition() {
  return Json::parse(R"({
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "1024",
    "memory": "2048",
    "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
    "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
    "containerDefinitions": [{
      "name": "web",
      "image": "public.ecr.aws/nginx/nginx:latest",
      "portMappings": [{"name": "web-8080-tcp", "containerPort": 8080, "protocol": "tcp", "appProtocol": "http"}],
      "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]},
      "logConfiguration": {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/web", "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"}}
    }]
  })");
}

Json bridge_task_definition(const std::string& family) {
  return Json{{"family", family},
              {"containerDefinitions", Json::array({{{"name", "app"}, {"image", "busybox"}, {"memory", 128}}})}};
}

std::vector<std::string> attribute_names(const Json& td) {
  std::vector<std::string> out;
  for (const auto& a : td["requiresAttributes"]) out.push_back(a["name"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RegisterTaskDefinition, CourseDefinitionEchoesWhatEcsFillsIn) {
  ApiHarness h;
  auto r = h.ecs("RegisterTaskDefinition", web_task_definition());
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& td = r.body["taskDefinition"];
  EXPECT_EQ(td["taskDefinitionArn"], kPrefix + "web:1");
  EXPECT_EQ(td["family"], "web");
  EXPECT_EQ(td["revision"], 1);
  EXPECT_EQ(td["status"], "ACTIVE");
  EXPECT_EQ(td["networkMode"], "awsvpc");
  EXPECT_EQ(td["cpu"], "1024");
  EXPECT_EQ(td["memory"], "2048");
  EXPECT_EQ(td["requiresCompatibilities"], Json::array({"FARGATE"}));
  EXPECT_EQ(td["compatibilities"], Json::array({"EC2", "FARGATE"}));
  EXPECT_EQ(td["runtimePlatform"], web_task_definition()["runtimePlatform"]);
  EXPECT_EQ(td["executionRoleArn"], "arn:aws:iam::000000000000:role/ecsTaskExecutionRole");
  EXPECT_EQ(td["registeredBy"], "arn:aws:iam::000000000000:root");
  EXPECT_TRUE(td["registeredAt"].is_number());
  EXPECT_FALSE(td.contains("deregisteredAt"));
  EXPECT_EQ(td["volumes"], Json::array());
  EXPECT_EQ(td["placementConstraints"], Json::array());
  EXPECT_FALSE(r.body.contains("tags"));

  const Json& c = td["containerDefinitions"][0];
  EXPECT_EQ(c["cpu"], 0);
  EXPECT_EQ(c["essential"], true);
  EXPECT_EQ(c["environment"], Json::array());
  EXPECT_EQ(c["mountPoints"], Json::array());
  EXPECT_EQ(c["volumesFrom"], Json::array());
  EXPECT_EQ(c["portMappings"], Json::parse(R"([{"name": "web-8080-tcp", "containerPort": 8080, "hostPort": 8080,
                                                 "protocol": "tcp", "appProtocol": "http"}])"));
  EXPECT_EQ(c["healthCheck"], Json::parse(R"({"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                                               "interval": 30, "timeout": 5, "retries": 3})"));
  EXPECT_EQ(c["logConfiguration"], web_task_definition()["containerDefinitions"][0]["logConfiguration"]);
  std::vector<std::string> expected{"com.amazonaws.ecs.capability.docker-remote-api.1.18",
                                    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
                                    "com.amazonaws.ecs.capability.docker-remote-api.1.24",
                                    "com.amazonaws.ecs.capability.docker-remote-api.1.29",
                                    "com.amazonaws.ecs.capability.logging-driver.awslogs",
                                    "ecs.capability.container-health-check",
                                    "ecs.capability.execution-role-awslogs",
                                    "ecs.capability.task-eni"};
  EXPECT_EQ(attribute_names(td), expected);
}

TEST(RegisterTaskDefinition, TypedViewOfTheCourseContainer) {
  ApiHarness h;
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_task_definition()).ok());
  RequestContext ctx{"000000000000", "us-east-1", "", "", {}, ""};
  const TaskDefinition* td = h.ecs_provider().state(ctx).task_definitions.find_by_arn(kPrefix + "web:1");
  ASSERT_NE(td, nullptr);
  EXPECT_EQ(td->cpu, 1024);
  EXPECT_EQ(td->memory, 2048);
  const ContainerDefinition* web = td->find_container("web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->image, "public.ecr.aws/nginx/nginx:latest");
  EXPECT_TRUE(web->essential);
  ASSERT_EQ(web->port_mappings.size(), 1u);
  EXPECT_EQ(web->port_mappings[0].container_port, 8080);
  EXPECT_EQ(web->port_mappings[0].host_port, 8080);
  ASSERT_TRUE(web->health_check);
  EXPECT_EQ(web->health_check->interval_seconds, 30);
  EXPECT_FALSE(web->health_check->start_period_seconds);
  ASSERT_TRUE(web->log_configuration);
  EXPECT_EQ(web->log_configuration->options.at("awslogs-group"), "/ecs/web");
}

TEST(RegisterTaskDefinition, EveryRequestMemberIsStoredAndEchoed) {
  ApiHarness h;
  Json container = Json::parse(R"({
    "name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
    "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"},
    "cpu": 256, "memory": 512, "memoryReservation": 256, "links": ["side:s"],
    "portMappings": [{"containerPort": 80, "hostPort": 8080, "protocol": "udp"}], "essential": true,
    "entryPoint": ["sh", "-c"], "command": ["echo hi"], "environment": [{"name": "A", "value": "1"}],
    "environmentFiles": [{"value": "arn:aws:s3:::bucket/app.env", "type": "s3"}],
    "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": true}],
    "volumesFrom": [{"sourceContainer": "side", "readOnly": false}],
    "linuxParameters": {"capabilities": {"add": ["NET_ADMIN"], "drop": ["MKNOD"]},
                        "devices": [{"hostPath": "/dev/fuse", "containerPath": "/dev/fuse", "permissions": ["read"]}],
                        "initProcessEnabled": true, "sharedMemorySize": 64,
                        "tmpfs": [{"containerPath": "/tmp", "size": 64, "mountOptions": ["rw"]}],
                        "maxSwap": 0, "swappiness": 60},
    "secrets": [{"name": "PW", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/pw"}],
    "dependsOn": [{"containerName": "side", "condition": "START"}], "startTimeout": 60, "stopTimeout": 30,
    "hostname": "app", "user": "1000:1000", "workingDirectory": "/srv", "disableNetworking": false,
    "privileged": true, "readonlyRootFilesystem": true, "dnsServers": ["10.0.0.2"], "dnsSearchDomains": ["corp"],
    "extraHosts": [{"hostname": "db", "ipAddress": "10.0.0.5"}], "dockerSecurityOptions": ["no-new-privileges"],
    "interactive": true, "pseudoTerminal": true, "dockerLabels": {"team": "a"},
    "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
    "logConfiguration": {"logDriver": "json-file", "options": {"max-size": "10m"}, "secretOptions": []},
    "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 3, "retries": 2, "startPeriod": 5},
    "systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}],
    "resourceRequirements": [{"value": "1", "type": "GPU"}],
    "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}}
  })");
  Json side = {{"name", "side"}, {"image", "busybox"}, {"memory", 64}, {"essential", false}};
  Json request = Json::parse(R"({
    "family": "everything", "taskRoleArn": "arn:aws:iam::000000000000:role/task",
    "executionRoleArn": "arn:aws:iam::000000000000:role/exec", "networkMode": "bridge",
    "volumes": [{"name": "data", "host": {"sourcePath": "/srv/data"}},
                {"name": "vol", "dockerVolumeConfiguration": {"scope": "shared", "autoprovision": true,
                 "driver": "local", "driverOpts": {"type": "tmpfs"}, "labels": {"a": "b"}}},
                {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/",
                 "transitEncryption": "ENABLED", "transitEncryptionPort": 2049,
                 "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}}],
    "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}],
    "requiresCompatibilities": ["EC2"], "cpu": "1 vCPU", "memory": "1GB",
    "pidMode": "host", "ipcMode": "task",
    "proxyConfiguration": {"type": "APPMESH", "containerName": "side",
                           "properties": [{"name": "AppPorts", "value": "80"}]},
    "inferenceAccelerators": [{"deviceName": "d1", "deviceType": "eia2.medium"}],
    "ephemeralStorage": {"sizeInGiB": 30},
    "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
    "tags": [{"key": "env", "value": "dev"}]
  })");
  request["containerDefinitions"] = Json::array({container, side});
  auto r = h.ecs("RegisterTaskDefinition", request);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& td = r.body["taskDefinition"];
  for (const auto& [key, value] : request.items()) {
    if (key == "tags" || key == "containerDefinitions") continue;
    if (key == "cpu") EXPECT_EQ(td[key], "1024");
    else if (key == "memory") EXPECT_EQ(td[key], "1024");
    else EXPECT_EQ(td[key], value) << key;
  }
  const Json& echoed = td["containerDefinitions"][0];
  for (const auto& [key, value] : container.items()) EXPECT_EQ(echoed[key], value) << key;
  EXPECT_EQ(r.body["tags"], request["tags"]);
  EXPECT_EQ(td["compatibilities"], Json::array({"EC2"}));
  auto attributes = attribute_names(td);
  for (const char* expected : {"com.amazonaws.ecs.capability.task-iam-role", "ecs.capability.container-ordering",
                               "com.amazonaws.ecs.capability.ecr-auth", "ecs.capability.execution-role-ecr-pull",
                               "ecs.capability.secrets.ssm.environment-variables", "ecs.capability.env-files.s3",
                               "com.amazonaws.ecs.capability.privileged-container", "ecs.capability.efs",
                               "ecs.capability.pid-ipc-namespace-sharing", "ecs.capability.aws-appmesh",
                               "com.amazonaws.ecs.capability.logging-driver.json-file"})
    EXPECT_NE(std::find(attributes.begin(), attributes.end(), expected), attributes.end()) << expected;
}

TEST(RegisterTaskDefinition, UnknownMembersAndNullsAreDropped) {
  ApiHarness h;
  Json request = bridge_task_definition("newer");
  request["noSuchTaskMember"] = true;
  request["containerDefinitions"][0]["noSuchContainerMember"] = {{"enabled", true}};
  request["containerDefinitions"][0]["memoryReservation"] = nullptr;
  request["containerDefinitions"][0]["dockerLabels"] = {{"a", "b"}, {"gone", nullptr}};
  auto r = h.ecs("RegisterTaskDefinition", request);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& c = r.body["taskDefinition"]["containerDefinitions"][0];
  EXPECT_FALSE(c.contains("noSuchContainerMember"));
  EXPECT_FALSE(c.contains("memoryReservation"));
  EXPECT_EQ(c["dockerLabels"], Json({{"a", "b"}}));
  EXPECT_FALSE(r.body["taskDefinition"].contains("noSuchTaskMember"));
}

// Members of the model ecslocal is built from are stored and echoed: with the 2025 model,
// enableFaultInjection and a container's restartPolicy; with the awscli fallback they are dropped.
TEST(RegisterTaskDefinition, MembersOfTheBuildsModelAreEchoed) {
  ApiHarness h;
  Json request = bridge_task_definition("newer");
  request["enableFaultInjection"] = true;
  request["containerDefinitions"][0]["restartPolicy"] = {{"enabled", true}, {"restartAttemptPeriod", 60}};
  auto r = h.ecs("RegisterTaskDefinition", request);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const auto* td = protocol::ServiceModel::get("ecs").find_shape("TaskDefinition");
  ASSERT_NE(td, nullptr);
  const bool newer = td->find_member("enableFaultInjection") != nullptr;
  const Json& out = r.body["taskDefinition"];
  EXPECT_EQ(out.contains("enableFaultInjection"), newer);
  EXPECT_EQ(out["containerDefinitions"][0].contains("restartPolicy"), newer);
  if (newer) {
    EXPECT_EQ(out["enableFaultInjection"], true);
    EXPECT_EQ(out["containerDefinitions"][0]["restartPolicy"], request["containerDefinitions"][0]["restartPolicy"]);
  }
}

TEST(RegisterTaskDefinition, Ec2OnlyDefaultsToBridgeAndEc2Compatibility) {
  ApiHarness h;
  auto r = h.ecs("RegisterTaskDefinition", bridge_task_definition("worker"));
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& td = r.body["taskDefinition"];
  EXPECT_EQ(td["networkMode"], "bridge");
  EXPECT_EQ(td["compatibilities"], Json::array({"EC2"}));
  EXPECT_FALSE(td.contains("requiresCompatibilities"));
  EXPECT_FALSE(td.contains("cpu"));
  EXPECT_EQ(td["requiresAttributes"], Json::array());
}

TEST(RegisterTaskDefinition, AwsvpcSizedForFargateIsFargateCompatibleWithoutAskingForIt) {
  ApiHarness h;
  Json request = web_task_definition();
  request.erase("requiresCompatibilities");
  auto r = h.ecs("RegisterTaskDefinition", request);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["taskDefinition"]["compatibilities"], Json::array({"EC2", "FARGATE"}));
}

TEST(RegisterTaskDefinition, CpuAndMemoryTextIsNormalised) {
  ApiHarness h;
  Json request = web_task_definition();
  request["cpu"] = "1 vCPU";
  request["memory"] = "2 GB";
  auto r = h.ecs("RegisterTaskDefinition", request);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["taskDefinition"]["cpu"], "1024");
  EXPECT_EQ(r.body["taskDefinition"]["memory"], "2048");
}

TEST(RegisterTaskDefinition, RevisionsIncreaseAndAreNeverReused) {
  ApiHarness h;
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", web_task_definition()).body["taskDefinition"]["revision"], 1);
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", web_task_definition()).body["taskDefinition"]["revision"], 2);
  ASSERT_TRUE(h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web:2"}}).ok());
  auto third = h.ecs("RegisterTaskDefinition", web_task_definition());
  EXPECT_EQ(third.body["taskDefinition"]["revision"], 3);
  EXPECT_EQ(third.body["taskDefinition"]["taskDefinitionArn"], kPrefix + "web:3");
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", bridge_task_definition("other")).body["taskDefinition"]["revision"], 1);
}

TEST(RegisterTaskDefinition, AccountsAndRegionsAreSeparate) {
  ApiHarness h;
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_task_definition()).ok());
  auto other = h.ecs("RegisterTaskDefinition", web_task_definition(), "123456789012", "eu-west-1");
  EXPECT_EQ(other.body["taskDefinition"]["taskDefinitionArn"], "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1");
  EXPECT_EQ(other.body["taskDefinition"]["registeredBy"], "arn:aws:iam::123456789012:root");
  EXPECT_FALSE(h.ecs("DescribeTaskDefinition", {{"taskDefinition", kPrefix + "web:1"}}, "123456789012", "eu-west-1").ok());
}

TEST(DescribeTaskDefinition, ByFamilyRevisionAndArn) {
  ApiHarness h;
  h.ecs("RegisterTaskDefinition", web_task_definition());
  h.ecs("RegisterTaskDefinition", web_task_definition());
  EXPECT_EQ(h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web"}}).body["taskDefinition"]["revision"], 2);
  EXPECT_EQ(h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web:1"}}).body["taskDefinition"]["revision"], 1);
  auto by_arn = h.ecs("DescribeTaskDefinition", {{"taskDefinition", kPrefix + "web:1"}});
  ASSERT_TRUE(by_arn.ok()) << by_arn.body.dump();
  EXPECT_EQ(by_arn.body["taskDefinition"]["taskDefinitionArn"], kPrefix + "web:1");
  EXPECT_FALSE(by_arn.body.contains("tags"));
}

TEST(DescribeTaskDefinition, UnknownIsAClientException) {
  ApiHarness h;
  h.ecs("RegisterTaskDefinition", web_task_definition());
  for (const char* name : {"nope", "web:9", "web:0", "web:x", "", kPrefix.c_str(),
                           "arn:aws:ecs:us-east-1:000000000000:cluster/web"}) {
    auto r = h.ecs("DescribeTaskDefinition", {{"taskDefinition", name}});
    EXPECT_EQ(r.error_type(), "ClientException") << name;
    EXPECT_EQ(r.message(), "Unable to describe task definition.") << name;
  }
}

TEST(DescribeTaskDefinition, IncludeTagsReturnsTopLevelTags) {
  ApiHarness h;
  Json request = web_task_definition();
  request["tags"] = Json::parse(R"([{"key": "team", "value": "web"}])");
  auto reg = h.ecs("RegisterTaskDefinition", request);
  EXPECT_EQ(reg.body["tags"], request["tags"]);
  auto r = h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web:1"}, {"include", {"TAGS"}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["tags"], request["tags"]);
  EXPECT_FALSE(r.body["taskDefinition"].contains("tags"));
  RequestContext ctx{"000000000000", "us-east-1", "", "", {}, ""};
  EXPECT_EQ(h.ecs_provider().state(ctx).tags.get(kPrefix + "web:1").size(), 1u);

  h.ecs("RegisterTaskDefinition", bridge_task_definition("untagged"));
  auto untagged = h.ecs("DescribeTaskDefinition", {{"taskDefinition", "untagged"}, {"include", {"TAGS"}}});
  EXPECT_EQ(untagged.body["tags"], Json::array());
}

TEST(DeregisterTaskDefinition, MarksInactiveAndStaysDescribableByRevision) {
  ApiHarness h;
  h.ecs("RegisterTaskDefinition", web_task_definition());
  h.ecs("RegisterTaskDefinition", web_task_definition());
  auto r = h.ecs("DeregisterTaskDefinition", {{"taskDefinition", kPrefix + "web:2"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["taskDefinition"]["status"], "INACTIVE");
  EXPECT_TRUE(r.body["taskDefinition"]["deregisteredAt"].is_number());
  auto by_revision = h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web:2"}});
  EXPECT_EQ(by_revision.body["taskDefinition"]["status"], "INACTIVE");
  EXPECT_EQ(h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web"}}).body["taskDefinition"]["revision"], 1);

  ASSERT_TRUE(h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web:1"}}).ok());
  auto family = h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web"}});
  EXPECT_EQ(family.error_type(), "ClientException");
  EXPECT_EQ(family.message(), "Unable to describe task definition.");
  auto again = h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web:1"}});
  EXPECT_EQ(again.body["taskDefinition"]["status"], "INACTIVE");
}

TEST(DeregisterTaskDefinition, NeedsAnExistingRevision) {
  ApiHarness h;
  h.ecs("RegisterTaskDefinition", web_task_definition());
  for (const char* name : {"web:7", "ghost:1", "web:abc", "arn:aws:ecs:eu-west-1:000000000000:task-definition/web:1"}) {
    auto r = h.ecs("DeregisterTaskDefinition", {{"taskDefinition", name}});
    EXPECT_EQ(r.error_type(), "ClientException") << name;
    EXPECT_EQ(r.message(), "The specified task definition does not exist.") << name;
  }
  auto bare = h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web"}});
  EXPECT_EQ(bare.error_type(), "ClientException");
  EXPECT_NE(bare.message().find("revision must be specified"), std::string::npos);
  auto missing = h.ecs("DeregisterTaskDefinition", Json::object());
  EXPECT_EQ(missing.error_type(), "InvalidParameterException");
}

TEST(TaskDefinitionTags, ValidatedAtRegistrationAndReachableThroughTagOperations) {
  ApiHarness h;
  Json request = web_task_definition();
  request["tags"] = Json::parse(R"([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}])");
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", request).error_type(), "InvalidParameterException");
  EXPECT_TRUE(h.ecs("ListTaskDefinitions").body["taskDefinitionArns"].empty());

  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_task_definition()).ok());
  Json tags = Json::parse(R"([{"key": "team", "value": "web"}])");
  auto tagged = h.ecs("TagResource", {{"resourceArn", kPrefix + "web:1"}, {"tags", tags}});
  ASSERT_TRUE(tagged.ok()) << tagged.body.dump();
  EXPECT_EQ(h.ecs("ListTagsForResource", {{"resourceArn", kPrefix + "web:1"}}).body["tags"], tags);
  EXPECT_EQ(h.ecs("DescribeTaskDefinition", {{"taskDefinition", "web"}, {"include", {"TAGS"}}}).body["tags"], tags);
  auto unknown = h.ecs("TagResource", {{"resourceArn", kPrefix + "web:2"}, {"tags", tags}});
  EXPECT_EQ(unknown.error_type(), "ClientException");
  EXPECT_EQ(unknown.message(), "Unable to describe task definition.");
}

class ListTaskDefinitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* family : {"web", "api", "web", "worker", "api"})
      ASSERT_TRUE(h.ecs("RegisterTaskDefinition", bridge_task_definition(family)).ok());
    ASSERT_TRUE(h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "worker:1"}}).ok());
  }
  std::vector<std::string> arns(const Json& input) {
    auto r = h.ecs("ListTaskDefinitions", input);
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.body["taskDefinitionArns"].get<std::vector<std::string>>();
  }
  ApiHarness h;
};

TEST_F(ListTaskDefinitionsTest, ActiveByDefaultSortedByFamilyThenRevision) {
  EXPECT_EQ(arns(Json::object()),
            (std::vector<std::string>{kPrefix + "api:1", kPrefix + "api:2", kPrefix + "web:1", kPrefix + "web:2"}));
  EXPECT_EQ(arns({{"sort", "DESC"}}),
            (std::vector<std::string>{kPrefix + "web:2", kPrefix + "web:1", kPrefix + "api:2", kPrefix + "api:1"}));
  EXPECT_EQ(arns({{"status", "INACTIVE"}}), std::vector<std::string>{kPrefix + "worker:1"});
}

TEST_F(ListTaskDefinitionsTest, FamilyPrefixNamesTheWholeFamily) {
  EXPECT_EQ(arns({{"familyPrefix", "web"}}), (std::vector<std::string>{kPrefix + "web:1", kPrefix + "web:2"}));
  EXPECT_TRUE(arns({{"familyPrefix", "we"}}).empty());
}

TEST_F(ListTaskDefinitionsTest, Paginates) {
  auto first = h.ecs("ListTaskDefinitions", {{"maxResults", 3}});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.body["taskDefinitionArns"].size(), 3u);
  ASSERT_TRUE(first.body.contains("nextToken"));
  auto second = h.ecs("ListTaskDefinitions", {{"maxResults", 3}, {"nextToken", first.body["nextToken"]}});
  EXPECT_EQ(second.body["taskDefinitionArns"], Json::array({kPrefix + "web:2"}));
  EXPECT_FALSE(second.body.contains("nextToken"));
  EXPECT_EQ(h.ecs("ListTaskDefinitions", {{"maxResults", 0}}).error_type(), "InvalidParameterException");
  EXPECT_EQ(h.ecs("ListTaskDefinitions", {{"maxResults", 101}}).error_type(), "InvalidParameterException");
  EXPECT_EQ(h.ecs("ListTaskDefinitions", {{"nextToken", "garbage"}}).error_type(), "InvalidParameterException");
  EXPECT_EQ(h.ecs("ListTaskDefinitions", {{"status", "DELETED"}}).error_type(), "InvalidParameterException");
}

TEST_F(ListTaskDefinitionsTest, FamiliesWithStatusAndPrefix) {
  auto families = [this](const Json& input) {
    auto r = h.ecs("ListTaskDefinitionFamilies", input);
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.body["families"].get<std::vector<std::string>>();
  };
  EXPECT_EQ(families(Json::object()), (std::vector<std::string>{"api", "web", "worker"}));
  EXPECT_EQ(families({{"status", "ALL"}}), (std::vector<std::string>{"api", "web", "worker"}));
  EXPECT_EQ(families({{"status", "ACTIVE"}}), (std::vector<std::string>{"api", "web"}));
  EXPECT_EQ(families({{"status", "INACTIVE"}}), std::vector<std::string>{"worker"});
  EXPECT_EQ(families({{"familyPrefix", "w"}}), (std::vector<std::string>{"web", "worker"}));
  auto page = h.ecs("ListTaskDefinitionFamilies", {{"maxResults", 2}});
  EXPECT_EQ(page.body["families"], Json::array({"api", "web"}));
  auto rest = h.ecs("ListTaskDefinitionFamilies", {{"maxResults", 2}, {"nextToken", page.body["nextToken"]}});
  EXPECT_EQ(rest.body["families"], Json::array({"worker"}));
}

TEST(TaskDefinitionRegistry, LookupsByReference) {
  TaskDefinitionRegistry registry;
  for (int i = 0; i < 2; ++i) {
    TaskDefinition td;
    td.family = "web";
    td.revision = registry.next_revision("web");
    td.arn = kPrefix + "web:" + std::to_string(td.revision);
    registry.add(std::move(td));
  }
  EXPECT_EQ(registry.next_revision("web"), 3);
  EXPECT_EQ(registry.next_revision("new"), 1);
  ASSERT_NE(registry.find_by_arn(kPrefix + "web:2"), nullptr);
  EXPECT_EQ(registry.find_by_arn(kPrefix + "web:2")->revision, 2);
  EXPECT_EQ(registry.find_by_arn("arn:aws:ecs:us-west-2:000000000000:task-definition/web:2"), nullptr);
  EXPECT_EQ(registry.find_by_arn("web:2"), nullptr);
  EXPECT_EQ(registry.resolve("web")->revision, 2);
  EXPECT_EQ(registry.resolve("web:1")->revision, 1);
  EXPECT_EQ(registry.resolve(kPrefix + "web")->revision, 2);
  registry.find_mutable("web", 2)->status = TaskDefinitionStatus::Inactive;
  EXPECT_EQ(registry.resolve("web")->revision, 1);
  EXPECT_EQ(registry.resolve("web:2")->revision, 2);

  auto ref = parse_task_definition_ref(kPrefix + "web:12");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->family, "web");
  EXPECT_EQ(ref->revision, 12);
  EXPECT_FALSE(parse_task_definition_ref("web:"));
  EXPECT_FALSE(parse_task_definition_ref(":3"));
  EXPECT_FALSE(parse_task_definition_ref("web:-1"));
}

}  // namespace
}  // namespace ecslocal::api::ecs
