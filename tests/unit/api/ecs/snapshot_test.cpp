// Snapshots of ECS: a state built through the real operations and runtime events (clusters of
// both statuses with settings and capacity providers, revisions and deregistrations, tasks in
// every phase with overrides, ENIs and public addresses, services with deployments, failures and
// events, account settings, tags) survives a round trip exactly; a provider restored from it
// answers every Describe/List the same and carries on: the next revision, ListTasks order, events
// for restored tasks, the scheduler, the next public address.
#include "api/ecs/snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "api/vpc/snapshot.hpp"
#include "tests/unit/api/ecs/service_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

Json rich_definition() {
  return Json::parse(R"({
    "family": "rich", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "0.5 vCPU", "memory": "1 GB",
    "taskRoleArn": "arn:aws:iam::000000000000:role/app", "runtimePlatform": {"operatingSystemFamily": "LINUX"},
    "containerDefinitions": [
      {"name": "db", "image": "busybox:latest", "command": ["sleep", "1000"], "essential": false, "memoryReservation": 64,
       "environment": [{"name": "MODE", "value": "primary"}], "stopTimeout": 10,
       "healthCheck": {"command": ["CMD-SHELL", "true"], "startPeriod": 5}},
      {"name": "app", "image": "busybox:latest", "entryPoint": ["sh", "-c"], "command": ["httpd -f"],
       "portMappings": [{"containerPort": 8080, "name": "http"}], "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}],
       "dockerLabels": {"tier": "web"}, "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}],
       "linuxParameters": {"initProcessEnabled": true}, "user": "1000", "workingDirectory": "/srv"}]})");
}

class EcsSnapshotTest : public ServiceTest {
 protected:
  RequestContext ctx() const { return RequestContext{kAccount, "us-east-1", "", "", now, ""}; }
  EcsState& state() { return h.ecs_provider().state(ctx()); }

  // Everything a client can read, for before/after comparisons.
  Json described(testing::ApiHarness& api) {
    Json out;
    auto ok = [&](const std::string& op, Json input) {
      auto r = api.ecs(op, input);
      EXPECT_TRUE(r.ok()) << op << ": " << r.body.dump();
      return r.body;
    };
    const Json all_includes = {"ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"};
    out["clusters"] = ok("DescribeClusters", {{"clusters", {"default", "batch", "old"}}, {"include", all_includes}});
    out["cluster_list"] = ok("ListClusters", Json::object());
    for (const char* status : {"ACTIVE", "INACTIVE"})
      out[std::string("tds_") + status] = ok("ListTaskDefinitions", {{"status", status}});
    out["families"] = ok("ListTaskDefinitionFamilies", Json::object());
    for (const char* td : {"web:1", "web:2", "rich:1", "plain:1", "plain:2"})
      out[td] = ok("DescribeTaskDefinition", {{"taskDefinition", td}, {"include", {"TAGS"}}});
    Json arns = Json::array();
    for (const char* desired : {"RUNNING", "STOPPED"})
      for (const char* cluster : {"default", "batch"}) {
        Json list = ok("ListTasks", {{"cluster", cluster}, {"desiredStatus", desired}})["taskArns"];
        out[std::string("tasks_") + cluster + "_" + desired] = list;
        for (const auto& arn : list) arns.push_back(arn);
      }
    for (const char* cluster : {"default", "batch"})
      out[std::string("described_tasks_") + cluster] =
          ok("DescribeTasks", {{"cluster", cluster}, {"tasks", arns}, {"include", {"TAGS"}}});
    out["services"] = ok("DescribeServices", {{"services", {"svc", "gone"}}, {"include", {"TAGS"}}});
    out["service_list"] = ok("ListServices", Json::object());
    out["settings"] = ok("ListAccountSettings", {{"effectiveSettings", true}});
    out["user_settings"] = ok("ListAccountSettings", {{"principalArn", "arn:aws:iam::000000000000:user/dev"}});
    return out;
  }

