// One test (or more) per RegisterTaskDefinition rule, on typed definitions; plus the rules seen
// through the gateway, where error type and message reach the client.
#include "api/ecs/task_definition_validation.hpp"

#include <gtest/gtest.h>

#include "api/protocol/aws_error.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

HealthCheck health_check(std::vector<std::string> command) {
  HealthCheck hc;
  hc.command = std::move(command);
  return hc;
}

Volume volume(const std::string& name) {
  Volume v;
  v.name = name;
  return v;
}

// A valid Fargate definition: 1 vCPU / 2 GB, awsvpc, one essential "web" container.
TaskDefinition fargate() {
  TaskDefinition td;
  td.family = "web";
  td.network_mode = "awsvpc";
  td.cpu = 1024;
  td.memory = 2048;
  td.requires_compatibilities = {"FARGATE"};
  td.execution_role_arn = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole";  // awslogs on Fargate needs it
  ContainerDefinition web;
  web.name = "web";
  web.image = "nginx";
  PortMapping pm;
  pm.container_port = 8080;
  pm.host_port = 8080;
  pm.name = "web-8080-tcp";
  pm.app_protocol = "http";
  web.port_mappings.push_back(pm);
  web.health_check = health_check({"CMD-SHELL", "true"});
  web.log_configuration = LogConfiguration{"awslogs", {{"awslogs-group", "/ecs/web"}, {"awslogs-region", "us-east-1"},
                                                       {"awslogs-stream-prefix", "ecs"}}, {}};
  td.containers.push_back(web);
  return td;
}

ContainerDefinition sidecar(const std::string& name) {
  ContainerDefinition c;
  c.name = name;
  c.image = "busybox";
  c.essential = false;
  return c;
}

// Runs `rule` and returns "<type>: <message>", or "ok".
template <typename Rule>
std::string outcome(Rule rule, const TaskDefinition& td) {
  try {
    rule(td);
    return "ok";
  } catch (const AwsError& e) {
    return e.code + ": " + e.what();
  }
}

TEST(TaskDefinitionValidation, TheBaseDefinitionPassesEveryRule) {
  EXPECT_EQ(outcome(validate_registration, fargate()), "ok");
}

TEST(TaskDefinitionValidation, CpuAndMemoryText) {
  EXPECT_EQ(normalize_task_cpu("1024"), "1024");
  EXPECT_EQ(normalize_task_cpu("1 vCPU"), "1024");
  EXPECT_EQ(normalize_task_cpu("0.25 vcpu"), "256");
  EXPECT_EQ(normalize_task_cpu("2vCPU"), "2048");
  EXPECT_EQ(normalize_task_memory("2048"), "2048");
  EXPECT_EQ(normalize_task_memory("2 GB"), "2048");
  EXPECT_EQ(normalize_task_memory("0.5GB"), "512");
  EXPECT_EQ(normalize_task_memory(" 1gb "), "1024");
  for (const char* bad : {"", "abc", "1.5", "-1", "0", "1 GB", "1.2.3 vcpu", "0.0001 vCPU"})
    EXPECT_THROW(normalize_task_cpu(bad), AwsError) << bad;
  for (const char* bad : {"", "lots", "1 vCPU", "2 TB", "0.3 GB"}) EXPECT_THROW(normalize_task_memory(bad), AwsError) << bad;
  try {
    normalize_task_cpu("fast");
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "ClientException");
    EXPECT_STREQ(e.what(), "Invalid 'cpu' setting for task.");
  }
}

TEST(TaskDefinitionValidation, FamilyNames) {
  EXPECT_NO_THROW(validate_family("web_api-2"));
  EXPECT_NO_THROW(validate_family(std::string(255, 'a')));
  EXPECT_THROW(validate_family(std::string(256, 'a')), AwsError);
  EXPECT_THROW(validate_family(""), AwsError);
  try {
    validate_family("web.api");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "ClientException");
    EXPECT_STREQ(e.what(), "Family contains invalid characters.");
  }
}

