// Task + definition → runtime::TaskSpec: every mapping, through RunTask (what the runtime is
// handed) and directly for what Fargate definitions cannot express.
#include <algorithm>

#include "api/ecs/task_spec_builder.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kMiB = 1024 * 1024;

Json rich_definition() {
  return Json::parse(R"({
    "family": "rich", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "1024", "memory": "2048",
    "volumes": [{"name": "data"}, {"name": "cache"}],
    "containerDefinitions": [
      {"name": "app", "image": "nginx:1.25", "cpu": 512, "memory": 1024, "memoryReservation": 512,
       "entryPoint": ["/docker-entrypoint.sh"], "command": ["nginx", "-g", "daemon off;"],
       "environment": [{"name": "A", "value": "1"}, {"name": "AWS_REGION", "value": "custom"}],
       "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
       "readonlyRootFilesystem": true,
       "linuxParameters": {"initProcessEnabled": true, "capabilities": {"add": ["SYS_PTRACE"]}},
       "user": "1000:1000", "workingDirectory": "/srv",
       "healthCheck": {"command": ["CMD", "curl", "-f", "http://localhost"], "interval": 10, "timeout": 3,
                       "retries": 2, "startPeriod": 15},
       "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}, {"containerName": "log", "condition": "START"}],
       "stopTimeout": 60, "startTimeout": 90,
       "dockerLabels": {"team": "web"},
       "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"},
                       {"sourceVolume": "cache", "containerPath": "/cache", "readOnly": true}],
       "portMappings": [{"containerPort": 80}]},
      {"name": "init", "image": "busybox", "essential": false, "command": ["true"],
       "mountPoints": [{"sourceVolume": "data", "containerPath": "/seed"}]},
      {"name": "log", "image": "busybox", "essential": false,
       "volumesFrom": [{"sourceContainer": "app", "readOnly": true}],
       "healthCheck": {"command": ["CMD-SHELL", "true"]}}
    ]})");
}

bool has_env(const runtime::ContainerCreateSpec& c, const std::string& entry) {
  return std::find(c.env.begin(), c.env.end(), entry) != c.env.end();
}

class TaskSpecBuilderTest : public TaskOpsTest {
 protected:
  const runtime::TaskSpec& launch_rich() {
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", rich_definition()).ok());
    arn = run_one({{"taskDefinition", "rich"}});
    id = arn.substr(arn.rfind('/') + 1);
    const runtime::TaskSpec* spec = runtime.launched(arn);
    EXPECT_NE(spec, nullptr);
    return *spec;
  }
  std::string arn, id;
};

TEST_F(TaskSpecBuilderTest, TaskLabelsNetworkAndVolumes) {
  const auto& spec = launch_rich();
  const DefaultVpc vpc = make_default_vpc(kAccount, "us-east-1");
  EXPECT_EQ(spec.key, arn);
  EXPECT_EQ(spec.labels, (runtime::Labels{{"ecslocal.managed", "true"},
                                          {"ecslocal.task-arn", arn},
                                          {"ecslocal.cluster", "default"},
                                          {"ecslocal.account", kAccount},
                                          {"ecslocal.region", "us-east-1"},
                                          {"ecslocal.task-definition", kArnPrefix + "task-definition/rich:1"},
                                          {"ecslocal.vpc", vpc.id},
                                          {"ecslocal.subnet", vpc.subnets[0].id}}));
  const auto& net = spec.network;
  EXPECT_EQ(net.network, "ecslocal-default-vpc");
  EXPECT_EQ(net.cidr, "172.31.0.0/16");
  EXPECT_EQ(net.gateway, "172.31.0.1");
  EXPECT_EQ(net.ipv4_address, "172.31.0.4");
  EXPECT_EQ(net.hostname, "ip-172-31-0-4.ec2.internal");
  EXPECT_EQ(net.extra_hosts, std::vector<std::string>{"ip-172-31-0-4.ec2.internal:172.31.0.4"});
  EXPECT_TRUE(net.publish_ip.empty());
  EXPECT_TRUE(net.published_ports.empty());
  EXPECT_EQ(net.network_labels.at("ecslocal.vpc"), vpc.id);
  EXPECT_EQ(spec.volumes, (std::vector<std::string>{"ecslocal-" + id + "-data", "ecslocal-" + id + "-cache"}));
  ASSERT_EQ(spec.containers.size(), 3u);
  EXPECT_EQ(spec.containers[0].name, "app");
  EXPECT_EQ(spec.containers[1].name, "init");
  EXPECT_EQ(spec.containers[2].name, "log");
}