  void build() {
    // Clusters: one with settings, configuration, capacity providers and tags; one deleted.
    ASSERT_TRUE(h.ecs("CreateCluster", Json::parse(R"({"clusterName": "batch",
        "tags": [{"key": "team", "value": "data"}], "settings": [{"name": "containerInsights", "value": "enabled"}],
        "configuration": {"executeCommandConfiguration": {"kmsKeyId": "k1", "logging": "OVERRIDE",
            "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": true}}},
        "serviceConnectDefaults": {"namespace": "internal"}})"))
                    .ok());
    ASSERT_TRUE(h.ecs("PutClusterCapacityProviders",
                      Json::parse(R"({"cluster": "batch", "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                          "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 2, "base": 1}]})"))
                    .ok());
    ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "old"}}).ok());
    ASSERT_TRUE(h.ecs("DeleteCluster", {{"cluster", "old"}}).ok());
    // Task definitions: revisions, a deregistered one, tags.
    ASSERT_TRUE(h.ecs("RegisterTaskDefinition", rich_definition()).ok());
    Json web2 = web_definition();
    web2["tags"] = {{{"key", "rev"}, {"value", "2"}}};
    ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web2).ok());
    ASSERT_TRUE(h.ecs("RegisterTaskDefinition", plain_definition("plain", "false")).ok());
    ASSERT_TRUE(h.ecs("DeregisterTaskDefinition", {{"taskDefinition", "web:1"}}).ok());
    // Account settings.
    ASSERT_TRUE(h.ecs("PutAccountSettingDefault", {{"name", "awsvpcTrunking"}, {"value", "enabled"}}).ok());
    ASSERT_TRUE(h.ecs("PutAccountSetting", {{"name", "containerInsights"},
                                            {"value", "enhanced"},
                                            {"principalArn", "arn:aws:iam::000000000000:user/dev"}})
                    .ok());
    // Tasks: running (with a public address and overrides), stopped, still provisioning, failed.
    running = run_one(
        {{"taskDefinition", "web:2"},
         {"networkConfiguration", network("ENABLED")},
         {"startedBy", "me"},
         {"group", "family:web"},
         {"tags", {{{"key", "k"}, {"value", "v"}}}},
         {"overrides",
          {{"containerOverrides",
            {{{"name", "app"}, {"command", {"echo", "hi"}}, {"environment", {{{"name", "A"}, {"value", "1"}}}}}}}}}});
    bring_running(running);
    stopped = run_one({{"taskDefinition", "web:2"}});
    bring_running(stopped);
    container_stopped(stopped, "app", 3);
    feed(Kind::TaskStopped, stopped);
    provisioning = run_one({{"taskDefinition", "rich"}, {"cluster", "batch"}});
    // A service with a circuit breaker, rolled out; then a new deployment in progress whose first
    // task failed to start (counted once, mid-rollout).
    ASSERT_TRUE(
        create("svc", 2,
               {{"taskDefinition", "plain:1"},
                {"deploymentConfiguration",
                 {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}, {"minimumHealthyPercent", 50}}},
                {"tags", {{{"key", "svc"}, {"value", "yes"}}}},
                {"enableECSManagedTags", true},
                {"propagateTags", "SERVICE"}})
            .ok());
    run_pending("svc");
    advance();
    const auto first = tasks_of("svc");
    ASSERT_TRUE(update("svc", {{"taskDefinition", "plain:2"}}).ok());
    advance();
    std::vector<std::string> fresh;
    for (const auto& arn : tasks_of("svc"))
      if (std::find(first.begin(), first.end(), arn) == first.end()) fresh.push_back(arn);
    ASSERT_FALSE(fresh.empty());
    fails_to_start(fresh[0]);
    advance();
    // A deleted service (draining).
    ASSERT_TRUE(create("gone", 0).ok());
    ASSERT_TRUE(h.ecs("DeleteService", {{"service", "gone"}}).ok());
    // Tags on a task definition revision after the fact.
    ASSERT_TRUE(h.ecs("TagResource", {{"resourceArn", kArnPrefix + "task-definition/rich:1"},
                                      {"tags", {{{"key", "owner"}, {"value", "ops"}}}}})
                    .ok());
  }

  // A second provider with the restored ECS, VPC and public address state, on the same clock.
  void restore_into_copy(const Json& snapshot) {
    copy.ecs_provider().set_task_runtime(&copy_runtime);
    copy.ecs_provider().scheduler().healthy_after = Clock::duration::zero();
    vpc::restore_vpc(copy.ecs_provider().networks(), vpc::snapshot_vpc(h.ecs_provider().networks()));  // public IPs too
    restore_state(copy.ecs_provider().state(ctx()), snapshot);
  }

  std::string running, stopped, provisioning;
  testing::FakeTaskRuntime copy_runtime;
  testing::ApiHarness copy{7, [this] { return manual_clock.value_or(Clock::now()); }};
};