TEST(TaskDefinitionValidation, AtLeastOneContainer) {
  TaskDefinition td = fargate();
  td.containers.clear();
  EXPECT_EQ(outcome(validate_container_list, td), "ClientException: Container list cannot be empty.");
}

TEST(TaskDefinitionValidation, ContainerNames) {
  TaskDefinition td = fargate();
  td.containers[0].name = "";
  EXPECT_EQ(outcome(validate_container_names, td), "ClientException: Container.name should not be null or empty.");
  td.containers[0].name = "web app";
  EXPECT_EQ(outcome(validate_container_names, td), "ClientException: Container.name contains invalid characters.");
  td = fargate();
  td.containers.push_back(sidecar("web"));
  EXPECT_EQ(outcome(validate_container_names, td),
            "ClientException: Container names must be unique within a Task Definition.");
}

TEST(TaskDefinitionValidation, ImageIsRequired) {
  TaskDefinition td = fargate();
  td.containers[0].image = " ";
  EXPECT_EQ(outcome(validate_container_images, td), "ClientException: Container.image should not be null or empty.");
}

TEST(TaskDefinitionValidation, AtLeastOneEssentialContainer) {
  TaskDefinition td = fargate();
  td.containers[0].essential = false;
  EXPECT_EQ(outcome(validate_essential_container, td),
            "ClientException: Task definition doesn't have any essential container.");
}

TEST(TaskDefinitionValidation, Ec2TaskCpuRange) {
  TaskDefinition td = fargate();
  td.requires_compatibilities = {"EC2"};
  td.cpu = 100;
  EXPECT_EQ(outcome(validate_task_cpu, td), "ClientException: Invalid 'cpu' setting for task.");
  td.cpu = 10240;
  EXPECT_EQ(outcome(validate_task_cpu, td), "ok");
}

TEST(TaskDefinitionValidation, FargateNeedsAwsvpcCpuMemoryAndAValidSize) {
  TaskDefinition td = fargate();
  td.network_mode = "bridge";
  EXPECT_EQ(outcome(validate_fargate_requirements, td), "ClientException: Fargate only supports network mode \u2018awsvpc\u2019.");
  td = fargate();
  td.cpu.reset();
  EXPECT_EQ(outcome(validate_fargate_requirements, td),
            "ClientException: Fargate requires that 'cpu' be defined at the task level.");
  td = fargate();
  td.memory.reset();
  EXPECT_EQ(outcome(validate_fargate_requirements, td),
            "ClientException: Fargate requires that 'memory' be defined at the task level.");
  td = fargate();
  td.cpu = 256;
  td.memory = 4096;
  EXPECT_EQ(outcome(validate_fargate_requirements, td),
            "ClientException: No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
            "See the Amazon ECS documentation for the valid values.");
  td.cpu = 300;
  EXPECT_EQ(outcome(validate_fargate_requirements, td), "ClientException: Invalid 'cpu' setting for task.");
  td = fargate();
  td.operating_system_family = "WINDOWS_SERVER_2022_CORE";
  td.cpu = 512;
  td.memory = 1024;
  EXPECT_NE(outcome(validate_fargate_requirements, td), "ok");
  td = fargate();
  td.requires_compatibilities = {"EC2"};
  td.network_mode = "bridge";
  td.cpu.reset();
  EXPECT_EQ(outcome(validate_fargate_requirements, td), "ok");
}