TEST_F(TaskSpecBuilderTest, ContainerParameters) {
  const auto& app = launch_rich().containers[0];
  EXPECT_TRUE(app.essential);
  const auto& c = app.create;
  EXPECT_EQ(c.image, "nginx:1.25");
  EXPECT_EQ(c.entrypoint, (std::vector<std::string>{"/docker-entrypoint.sh"}));
  EXPECT_EQ(c.cmd, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
  EXPECT_TRUE(has_env(c, "A=1"));
  EXPECT_TRUE(has_env(c, "AWS_REGION=custom"));  // the definition's value wins
  EXPECT_TRUE(has_env(c, "AWS_DEFAULT_REGION=us-east-1"));
  EXPECT_TRUE(has_env(c, "AWS_EXECUTION_ENV=AWS_ECS_FARGATE"));
  EXPECT_FALSE(has_env(c, "AWS_REGION=us-east-1"));
  EXPECT_EQ(c.cpu_shares, 512);
  EXPECT_EQ(c.nano_cpus, 1 * kS) << "the FARGATE task's 1024 units cap each container at one CPU";
  EXPECT_EQ(c.memory_bytes, 1024 * kMiB);
  EXPECT_EQ(c.memory_reservation_bytes, 512 * kMiB);
  ASSERT_EQ(c.ulimits.size(), 1u);
  EXPECT_EQ(c.ulimits[0].name, "nofile");
  EXPECT_EQ(c.ulimits[0].soft, 1024);
  EXPECT_EQ(c.ulimits[0].hard, 4096);
  EXPECT_TRUE(c.read_only_rootfs);
  EXPECT_EQ(c.init, true);
  EXPECT_EQ(c.cap_add, std::vector<std::string>{"SYS_PTRACE"});
  EXPECT_EQ(c.user, "1000:1000");
  EXPECT_EQ(c.working_dir, "/srv");
  EXPECT_TRUE(c.network_mode.empty());  // the runtime joins it to the pause container
  EXPECT_TRUE(c.hostname.empty());
  EXPECT_TRUE(c.port_bindings.empty());
  EXPECT_EQ(app.stop_timeout_s, 60);
  EXPECT_EQ(c.stop_timeout_s, 60);
  EXPECT_EQ(app.start_timeout_s, 90);
  ASSERT_EQ(app.depends_on.size(), 2u);
  EXPECT_EQ(app.depends_on[0].container, "init");
  EXPECT_EQ(app.depends_on[0].condition, runtime::DependencyCondition::Success);
  EXPECT_EQ(app.depends_on[1].container, "log");
  EXPECT_EQ(app.depends_on[1].condition, runtime::DependencyCondition::Start);
}

TEST_F(TaskSpecBuilderTest, HealthChecksInNanoseconds) {
  const auto& spec = launch_rich();
  const auto& hc = spec.containers[0].create.health_check;
  ASSERT_TRUE(hc);
  EXPECT_EQ(hc->test, (std::vector<std::string>{"CMD", "curl", "-f", "http://localhost"}));
  EXPECT_EQ(hc->interval_ns, 10 * kS);
  EXPECT_EQ(hc->timeout_ns, 3 * kS);
  EXPECT_EQ(hc->retries, 2);
  EXPECT_EQ(hc->start_period_ns, 15 * kS);
  const auto& defaults = spec.containers[2].create.health_check;
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->test, (std::vector<std::string>{"CMD-SHELL", "true"}));
  EXPECT_EQ(defaults->interval_ns, 30 * kS);
  EXPECT_EQ(defaults->timeout_ns, 5 * kS);
  EXPECT_EQ(defaults->retries, 3);
  EXPECT_EQ(defaults->start_period_ns, 0);
  EXPECT_FALSE(spec.containers[1].create.health_check);
}

TEST_F(TaskSpecBuilderTest, DefaultsOfAPlainContainer) {
  const auto& init = launch_rich().containers[1];
  EXPECT_FALSE(init.essential);
  EXPECT_FALSE(init.create.entrypoint);
  EXPECT_EQ(init.create.cmd, std::vector<std::string>{"true"});
  EXPECT_FALSE(init.create.cpu_shares);  // cpu 0: Docker's default weight
  EXPECT_FALSE(init.create.memory_bytes);
  EXPECT_FALSE(init.create.init);
  EXPECT_FALSE(init.create.read_only_rootfs);
  EXPECT_EQ(init.stop_timeout_s, 30);
  EXPECT_FALSE(init.start_timeout_s);
  EXPECT_TRUE(init.depends_on.empty());
}

TEST_F(TaskSpecBuilderTest, AgentAndUserLabels) {
  const auto& labels = launch_rich().containers[0].create.labels;
  EXPECT_EQ(labels.at("team"), "web");
  EXPECT_EQ(labels.at("com.amazonaws.ecs.cluster"), kArnPrefix + "cluster/default");
  EXPECT_EQ(labels.at("com.amazonaws.ecs.container-name"), "app");
  EXPECT_EQ(labels.at("com.amazonaws.ecs.task-arn"), arn);
  EXPECT_EQ(labels.at("com.amazonaws.ecs.task-definition-family"), "rich");
  EXPECT_EQ(labels.at("com.amazonaws.ecs.task-definition-version"), "1");
  EXPECT_EQ(labels.at("ecslocal.container"), "app");
}