TEST_F(EcsSnapshotTest, RoundTripGivesTheSameSnapshotAndTheSameAnswers) {
  build();
  const Json snapshot = snapshot_state(state());
  ASSERT_GE(snapshot["tasks"]["items"].size(), 7u);
  const Json& svc = snapshot["services"][0];
  ASSERT_EQ(svc["deployments"].size(), 2u);
  EXPECT_EQ(svc["deployments"][0]["rollout"], "IN_PROGRESS");
  EXPECT_EQ(svc["deployments"][0]["failed_tasks"], 1);
  EXPECT_EQ(snapshot["clusters"].size(), 3u);  // default, batch and the INACTIVE old
  restore_into_copy(snapshot);
  EXPECT_EQ(snapshot_state(copy.ecs_provider().state(ctx())).dump(), snapshot.dump());
  EXPECT_EQ(described(copy), described(h));
}

TEST_F(EcsSnapshotTest, ARestoredProviderCarriesOn) {
  build();
  restore_into_copy(snapshot_state(state()));

  // The revision counter: web's next is 3 (1 is deregistered, still counted).
  auto r = copy.ecs("RegisterTaskDefinition", web_definition());
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["taskDefinition"]["revision"], 3);

  // The typed view of a definition is rebuilt: the launch spec is the one the original makes.
  const std::string again = run_one({{"taskDefinition", "rich"}, {"cluster", "batch"}});
  auto copied = copy.ecs("RunTask", {{"taskDefinition", "rich"},
                                     {"cluster", "batch"},
                                     {"launchType", "FARGATE"},
                                     {"networkConfiguration", network()}});
  ASSERT_TRUE(copied.ok()) << copied.body.dump();
  const std::string copied_arn = copied.body["tasks"][0]["taskArn"];
  const runtime::TaskSpec* a = runtime.launched(again);
  const runtime::TaskSpec* b = copy_runtime.launched(copied_arn);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->containers.size(), b->containers.size());
  for (size_t i = 0; i < a->containers.size(); ++i) {
    const auto &x = a->containers[i], &y = b->containers[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.essential, y.essential);
    EXPECT_EQ(x.create.image, y.create.image);
    EXPECT_EQ(x.create.cmd, y.create.cmd);
    EXPECT_EQ(x.create.entrypoint, y.create.entrypoint);
    // The endpoint ids are random per task: compare the rest.
    auto without_ids = [](std::vector<std::string> env) {
      std::erase_if(env, [](const std::string& e) {
        return e.rfind("ECS_CONTAINER_METADATA_URI", 0) == 0 || e.rfind("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=", 0) == 0;
      });
      return env;
    };
    EXPECT_EQ(without_ids(x.create.env), without_ids(y.create.env));
    EXPECT_EQ(x.create.user, y.create.user);
    EXPECT_EQ(x.create.working_dir, y.create.working_dir);
    EXPECT_EQ(x.create.health_check.has_value(), y.create.health_check.has_value());
    EXPECT_EQ(x.create.memory_reservation_bytes, y.create.memory_reservation_bytes);
    EXPECT_EQ(x.create.init, y.create.init);
    EXPECT_EQ(x.depends_on.size(), y.depends_on.size());
    EXPECT_EQ(x.stop_timeout_s, y.stop_timeout_s);
  }
  // New tasks come after the restored ones in ListTasks, as in the original.
  auto listed = copy.ecs("ListTasks", {{"cluster", "batch"}}).body["taskArns"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], provisioning);
  EXPECT_EQ(listed[1], copied_arn);

  // Runtime events reach restored tasks; the cluster counters move from their restored values.
  copy.ecs_provider().on_task_event(testing::event(Kind::ContainerStopped, running, "app"));
  copy.ecs_provider().on_task_event(testing::event(Kind::TaskStopped, running));
  auto task = copy.ecs("DescribeTasks", {{"tasks", {running}}}).body["tasks"][0];
  EXPECT_EQ(task["lastStatus"], "STOPPED");
  EXPECT_EQ(task["stopCode"], "EssentialContainerExited");
  auto cluster = copy.ecs("DescribeClusters", {{"clusters", {"default"}}}).body["clusters"][0];
  EXPECT_EQ(cluster["runningTasksCount"], counts().second - 1);

  // The next public address is a new one, as the original would give.
  EXPECT_EQ(copy.ecs_provider().networks().public_ips().allocate(), h.ecs_provider().networks().public_ips().allocate());

  // The scheduler finds the service as it was: a tick launches what the original's tick launches.
  const size_t before_original = runtime.launches.size(), before_copy = copy_runtime.launches.size();
  advance();
  copy.ecs_provider().tick(now);
  EXPECT_EQ(copy_runtime.launches.size() - before_copy, runtime.launches.size() - before_original);
  auto svc = copy.ecs("DescribeServices", {{"services", {"svc"}}}).body["services"][0];
  auto original = h.ecs("DescribeServices", {{"services", {"svc"}}}).body["services"][0];
  EXPECT_EQ(svc["deployments"].size(), original["deployments"].size());
  EXPECT_EQ(svc["deployments"][0]["failedTasks"], original["deployments"][0]["failedTasks"]);
  EXPECT_EQ(svc["runningCount"], original["runningCount"]);
  EXPECT_EQ(svc["events"].size(), original["events"].size());
}