TEST(TaskDefinitionValidation, FargateSizeTable) {
  EXPECT_TRUE(fargate_size_supported(256, 512));
  EXPECT_TRUE(fargate_size_supported(256, 2048));
  EXPECT_FALSE(fargate_size_supported(256, 1536));
  EXPECT_TRUE(fargate_size_supported(512, 4096));
  EXPECT_FALSE(fargate_size_supported(512, 512));
  EXPECT_TRUE(fargate_size_supported(1024, 2048));
  EXPECT_TRUE(fargate_size_supported(1024, 8192));
  EXPECT_FALSE(fargate_size_supported(1024, 9216));
  EXPECT_TRUE(fargate_size_supported(2048, 16384));
  EXPECT_TRUE(fargate_size_supported(4096, 30720));
  EXPECT_FALSE(fargate_size_supported(4096, 31744));
  EXPECT_TRUE(fargate_size_supported(8192, 20480));
  EXPECT_FALSE(fargate_size_supported(8192, 17408));
  EXPECT_TRUE(fargate_size_supported(16384, 122880));
  EXPECT_FALSE(fargate_size_supported(16384, 36864));
  EXPECT_FALSE(fargate_size_supported(3072, 8192));
}

TEST(TaskDefinitionValidation, FargateRejectsEc2OnlyFeatures) {
  TaskDefinition td = fargate();
  td.containers[0].privileged = true;
  EXPECT_EQ(outcome(validate_fargate_features, td), "ClientException: Fargate does not support privileged containers (container 'web').");
  td = fargate();
  td.pid_mode = "host";
  EXPECT_NE(outcome(validate_fargate_features, td), "ok");
  td = fargate();
  td.volumes.push_back(Volume{"data", std::string("/srv"), false, "", false, false});
  EXPECT_NE(outcome(validate_fargate_features, td), "ok");
  EXPECT_EQ(derive_compatibilities(td), std::vector<std::string>{"EC2"});
  td.requires_compatibilities = {"EC2"};
  EXPECT_EQ(outcome(validate_fargate_features, td), "ok");
}

TEST(TaskDefinitionValidation, ContainerMemorySettings) {
  TaskDefinition td = fargate();
  td.containers[0].memory = 5;
  EXPECT_EQ(outcome(validate_container_memory, td),
            "ClientException: Invalid 'memory' setting for container 'web'. The minimum is 6 MiB.");
  td.containers[0].memory = 6;
  EXPECT_EQ(outcome(validate_container_memory, td), "ok");
  td.containers[0].memory_reservation = 4;
  EXPECT_NE(outcome(validate_container_memory, td), "ok");
  td.containers[0].memory = 128;
  td.containers[0].memory_reservation = 256;
  EXPECT_EQ(outcome(validate_container_memory, td),
            "ClientException: Invalid setting for container 'web'. 'memory' must be greater than or equal to "
            "'memoryReservation'.");
  td = fargate();
  td.memory.reset();
  EXPECT_EQ(outcome(validate_container_memory, td),
            "ClientException: Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' "
            "must be specified.");
  td.containers[0].memory_reservation = 128;
  EXPECT_EQ(outcome(validate_container_memory, td), "ok");
  td.containers[0].cpu = -1;
  EXPECT_EQ(outcome(validate_container_memory, td), "ClientException: Invalid 'cpu' setting for container 'web'.");
}

TEST(TaskDefinitionValidation, ContainerMemoryWithinTaskMemory) {
  TaskDefinition td = fargate();
  td.containers[0].memory = 4096;
  EXPECT_EQ(outcome(validate_memory_against_task, td),
            "ClientException: The 'memory' setting for container 'web' is greater than for the task.");
  td.containers[0].memory = 1536;
  td.containers.push_back(sidecar("log"));
  td.containers[1].memory_reservation = 512;
  EXPECT_EQ(outcome(validate_memory_against_task, td), "ok");
  td.containers[1].memory_reservation = 1024;
  EXPECT_NE(outcome(validate_memory_against_task, td), "ok");
}

