// RunTask, DescribeTasks and StopTask through the gateway (strict output shapes) with a fake
// runtime; the lifecycle driven by runtime events as the server delivers them.
#include <regex>

#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

const std::regex kTaskArn("arn:aws:ecs:us-east-1:000000000000:task/default/[0-9a-f]{32}");
const std::regex kContainerArn(
    "arn:aws:ecs:us-east-1:000000000000:container/default/[0-9a-f]{32}/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");

Json detail_map(const Json& attachment) {
  Json out = Json::object();
  for (const auto& d : attachment["details"]) out[d["name"].get<std::string>()] = d["value"];
  return out;
}

TEST_F(TaskOpsTest, RunTaskAnswersProvisioningAsEcsDoes) {
  auto r = run();
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["failures"], Json::array());
  ASSERT_EQ(r.body["tasks"].size(), 1u);
  const Json& t = r.body["tasks"][0];
  const std::string arn = t["taskArn"];
  EXPECT_TRUE(std::regex_match(arn, kTaskArn)) << arn;
  EXPECT_EQ(t["clusterArn"], kArnPrefix + "cluster/default");
  EXPECT_EQ(t["taskDefinitionArn"], kArnPrefix + "task-definition/web:1");
  EXPECT_EQ(t["lastStatus"], "PROVISIONING");
  EXPECT_EQ(t["desiredStatus"], "RUNNING");
  EXPECT_EQ(t["version"], 1);
  EXPECT_TRUE(t["createdAt"].is_number());
  for (const char* absent : {"startedAt", "stoppedAt", "stoppingAt", "stopCode", "stoppedReason", "connectivity",
                             "pullStartedAt", "executionStoppedAt", "capacityProviderName", "startedBy"})
    EXPECT_FALSE(t.contains(absent)) << absent;
  EXPECT_EQ(t["launchType"], "FARGATE");
  EXPECT_EQ(t["platformVersion"], "1.4.0");
  EXPECT_EQ(t["platformFamily"], "Linux");
  EXPECT_EQ(t["cpu"], "256");
  EXPECT_EQ(t["memory"], "512");
  EXPECT_EQ(t["group"], "family:web");
  EXPECT_EQ(t["availabilityZone"], "us-east-1a");
  EXPECT_EQ(t["ephemeralStorage"], (Json{{"sizeInGiB", 20}}));
  EXPECT_EQ(t["enableExecuteCommand"], false);
  EXPECT_EQ(t["healthStatus"], "UNKNOWN");
  EXPECT_EQ(t["tags"], Json::array());
  EXPECT_EQ(t["attributes"], Json::parse(R"([{"name":"ecs.cpu-architecture","value":"x86_64"}])"));
  EXPECT_EQ(t["overrides"], Json::parse(R"({"containerOverrides":[{"name":"app"},{"name":"sidecar"}],
                                             "inferenceAcceleratorOverrides":[]})"));
  ASSERT_EQ(t["attachments"].size(), 1u);
  const Json& eni = t["attachments"][0];
  EXPECT_EQ(eni["type"], "ElasticNetworkInterface");
  EXPECT_EQ(eni["status"], "PRECREATED");
  EXPECT_EQ(eni["details"], Json::array({{{"name", "subnetId"}, {"value", default_subnet()}}}));
  ASSERT_EQ(t["containers"].size(), 2u);
  const Json& app = t["containers"][0];
  EXPECT_TRUE(std::regex_match(app["containerArn"].get<std::string>(), kContainerArn)) << app["containerArn"];
  EXPECT_EQ(app["taskArn"], arn);
  EXPECT_EQ(app["name"], "app");
  EXPECT_EQ(app["image"], "busybox:latest");
  EXPECT_EQ(app["lastStatus"], "PENDING");
  EXPECT_EQ(app["networkInterfaces"], Json::array());
  EXPECT_EQ(app["cpu"], "0");
  EXPECT_FALSE(app.contains("memory"));
  EXPECT_FALSE(app.contains("exitCode"));
  EXPECT_EQ(t["containers"][1]["memory"], "64");

  ASSERT_EQ(runtime.launches.size(), 1u);
  EXPECT_EQ(runtime.launches[0].key, arn);
  EXPECT_EQ(counts(), std::make_pair(1, 0));
}