TEST_F(EcsSnapshotTest, TheStoreRoundTripsAsOneDocument) {
  build();
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "eu"}}, "111122223333", "eu-west-1").ok());
  EcsStore store;
  store.put(kAccount, "us-east-1", std::move(state()));
  store.put("111122223333", "eu-west-1", std::move(h.ecs_provider().state({"111122223333", "eu-west-1", "", "", now, ""})));
  const Json doc = snapshot_ecs(store);
  EXPECT_EQ(doc["format"], 1);
  EXPECT_EQ(doc["service"], "ecs");
  ASSERT_EQ(doc["states"].size(), 2u);
  EXPECT_EQ(doc["states"][0]["account"], kAccount);
  EXPECT_EQ(doc["states"][1]["region"], "eu-west-1");
  EXPECT_FALSE(doc.contains("public_ips"));  // network state: the VPC snapshot's

  EcsStore restored;
  restored.at("999999999999", "us-east-2");  // replaced, not merged
  restore_ecs(restored, doc);
  EXPECT_EQ(snapshot_ecs(restored).dump(), doc.dump());
  EXPECT_EQ(restored.find("999999999999", "us-east-2"), nullptr);
}

TEST_F(EcsSnapshotTest, BadDocumentsAreRefusedAndChangeNothing) {
  build();
  EcsStore store;
  store.put(kAccount, "us-east-1", std::move(state()));
  const Json good = snapshot_ecs(store);
  auto refused = [&](const Json& doc, const std::string& words) {
    try {
      restore_ecs(store, doc);
      ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot_ecs(store), good);
  };
  Json doc = good;
  doc["format"] = 0;
  refused(doc, "format 0 is not supported");
  doc.erase("format");
  refused(doc, "no format");
  doc = good;
  doc["service"] = "logs";
  refused(doc, "not of ecs");
  doc = good;
  doc["states"][0]["state"]["tasks"]["items"][1]["last_status"] = "WAITING";
  refused(doc, "unknown TaskStatus \"WAITING\"");
  doc = good;
  doc["states"][0]["state"]["tasks"]["items"][1]["version"] = "two";
  refused(doc, "account 000000000000 in region us-east-1: tasks:");
  doc = good;
  doc["states"][0]["state"]["tasks"]["items"].push_back(good["states"][0]["state"]["tasks"]["items"][0]);
  refused(doc, "appears twice");
  doc = good;
  doc["states"][0]["state"]["tasks"]["next_sequence"] = 1;
  refused(doc, "next_sequence");
  doc = good;
  doc["states"][0]["state"]["task_definitions"]["families"]["web"]["revisions"][0]["document"] = "{}";
  refused(doc, "needs its document");
  doc = good;
  doc["states"][0]["state"]["clusters"][0]["usage"]["running_tasks"] = {1, -1};
  refused(doc, "negative counts");
  doc = good;
  doc["states"][0]["state"]["services"][0]["deployments"][0]["rollout"] = 3;
  refused(doc, "unknown RolloutState");
  doc = good;
  doc["states"][0].erase("region");
  refused(doc, "needs account, region and state");
}