TEST(TaskDefinitionValidation, ContainerCpuWithinTaskCpu) {
  TaskDefinition td = fargate();
  td.containers[0].cpu = 512;
  td.containers.push_back(sidecar("log"));
  td.containers[1].cpu = 512;
  EXPECT_EQ(outcome(validate_cpu_against_task, td), "ok");
  td.containers[1].cpu = 513;
  EXPECT_EQ(outcome(validate_cpu_against_task, td),
            "ClientException: The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
}

TEST(TaskDefinitionValidation, AwsvpcHostPortsLinksAndHostname) {
  TaskDefinition td = fargate();
  td.containers[0].port_mappings[0].host_port = 80;
  EXPECT_EQ(outcome(validate_network_mode_rules, td),
            "ClientException: When networkMode=awsvpc, the host ports and container ports in port mappings must match.");
  td = fargate();
  td.containers.push_back(sidecar("side"));
  td.containers[0].links = {"side"};
  EXPECT_EQ(outcome(validate_network_mode_rules, td), "ClientException: Links are not supported when networkMode=awsvpc");
  td.network_mode = "bridge";
  EXPECT_EQ(outcome(validate_network_mode_rules, td), "ok");
  td = fargate();
  td.containers[0].hostname = "web";
  EXPECT_NE(outcome(validate_network_mode_rules, td), "ok");
  td = fargate();
  td.network_mode = "none";
  EXPECT_NE(outcome(validate_network_mode_rules, td), "ok");
  td.network_mode = "host";
  td.containers[0].port_mappings[0].host_port = 9090;
  EXPECT_NE(outcome(validate_network_mode_rules, td), "ok");
}

TEST(TaskDefinitionValidation, PortMappings) {
  TaskDefinition td = fargate();
  td.containers[0].port_mappings[0].container_port.reset();
  EXPECT_EQ(outcome(validate_port_mappings, td), "ClientException: Invalid 'containerPort' setting for container 'web'.");
  td.containers[0].port_mappings[0].container_port = 70000;
  EXPECT_NE(outcome(validate_port_mappings, td), "ok");
  td = fargate();
  td.containers[0].port_mappings.push_back(td.containers[0].port_mappings[0]);
  td.containers[0].port_mappings[1].protocol = "udp";
  EXPECT_EQ(outcome(validate_port_mappings, td),
            "InvalidParameterException: Container port 8080 is used in more than one port mapping for container web");
  td = fargate();
  td.containers[0].port_mappings[0].container_port.reset();
  td.containers[0].port_mappings[0].container_port_range = "8000-8010";
  EXPECT_EQ(outcome(validate_port_mappings, td), "ok");
}

TEST(TaskDefinitionValidation, PortMappingNames) {
  TaskDefinition td = fargate();
  td.containers[0].port_mappings[0].name = "";
  EXPECT_EQ(outcome(validate_port_mapping_names, td).rfind("InvalidParameterException: ", 0), 0u);
  td.containers[0].port_mappings[0].app_protocol = "";
  EXPECT_EQ(outcome(validate_port_mapping_names, td), "ok");
  td.containers[0].port_mappings[0].name = "-bad";
  EXPECT_NE(outcome(validate_port_mapping_names, td), "ok");
  td.containers[0].port_mappings[0].name = "Web";
  EXPECT_NE(outcome(validate_port_mapping_names, td), "ok");
  td = fargate();
  ContainerDefinition api = sidecar("api");
  api.port_mappings = td.containers[0].port_mappings;
  api.port_mappings[0].container_port = 9090;
  td.containers.push_back(api);
  EXPECT_NE(outcome(validate_port_mapping_names, td).find("must be unique"), std::string::npos);
}

TEST(TaskDefinitionValidation, Dependencies) {
  TaskDefinition td = fargate();
  td.containers[0].depends_on = {{"ghost", "START"}};
  EXPECT_NE(outcome(validate_dependencies, td).find("'ghost', which is not defined"), std::string::npos);
  td.containers[0].depends_on = {{"web", "START"}};
  EXPECT_EQ(outcome(validate_dependencies, td), "ClientException: Container 'web' cannot depend on itself.");
  td.containers.push_back(sidecar("init"));
  td.containers[0].depends_on = {{"init", "SUCCESS"}};
  EXPECT_EQ(outcome(validate_dependencies, td), "ok");
  td.containers[1].essential = true;
  EXPECT_EQ(outcome(validate_dependencies, td),
            "ClientException: A dependency container with SUCCESS or COMPLETE condition cannot be an essential container");
  td.containers[0].depends_on = {{"init", "COMPLETE"}};
  EXPECT_NE(outcome(validate_dependencies, td), "ok");
  td.containers[0].depends_on = {{"init", "START"}};
  EXPECT_EQ(outcome(validate_dependencies, td), "ok");
  td.containers[0].depends_on = {{"init", "HEALTHY"}};
  EXPECT_NE(outcome(validate_dependencies, td).find("has no healthCheck"), std::string::npos);
  td.containers[1].health_check = health_check({"CMD", "true"});
  EXPECT_EQ(outcome(validate_dependencies, td), "ok");
}

TEST(TaskDefinitionValidation, DependencyAndLinkCycles) {
  TaskDefinition td = fargate();
  td.containers.push_back(sidecar("a"));
  td.containers.push_back(sidecar("b"));
  td.containers[1].depends_on = {{"b", "START"}};
  td.containers[2].depends_on = {{"web", "START"}};
  EXPECT_EQ(outcome(validate_dependency_cycles, td), "ok");
  td.containers[0].depends_on = {{"a", "START"}};
  EXPECT_EQ(outcome(validate_dependency_cycles, td),
            "ClientException: Container dependencies (dependsOn) should not have a cycle.");
  td = fargate();
  td.containers.push_back(sidecar("a"));
  td.containers[0].links = {"a:alias"};
  td.containers[1].links = {"web"};
  EXPECT_EQ(outcome(validate_dependency_cycles, td), "ClientException: Container links should not have a cycle");
}

TEST(TaskDefinitionValidation, HealthCheckRanges) {
  TaskDefinition td = fargate();
  td.containers[0].health_check->interval_seconds = 4;
  EXPECT_EQ(outcome(validate_health_checks, td),
            "ClientException: Invalid 'healthCheck.interval' setting for container 'web'. Valid values are 5 to 300.");
  td = fargate();
  td.containers[0].health_check->timeout_seconds = 61;
  EXPECT_NE(outcome(validate_health_checks, td), "ok");
  td = fargate();
  td.containers[0].health_check->retries = 0;
  EXPECT_NE(outcome(validate_health_checks, td), "ok");
  td = fargate();
  td.containers[0].health_check->start_period_seconds = 301;
  EXPECT_NE(outcome(validate_health_checks, td), "ok");
  td.containers[0].health_check->start_period_seconds = 0;
  EXPECT_EQ(outcome(validate_health_checks, td), "ok");
  td.containers[0].health_check->command.clear();
  EXPECT_NE(outcome(validate_health_checks, td), "ok");
}

TEST(TaskDefinitionValidation, AwslogsOptions) {
  TaskDefinition td = fargate();
  td.containers[0].log_configuration->options.erase("awslogs-group");
  td.containers[0].log_configuration->options.erase("awslogs-region");
  EXPECT_EQ(outcome(validate_log_configurations, td),
            "ClientException: Log driver awslogs requires options: awslogs-region, awslogs-group");
  td = fargate();
  td.containers[0].log_configuration->options.erase("awslogs-stream-prefix");
  EXPECT_EQ(outcome(validate_log_configurations, td),
            "ClientException: Log driver awslogs requires options: awslogs-stream-prefix");
  td.requires_compatibilities = {"EC2"};
  EXPECT_EQ(outcome(validate_log_configurations, td), "ok");
  td.containers[0].log_configuration->options["awslogs-datetime-format"] = "%Y";
  td.containers[0].log_configuration->options["awslogs-multiline-pattern"] = "^x";
  EXPECT_NE(outcome(validate_log_configurations, td), "ok");
  td = fargate();
  td.containers[0].log_configuration->log_driver = "syslog";
  EXPECT_NE(outcome(validate_log_configurations, td), "ok");
  td = fargate();
  td.execution_role_arn.clear();
  EXPECT_EQ(outcome(validate_log_configurations, td),
            "ClientException: Fargate requires task definition to have execution role ARN to support log driver awslogs.");
  td.requires_compatibilities = {"EC2"};
  EXPECT_EQ(outcome(validate_log_configurations, td), "ok");
}

TEST(TaskDefinitionValidation, StopTimeoutOnFargate) {
  TaskDefinition td = fargate();
  td.containers[0].stop_timeout_seconds = 120;
  EXPECT_EQ(outcome(validate_stop_timeouts, td), "ok");
  td.containers[0].stop_timeout_seconds = 121;
  EXPECT_NE(outcome(validate_stop_timeouts, td), "ok");
  td.requires_compatibilities = {"EC2"};
  EXPECT_EQ(outcome(validate_stop_timeouts, td), "ok");
}

TEST(TaskDefinitionValidation, VolumesAndMounts) {
  TaskDefinition td = fargate();
  td.containers[0].mount_points = {{"data", "/data", false}};
  EXPECT_NE(outcome(validate_volumes, td).find("mounts volume 'data'"), std::string::npos);
  td.volumes.push_back(volume("data"));
  EXPECT_EQ(outcome(validate_volumes, td), "ok");
  td.volumes.push_back(volume("data"));
  EXPECT_NE(outcome(validate_volumes, td), "ok");
  td = fargate();
  td.containers[0].volumes_from = {{"ghost", false}};
  EXPECT_NE(outcome(validate_volumes, td), "ok");
}

TEST(TaskDefinitionValidation, EphemeralStorageBetween21And200) {
  TaskDefinition td = fargate();
  for (int size : {21, 200}) {
    td.ephemeral_storage_gib = size;
    EXPECT_EQ(outcome(validate_ephemeral_storage, td), "ok") << size;
  }
  for (int size : {20, 201}) {
    td.ephemeral_storage_gib = size;
    EXPECT_EQ(outcome(validate_ephemeral_storage, td).rfind("ClientException: ", 0), 0u) << size;
  }
}

TEST(TaskDefinitionValidation, ProxyContainerMustExist) {
  TaskDefinition td = fargate();
  td.proxy_container_name = "envoy";
  EXPECT_NE(outcome(validate_proxy_configuration, td), "ok");
  td.proxy_container_name = "web";
  EXPECT_EQ(outcome(validate_proxy_configuration, td), "ok");
}

// Through the gateway: the client sees ECS's exception type and message, and nothing is stored.
TEST(TaskDefinitionValidation, RegisterRejectsWithClientException) {
  testing::ApiHarness h;
  Json fargate_bridge = Json::parse(R"({"family": "web", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
    "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx"}]})");
  auto r = h.ecs("RegisterTaskDefinition", fargate_bridge);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type(), "ClientException");
  EXPECT_EQ(r.message(), "Fargate only supports network mode \u2018awsvpc\u2019.");

  Json no_containers = {{"family", "web"}, {"containerDefinitions", Json::array()}};
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", no_containers).message(), "Container list cannot be empty.");

  Json bad_cpu = {{"family", "web"}, {"cpu", "lots"}, {"containerDefinitions", {{{"name", "a"}, {"image", "b"}}}}};
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", bad_cpu).message(), "Invalid 'cpu' setting for task.");

  Json bad_family = {{"family", "my app"}, {"containerDefinitions", {{{"name", "a"}, {"image", "b"}, {"memory", 64}}}}};
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", bad_family).message(), "Family contains invalid characters.");

  Json bad_condition = {{"family", "web"},
                        {"containerDefinitions", {{{"name", "a"}, {"image", "b"}, {"memory", 64},
                                                   {"dependsOn", {{{"containerName", "a"}, {"condition", "READY"}}}}}}}};
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", bad_condition).error_type(), "InvalidParameterException");

  Json missing_family = {{"containerDefinitions", Json::array()}};
  EXPECT_EQ(h.ecs("RegisterTaskDefinition", missing_family).error_type(), "InvalidParameterException");

  EXPECT_TRUE(h.ecs("ListTaskDefinitionFamilies").body["families"].empty());
}

}  // namespace
}  // namespace ecslocal::api::ecs