TEST_F(TaskOpsTest, RunTaskStartsCountTasksSpreadOverTheSubnets) {
  Json net = {{"awsvpcConfiguration", {{"subnets", {default_subnet(0), default_subnet(1)}}}}};
  auto r = run({{"count", 3}, {"networkConfiguration", net}, {"startedBy", "batch-42"}, {"group", "jobs"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(r.body["tasks"].size(), 3u);
  EXPECT_EQ(r.body["tasks"][0]["availabilityZone"], "us-east-1a");
  EXPECT_EQ(r.body["tasks"][1]["availabilityZone"], "us-east-1b");
  EXPECT_EQ(r.body["tasks"][2]["availabilityZone"], "us-east-1a");
  EXPECT_EQ(r.body["tasks"][1]["startedBy"], "batch-42");
  EXPECT_EQ(r.body["tasks"][1]["group"], "jobs");
  EXPECT_NE(r.body["tasks"][0]["taskArn"], r.body["tasks"][1]["taskArn"]);
  EXPECT_EQ(runtime.launches.size(), 3u);
  EXPECT_EQ(runtime.launches[1].network.ipv4_address, "172.31.16.4");
  EXPECT_EQ(runtime.launches[2].network.ipv4_address, "172.31.0.5");
  EXPECT_EQ(counts(), std::make_pair(3, 0));
}

TEST_F(TaskOpsTest, EventsBringTheTaskToRunningAsTheWaiterSeesIt) {
  const std::string arn = run_one();
  bring_running(arn);  // network first: the ENI gets its MAC address
  Json t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "RUNNING");
  EXPECT_EQ(t["connectivity"], "CONNECTED");
  EXPECT_TRUE(t["connectivityAt"].is_number());
  // TasksRunning: every task RUNNING, no MISSING
  EXPECT_EQ(t["desiredStatus"], "RUNNING");
  for (const char* stamp : {"pullStartedAt", "pullStoppedAt", "startedAt"}) EXPECT_TRUE(t[stamp].is_number()) << stamp;
  EXPECT_GE(t["version"].get<long long>(), 3);
  const Json& eni = t["attachments"][0];
  EXPECT_EQ(eni["status"], "ATTACHED");
  const Json details = detail_map(eni);
  EXPECT_EQ(details.size(), 5u) << eni.dump();
  EXPECT_EQ(details["subnetId"], default_subnet());
  EXPECT_TRUE(std::regex_match(details["networkInterfaceId"].get<std::string>(), std::regex("eni-[0-9a-f]{17}")));
  EXPECT_EQ(details["macAddress"], "02:42:ac:1f:00:04");
  EXPECT_EQ(details["privateDnsName"], "ip-172-31-0-4.ec2.internal");
  EXPECT_EQ(details["privateIPv4Address"], "172.31.0.4");
  for (const auto& c : t["containers"]) {
    EXPECT_EQ(c["lastStatus"], "RUNNING");
    EXPECT_EQ(c["networkInterfaces"], Json::array({{{"attachmentId", eni["id"]}, {"privateIpv4Address", "172.31.0.4"}}}));
    EXPECT_EQ(c["networkBindings"], Json::array());
  }
  EXPECT_EQ(t["containers"][0]["runtimeId"], "app-docker-id");
  EXPECT_EQ(counts(), std::make_pair(0, 1));
}

TEST_F(TaskOpsTest, NetworkReadyMakesTheTaskPending) {
  const std::string arn = run_one();
  feed(Kind::NetworkReady, arn);
  Json t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "PENDING");
  EXPECT_EQ(t["version"], 2);
  EXPECT_EQ(t["connectivity"], "CONNECTED");
  EXPECT_EQ(t["attachments"][0]["status"], "ATTACHED");
  EXPECT_EQ(t["containers"][0]["lastStatus"], "PENDING");
  EXPECT_EQ(counts(), std::make_pair(1, 0));
}

TEST_F(TaskOpsTest, HealthReportsReachDescribeTasks) {
  const std::string arn = run_one();
  bring_running(arn);
  auto e = testing::event(Kind::ContainerHealth, arn, "app");
  e.health = "healthy";
  feed(e);
  Json t = describe(arn);
  EXPECT_EQ(t["containers"][0]["healthStatus"], "HEALTHY");
  EXPECT_EQ(t["containers"][1]["healthStatus"], "UNKNOWN");
  EXPECT_EQ(t["healthStatus"], "HEALTHY");
}

TEST_F(TaskOpsTest, StopTaskAsksTheRuntimeAndKeepsLastStatus) {
  const std::string arn = run_one();
  bring_running(arn);
  const long long version = describe(arn)["version"];
  const std::string id = arn.substr(arn.rfind('/') + 1);
  auto r = h.ecs("StopTask", {{"task", id}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& t = r.body["task"];
  EXPECT_EQ(t["taskArn"], arn);
  EXPECT_EQ(t["lastStatus"], "RUNNING");
  EXPECT_EQ(t["desiredStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "UserInitiated");
  EXPECT_EQ(t["stoppedReason"], "Task stopped by user");
  EXPECT_TRUE(t["stoppingAt"].is_number());
  EXPECT_EQ(t["version"], version + 1);
  EXPECT_EQ(runtime.stops, std::vector<std::string>{arn});
  EXPECT_EQ(counts(), std::make_pair(0, 1));  // counted until STOPPED

  container_stopped(arn, "app", 143);
  container_stopped(arn, "sidecar", 143);
  EXPECT_EQ(describe(arn)["lastStatus"], "STOPPING");
  feed(Kind::TaskStopped, arn);
  Json stopped = describe(arn);
  EXPECT_EQ(stopped["lastStatus"], "STOPPED");
  EXPECT_EQ(stopped["stopCode"], "UserInitiated");
  for (const char* stamp : {"stoppedAt", "stoppingAt", "executionStoppedAt"}) EXPECT_TRUE(stopped[stamp].is_number()) << stamp;
  EXPECT_EQ(stopped["containers"][0]["exitCode"], 143);
  EXPECT_EQ(stopped["attachments"][0]["status"], "DELETED");
  EXPECT_EQ(counts(), std::make_pair(0, 0));
  EXPECT_EQ(h.ecs_provider().networks().at(kAccount, "us-east-1").used(default_subnet()), 0u);

  // Stopping a STOPPED task returns it unchanged, and asks nothing more of the runtime.
  auto again = h.ecs("StopTask", {{"task", arn}, {"reason", "again"}});
  ASSERT_TRUE(again.ok()) << again.body.dump();
  EXPECT_EQ(again.body["task"]["stoppedReason"], "Task stopped by user");
  EXPECT_EQ(again.body["task"]["version"], stopped["version"]);
  EXPECT_EQ(runtime.stops.size(), 1u);
}

TEST_F(TaskOpsTest, StopTaskTakesAReasonAndRefusesUnknownTasks) {
  const std::string arn = run_one();
  auto r = h.ecs("StopTask", {{"cluster", kArnPrefix + "cluster/default"}, {"task", arn}, {"reason", "deploying v2"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["task"]["stoppedReason"], "deploying v2");
  EXPECT_EQ(r.body["task"]["lastStatus"], "PROVISIONING");

  expect_error(h.ecs("StopTask", {{"task", "0123456789abcdef0123456789abcdef"}}), "InvalidParameterException",
               "The referenced task was not found.");
  expect_error(h.ecs("StopTask", {{"task", arn}, {"reason", std::string(256, 'r')}}), "InvalidParameterException");
  expect_error(h.ecs("StopTask", {{"cluster", "nope"}, {"task", arn}}), "ClusterNotFoundException", "Cluster not found.");
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "other"}}).ok());
  expect_error(h.ecs("StopTask", {{"cluster", "other"}, {"task", arn}}), "InvalidParameterException",
               "The referenced task was not found.");
}

TEST_F(TaskOpsTest, AnEssentialExitStopsTheTask) {
  const std::string arn = run_one();
  bring_running(arn);
  container_stopped(arn, "sidecar", 1);  // non-essential: nothing happens
  EXPECT_EQ(describe(arn)["desiredStatus"], "RUNNING");
  EXPECT_TRUE(runtime.stops.empty());

  container_stopped(arn, "app", 2);
  Json t = describe(arn);
  EXPECT_EQ(t["desiredStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "EssentialContainerExited");
  EXPECT_EQ(t["stoppedReason"], "Essential container in task exited");
  EXPECT_TRUE(t["executionStoppedAt"].is_number());
  EXPECT_EQ(runtime.stop_count(arn), 1u);
  feed(Kind::TaskStopped, arn);
  t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "STOPPED");
  EXPECT_EQ(t["containers"][0]["exitCode"], 2);
  EXPECT_EQ(t["containers"][1]["exitCode"], 1);
  EXPECT_EQ(runtime.stop_count(arn), 1u);
  EXPECT_EQ(counts(), std::make_pair(0, 0));
}

TEST_F(TaskOpsTest, CannotPullContainerErrorFailsTheTaskToStart) {
  const std::string arn = run_one();
  feed(Kind::NetworkReady, arn);
  feed(Kind::PullStarted, arn);
  auto failed = testing::event(Kind::TaskFailed, arn, "app");
  failed.reason = "CannotPullContainerError: pull access denied for nosuchimage, repository does not exist";
  feed(failed);
  Json t = describe(arn);
  EXPECT_EQ(t["desiredStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "TaskFailedToStart");
  EXPECT_EQ(counts(), std::make_pair(1, 0));  // until the runtime reports it stopped
  feed(Kind::TaskStopped, arn);
  t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "STOPPED");  // TasksRunning fails here; TasksStopped succeeds
  EXPECT_EQ(t["stoppedReason"], failed.reason);
  EXPECT_EQ(t["containers"][0]["reason"], failed.reason);
  EXPECT_EQ(t["containers"][0]["lastStatus"], "STOPPED");
  EXPECT_FALSE(t["containers"][0].contains("exitCode"));
  EXPECT_FALSE(t.contains("startedAt"));
  EXPECT_TRUE(runtime.stops.empty());
  EXPECT_EQ(counts(), std::make_pair(0, 0));
  EXPECT_TRUE(h.ecs("DeleteCluster", {{"cluster", "default"}}).ok());
}

TEST_F(TaskOpsTest, WithoutARuntimeTasksFailAtOnce) {
  h.ecs_provider().set_task_runtime(nullptr);
  auto r = run();
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const std::string arn = r.body["tasks"][0]["taskArn"];
  EXPECT_EQ(r.body["tasks"][0]["lastStatus"], "PROVISIONING");
  Json t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "TaskFailedToStart");
  EXPECT_EQ(t["stoppedReason"], "ResourceInitializationError: no container runtime configured");
  EXPECT_EQ(counts(), std::make_pair(0, 0));
  EXPECT_EQ(h.ecs_provider().networks().at(kAccount, "us-east-1").used(default_subnet()), 0u);
}

TEST_F(TaskOpsTest, DefinitionsWithSecretsFailWithAClearReason) {
  Json td = web_definition("secretive");
  td["containerDefinitions"][0]["secrets"] = {{{"name", "DB_PASSWORD"}, {"valueFrom", "arn:aws:ssm:us-east-1:000000000000:parameter/db"}}};
  td["executionRoleArn"] = "arn:aws:iam::000000000000:role/exec";
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string arn = run_one({{"taskDefinition", "secretive"}});
  EXPECT_TRUE(runtime.launches.empty());
  Json t = describe(arn);
  EXPECT_EQ(t["lastStatus"], "STOPPED");
  EXPECT_EQ(t["stopCode"], "TaskFailedToStart");
  EXPECT_EQ(t["stoppedReason"].get<std::string>().rfind("ResourceInitializationError: unable to pull secrets", 0), 0u);
}

TEST_F(TaskOpsTest, DescribeTasksReportsMissingTasksWithTheirArns) {
  const std::string arn = run_one();
  const std::string unknown_id = "ffffffffffffffffffffffffffffffff";
  const std::string foreign = kArnPrefix + "task/other/0123456789abcdef0123456789abcdef";
  auto r = h.ecs("DescribeTasks", {{"tasks", {arn, unknown_id, foreign, arn}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(r.body["tasks"].size(), 1u);
  EXPECT_EQ(r.body["tasks"][0]["taskArn"], arn);
  EXPECT_FALSE(r.body["tasks"][0].contains("tags"));
  EXPECT_EQ(r.body["failures"], Json::array({{{"arn", kArnPrefix + "task/default/" + unknown_id}, {"reason", "MISSING"}},
                                             {{"arn", foreign}, {"reason", "MISSING"}}}));

  const std::string id = arn.substr(arn.rfind('/') + 1);
  r = h.ecs("DescribeTasks", {{"tasks", {id}}, {"include", {"TAGS"}}});
  EXPECT_EQ(r.body["tasks"][0]["taskArn"], arn);
  EXPECT_EQ(r.body["tasks"][0]["tags"], Json::array());

  expect_error(h.ecs("DescribeTasks", {{"tasks", Json::array()}}), "InvalidParameterException");
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back(std::to_string(i));
  expect_error(h.ecs("DescribeTasks", {{"tasks", many}}), "InvalidParameterException");
  expect_error(h.ecs("DescribeTasks", {{"cluster", "nope"}, {"tasks", {arn}}}), "ClusterNotFoundException");
}

TEST_F(TaskOpsTest, EventsForUnknownTasksAreIgnored) {
  const std::string arn = run_one();
  feed(Kind::TaskStopped, kArnPrefix + "task/default/ffffffffffffffffffffffffffffffff");
  feed(Kind::TaskStopped, "not-an-arn");
  feed(Kind::TaskStopped, "arn:aws:ecs:eu-west-1:999999999999:task/default/" + arn.substr(arn.rfind('/') + 1));
  EXPECT_EQ(describe(arn)["lastStatus"], "PROVISIONING");
}

TEST_F(TaskOpsTest, EventsFindTasksOfOtherAccountsAndRegions) {
  const std::string key = "111111111111", region = "eu-west-1";
  ASSERT_TRUE(h.ecs("CreateCluster", Json::object(), key, region).ok());
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_definition(), key, region).ok());
  const std::string subnet = make_default_vpc(key, region).subnets.at(0).id;
  Json input = {{"taskDefinition", "web"}, {"launchType", "FARGATE"},
                {"networkConfiguration", {{"awsvpcConfiguration", {{"subnets", {subnet}}}}}}};
  auto r = h.ecs("RunTask", input, key, region);
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const std::string arn = r.body["tasks"][0]["taskArn"];
  EXPECT_EQ(arn.rfind("arn:aws:ecs:eu-west-1:111111111111:task/default/", 0), 0u);
  EXPECT_EQ(r.body["tasks"][0]["availabilityZone"], "eu-west-1a");
  EXPECT_EQ(runtime.launches.back().network.hostname, "ip-172-31-0-4.eu-west-1.compute.internal");
  feed(Kind::NetworkReady, arn);
  auto d = h.ecs("DescribeTasks", {{"tasks", {arn}}}, key, region);
  EXPECT_EQ(d.body["tasks"][0]["lastStatus"], "PENDING");
  EXPECT_EQ(detail_map(d.body["tasks"][0]["attachments"][0])["subnetId"], subnet);
}

TEST_F(TaskOpsTest, AssignPublicIpGivesALoopbackAddressOfItsOwn) {
  const std::string first = run_one({{"networkConfiguration", network("ENABLED")}});
  const std::string second = run_one({{"networkConfiguration", network("ENABLED")}});
  const auto* spec = runtime.launched(first);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->network.publish_ip, "127.0.100.1");
  ASSERT_EQ(spec->network.published_ports.size(), 1u);
  EXPECT_EQ(spec->network.published_ports[0].container_port, 8080);
  EXPECT_EQ(spec->network.published_ports[0].host_port, 8080);
  EXPECT_EQ(runtime.launched(second)->network.publish_ip, "127.0.100.2");
  feed(Kind::NetworkReady, first);
  EXPECT_EQ(detail_map(describe(first)["attachments"][0])["publicIPv4Address"], "127.0.100.1");
  EXPECT_EQ(h.ecs_provider().networks().public_ips().used(), 2u);
  feed(Kind::TaskStopped, first);
  EXPECT_EQ(h.ecs_provider().networks().public_ips().used(), 1u);
  EXPECT_TRUE(runtime.launched(run_one())->network.publish_ip.empty());  // DISABLED: nothing published
}

}  // namespace
}  // namespace ecslocal::api::ecs

namespace ecslocal::api::ecs {
namespace {

// Another process's container held the planned address: the runtime took the next free one and
// says so in NetworkReady. The task, its ENI and the address pool follow.
TEST_F(TaskOpsTest, TheAddressTheRuntimeReallyGotReplacesThePlannedOne) {
  const std::string arn = run_one();
  auto net = testing::event(Kind::NetworkReady, arn);
  net.mac_address = "02:42:ac:1f:00:09";
  net.ipv4_address = "172.31.0.9";
  feed(net);
  const Json t = describe(arn);
  const Json details = detail_map(t["attachments"][0]);
  EXPECT_EQ(details["privateIPv4Address"], "172.31.0.9");
  EXPECT_EQ(details["privateDnsName"], "ip-172-31-0-9.ec2.internal");
  EXPECT_EQ(details["macAddress"], "02:42:ac:1f:00:09");
  const auto& state = h.ecs_provider().networks().at(kAccount, "us-east-1");
  ASSERT_EQ(state.enis.size(), 1u);
  EXPECT_EQ(state.enis.begin()->second.private_ipv4, "172.31.0.9");
  EXPECT_EQ(state.enis.begin()->second.mac_address, "02:42:ac:1f:00:09");
  // The planned 172.31.0.4 is free again, .9 is this task's: the next task gets .5.
  const std::string second = run_one();
  EXPECT_EQ(detail_map(describe(second)["attachments"][0]).value("privateIPv4Address", ""), "");  // PRECREATED
  const auto& pools = h.ecs_provider().networks().pools();
  const auto& pool = pools.at("172.31.0.0/20");
  EXPECT_TRUE(pool.in_use(*vpc::parse_ipv4("172.31.0.9")));
  EXPECT_TRUE(pool.in_use(*vpc::parse_ipv4("172.31.0.5")));
  EXPECT_FALSE(pool.in_use(*vpc::parse_ipv4("172.31.0.4")));
  // Stopping gives .9 back (the owner's), the ENI leaves EC2's list but stays described.
  feed(Kind::TaskStopped, arn);
  EXPECT_FALSE(pool.in_use(*vpc::parse_ipv4("172.31.0.9")));
  EXPECT_EQ(state.enis.size(), 1u);  // the second task's
  EXPECT_EQ(detail_map(describe(arn)["attachments"][0])["privateIPv4Address"], "172.31.0.9");
}

struct RecordingObserver : TaskObserver {
  void on_task(TaskChange change, const TaskInfo& task) override {
    seen.push_back(std::string(to_string(change)) + " " + task.last_status + " " + task.private_ipv4);
    last = task;
  }
  std::vector<std::string> seen;
  TaskInfo last;
};

TEST_F(TaskOpsTest, ObserversHearOfRunningHealthStoppingAndStopped) {
  Ports ports;
  RecordingObserver observer;
  ports.provide<TaskObserver>(&observer);
  h.ecs_provider().connect(ports);
  const std::string arn = run_one();
  bring_running(arn);
  auto healthy = testing::event(Kind::ContainerHealth, arn, "app");
  healthy.health = "healthy";
  feed(healthy);
  ASSERT_TRUE(h.ecs("StopTask", {{"task", arn}}).ok());
  feed(Kind::TaskStopped, arn);
  EXPECT_EQ(observer.seen, (std::vector<std::string>{"Running RUNNING 172.31.0.4", "HealthChanged RUNNING 172.31.0.4",
                                                     "Stopping RUNNING 172.31.0.4", "Stopped STOPPED 172.31.0.4"}));
  EXPECT_EQ(observer.last.task_arn, arn);
  EXPECT_EQ(observer.last.family, "web");
  ASSERT_EQ(observer.last.ports.size(), 1u);
  EXPECT_EQ(observer.last.ports[0].container, "app");
  EXPECT_EQ(observer.last.ports[0].container_port, 8080);
  EXPECT_EQ(observer.last.docker_network, "ecslocal-default-vpc");
  EXPECT_EQ(observer.last.health_status, "HEALTHY");
}

}  // namespace
}  // namespace ecslocal::api::ecs