TEST_F(EcsSnapshotTest, ThousandTaskDefinitionsStayCompact) {
  size_t wire = 0;
  for (int i = 0; i < 1000; ++i) {
    Json td = rich_definition();
    td["family"] = "family-" + std::to_string(i % 100);
    auto r = h.ecs("RegisterTaskDefinition", td);
    ASSERT_TRUE(r.ok()) << r.body.dump();
    wire += r.body["taskDefinition"].dump().size();
  }
  const Json snapshot = snapshot_task_definitions(state().task_definitions);
  const size_t size = snapshot.dump().size();
  std::cout << "[ snapshot ] 1,000 task definitions (2 containers each): " << size
            << " bytes; their DescribeTaskDefinition "
            << "documents: " << wire << " bytes\n";
  EXPECT_LT(size, wire * 11 / 10);  // the document once, plus a few members of identity
  TaskDefinitionRegistry restored;
  restore_task_definitions(restored, snapshot);
  EXPECT_EQ(snapshot_task_definitions(restored), snapshot);
  EXPECT_EQ(restored.next_revision("family-7"), 11);
}

// A reminder, not a rule of the format: the snapshot names every member of these entities (a task
// definition: its identity and computed members; the typed view comes from the document). When
// one is added or removed, its size changes here: snapshot the new member (api/ecs/snapshot_*.cpp),
// cover it in the tests above, then update the size. (Sizes with libstdc++ on 64-bit.)
TEST(EcsSnapshotMembers, EverySnapshottedEntityHasTheMembersTheSnapshotNames) {
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
  EXPECT_EQ(sizeof(Cluster), 472u);
  EXPECT_EQ(sizeof(TaskDefinition), 560u);
  EXPECT_EQ(sizeof(Task), 1376u);  // deactivating_until, targets_registered: service_load_balancer_test; service_connect: service_connect_test
  EXPECT_EQ(sizeof(Container), 272u);
  EXPECT_EQ(sizeof(TaskOverrides), 192u);
  EXPECT_EQ(sizeof(ContainerOverride), 120u);
  EXPECT_EQ(sizeof(NetworkAttachment), 72u);
  EXPECT_EQ(sizeof(EcsService), 1408u);
  EXPECT_EQ(sizeof(Deployment), 496u);
  EXPECT_EQ(sizeof(DeploymentTemplate), 328u);  // load_balancers: service_load_balancer_test; service_connect_*: service_connect_test
  EXPECT_EQ(sizeof(DeploymentSettings), 32u);
  EXPECT_EQ(sizeof(ServiceEvent), 72u);
#else
  GTEST_SKIP() << "sizes are those of libstdc++ on 64-bit";
#endif
}

}  // namespace
}  // namespace ecslocal::api::ecs