TEST_F(TaskSpecBuilderTest, MountPointsAndVolumesFrom) {
  const auto& spec = launch_rich();
  auto mount = [](runtime::Mount::Type type, const std::string& source, const std::string& target, bool ro) {
    runtime::Mount m;
    m.type = type;
    m.source = source;
    m.target = target;
    m.read_only = ro;
    return m;
  };
  auto same = [](const std::vector<runtime::Mount>& a, const std::vector<runtime::Mount>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].type != b[i].type || a[i].source != b[i].source || a[i].target != b[i].target || a[i].read_only != b[i].read_only)
        return false;
    return true;
  };
  const auto V = runtime::Mount::Type::volume;
  const std::string data = "ecslocal-" + id + "-data", cache = "ecslocal-" + id + "-cache";
  EXPECT_TRUE(same(spec.containers[0].create.mounts, {mount(V, data, "/data", false), mount(V, cache, "/cache", true)}));
  EXPECT_TRUE(same(spec.containers[1].create.mounts, {mount(V, data, "/seed", false)}));
  EXPECT_TRUE(same(spec.containers[2].create.mounts, {mount(V, data, "/data", true), mount(V, cache, "/cache", true)}));
}

// What a Fargate definition cannot carry, built by hand.
TEST(TaskSpecBuilder, HostVolumesLinuxOptionsAndPublishedPorts) {
  TaskDefinition td;
  td.arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/ec2:3";
  td.family = "ec2";
  td.revision = 3;
  td.volumes = {Volume{"host", std::string("/var/data"), false, "", false, false}};
  ContainerDefinition c;
  c.name = "c";
  c.image = "busybox";
  c.cpu = 1;
  c.shared_memory_size_mib = 64;
  c.privileged = true;
  c.docker_security_options = {"no-new-privileges"};
  c.system_controls = {{"net.core.somaxconn", "1024"}};
  c.interactive = c.pseudo_terminal = true;
  c.mount_points = {{"host", "/data", true}};
  PortMapping p80, p80_again, udp;
  p80.container_port = p80_again.container_port = 80;
  udp.container_port = 53;
  udp.protocol = "udp";
  c.port_mappings = {p80, p80_again, udp};
  td.containers = {c};

  Task task;
  task.id = "0123456789abcdef0123456789abcdef";
  task.arn = "arn:aws:ecs:us-east-1:000000000000:task/default/" + task.id;
  task.account_id = "000000000000";
  task.region = "us-east-1";
  task.cluster_name = "default";
  task.group = "service:api";
  task.service_name = "api";
  task.attachment = NetworkAttachment{};
  vpc::NetworkInterface eni;
  eni.private_ipv4 = "172.31.0.9";
  eni.public_ipv4 = "127.0.100.5";
  Container k;
  k.name = "c";
  k.cpu = 1;
  task.containers = {k};

  const auto spec = build_task_spec(task, td, make_default_vpc("000000000000", "us-east-1"), &eni);
  EXPECT_TRUE(spec.volumes.empty());  // a bind mount is not a task volume
  const auto& create = spec.containers.at(0).create;
  ASSERT_EQ(create.mounts.size(), 1u);
  EXPECT_EQ(create.mounts[0].type, runtime::Mount::Type::bind);
  EXPECT_EQ(create.mounts[0].source, "/var/data");
  EXPECT_TRUE(create.mounts[0].read_only);
  EXPECT_EQ(create.cpu_shares, 2);  // Docker's minimum
  EXPECT_EQ(create.shm_size_bytes, 64 * kMiB);
  EXPECT_TRUE(create.privileged);
  EXPECT_EQ(create.security_opt, std::vector<std::string>{"no-new-privileges"});
  EXPECT_EQ(create.sysctls.at("net.core.somaxconn"), "1024");
  EXPECT_TRUE(create.tty);
  EXPECT_TRUE(create.open_stdin);
  EXPECT_EQ(spec.labels.at("ecslocal.service"), "api");
  EXPECT_EQ(spec.network.publish_ip, "127.0.100.5");
  ASSERT_EQ(spec.network.published_ports.size(), 2u);  // 80/tcp once, 53/udp
  EXPECT_EQ(spec.network.published_ports[0].container_port, 80);
  EXPECT_EQ(spec.network.published_ports[0].host_port, 80);
  EXPECT_EQ(spec.network.published_ports[0].host_ip, "127.0.100.5");
  EXPECT_EQ(spec.network.published_ports[1].protocol, "udp");
}

TEST(TaskSpecBuilder, UnsupportedStartReasons) {
  TaskDefinition td;
  ContainerDefinition c;
  c.name = "c";
  td.containers = {c};
  EXPECT_FALSE(unsupported_start_reason(td));
  td.containers[0].environment_files = {"arn:aws:s3:::bucket/app.env"};
  EXPECT_EQ(unsupported_start_reason(td)->rfind("ResourceInitializationError: failed to download env files", 0), 0u);
  td.containers[0].environment_files.clear();
  td.containers[0].secrets = {{"PASSWORD", "arn:aws:ssm:us-east-1:000000000000:parameter/p"}};
  EXPECT_FALSE(unsupported_start_reason(td));  // secrets are resolved at launch (task_secrets)
}

}  // namespace
}  // namespace ecslocal::api::ecs
