// ListTasks filters and paging, cluster counters and DeleteCluster, and the retention of STOPPED
// tasks.
#include <set>

#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

class TaskListTest : public TaskOpsTest {
 protected:
  std::vector<std::string> list(Json input = Json::object()) {
    auto r = h.ecs("ListTasks", input);
    EXPECT_TRUE(r.ok()) << r.body.dump();
    EXPECT_FALSE(r.body.contains("nextToken")) << r.body.dump();
    return r.body["taskArns"].get<std::vector<std::string>>();
  }
};

TEST_F(TaskListTest, DesiredStatusDecidesWhatIsListed) {
  const std::string a = run_one(), b = run_one();
  EXPECT_EQ(list(), (std::vector<std::string>{a, b}));
  ASSERT_TRUE(h.ecs("StopTask", {{"task", a}}).ok());
  EXPECT_EQ(list(), std::vector<std::string>{b});  // gone from the default list at once
  EXPECT_EQ(list({{"desiredStatus", "RUNNING"}}), std::vector<std::string>{b});
  EXPECT_EQ(list({{"desiredStatus", "STOPPED"}}), std::vector<std::string>{a});  // still stopping
  EXPECT_EQ(list({{"desiredStatus", "PENDING"}}), std::vector<std::string>{});
  feed(Kind::TaskStopped, a);
  EXPECT_EQ(list({{"desiredStatus", "STOPPED"}}), std::vector<std::string>{a});
}

TEST_F(TaskListTest, Filters) {
  Json other = web_definition("worker");
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", other).ok());
  const std::string web = run_one({{"startedBy", "me"}});
  const std::string worker = run_one({{"taskDefinition", "worker"}, {"group", "service:api"}});
  EXPECT_EQ(list({{"family", "web"}}), std::vector<std::string>{web});
  EXPECT_EQ(list({{"family", "worker"}}), std::vector<std::string>{worker});
  EXPECT_EQ(list({{"family", "nope"}}), std::vector<std::string>{});
  EXPECT_EQ(list({{"startedBy", "me"}}), std::vector<std::string>{web});
  EXPECT_EQ(list({{"serviceName", "api"}}), std::vector<std::string>{worker});
  EXPECT_EQ(list({{"serviceName", kArnPrefix + "service/default/api"}}), std::vector<std::string>{worker});
  EXPECT_EQ(list({{"launchType", "FARGATE"}}), (std::vector<std::string>{web, worker}));
  EXPECT_EQ(list({{"launchType", "EC2"}}), std::vector<std::string>{});
  EXPECT_EQ(list({{"containerInstance", "0123"}}), std::vector<std::string>{});  // Fargate: none
  EXPECT_EQ(list({{"cluster", kArnPrefix + "cluster/default"}}), (std::vector<std::string>{web, worker}));
}

TEST_F(TaskListTest, TasksOfOtherClustersAreNotListed) {
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "batch"}}).ok());
  const std::string here = run_one();
  const std::string there = run_one({{"cluster", "batch"}});
  EXPECT_EQ(list(), std::vector<std::string>{here});
  EXPECT_EQ(list({{"cluster", "batch"}}), std::vector<std::string>{there});
  EXPECT_EQ(there.rfind(kArnPrefix + "task/batch/", 0), 0u);
  expect_error(h.ecs("ListTasks", {{"cluster", "nope"}}), "ClusterNotFoundException");
}

TEST_F(TaskListTest, Paging) {
  std::vector<std::string> all;
  for (int i = 0; i < 3; ++i) {
    auto r = run({{"count", 5}});
    ASSERT_TRUE(r.ok()) << r.body.dump();
    for (const auto& t : r.body["tasks"]) all.push_back(t["taskArn"]);
  }
  std::vector<std::string> seen;
  std::optional<std::string> token;
  int pages = 0;
  do {
    Json input = {{"maxResults", 4}};
    if (token) input["nextToken"] = *token;
    auto r = h.ecs("ListTasks", input);
    ASSERT_TRUE(r.ok()) << r.body.dump();
    EXPECT_LE(r.body["taskArns"].size(), 4u);
    for (const auto& arn : r.body["taskArns"]) seen.push_back(arn);
    token = r.body.contains("nextToken") ? std::optional(r.body["nextToken"].get<std::string>()) : std::nullopt;
    ++pages;
  } while (token);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen, all);
  expect_error(h.ecs("ListTasks", {{"maxResults", 0}}), "InvalidParameterException");
  expect_error(h.ecs("ListTasks", {{"maxResults", 101}}), "InvalidParameterException");
  expect_error(h.ecs("ListTasks", {{"nextToken", "garbage"}}), "InvalidParameterException");
}

TEST_F(TaskListTest, CountersStayTrueAndDeleteClusterWaitsForStoppedTasks) {
  const std::string pending = run_one(), running = run_one(), failing = run_one();
  EXPECT_EQ(counts(), std::make_pair(3, 0));
  bring_running(running);
  EXPECT_EQ(counts(), std::make_pair(2, 1));
  auto stat = [&](const std::string& name) {
    auto r = h.ecs("DescribeClusters", {{"clusters", {"default"}}, {"include", {"STATISTICS"}}});
    for (const auto& s : r.body["clusters"][0]["statistics"])
      if (s["name"] == name) return s["value"].get<std::string>();
    return std::string("absent");
  };
  EXPECT_EQ(stat("runningFargateTasksCount"), "1");
  EXPECT_EQ(stat("pendingFargateTasksCount"), "2");
  EXPECT_EQ(stat("runningEC2TasksCount"), "0");
  const std::string busy = "The Cluster cannot be deleted while Tasks are active.";
  expect_error(h.ecs("DeleteCluster", {{"cluster", "default"}}), "ClusterContainsTasksException", busy);

  auto failed = testing::event(Kind::TaskFailed, failing, "app");
  failed.reason = "CannotPullContainerError: nope";
  feed(failed);
  feed(Kind::TaskStopped, failing);
  EXPECT_EQ(counts(), std::make_pair(1, 1));

  ASSERT_TRUE(h.ecs("StopTask", {{"task", running}}).ok());
  ASSERT_TRUE(h.ecs("StopTask", {{"task", pending}}).ok());
  EXPECT_EQ(counts(), std::make_pair(1, 1));  // stopping tasks still count
  expect_error(h.ecs("DeleteCluster", {{"cluster", "default"}}), "ClusterContainsTasksException", busy);
  feed(Kind::TaskStopped, running);
  feed(Kind::TaskStopped, running);  // duplicate: no double decrement
  EXPECT_EQ(counts(), std::make_pair(1, 0));
  feed(Kind::TaskStopped, pending);
  EXPECT_EQ(counts(), std::make_pair(0, 0));

  EXPECT_EQ(stat("runningFargateTasksCount"), "0");
  EXPECT_EQ(stat("pendingFargateTasksCount"), "0");
  EXPECT_TRUE(h.ecs("DeleteCluster", {{"cluster", "default"}}).ok());
}

TEST_F(TaskListTest, StoppedTasksAreForgottenAfterTheRetentionPeriod) {
  h.ecs_provider().set_task_retention(std::chrono::hours(1));
  const std::string old_task = run_one({{"tags", {{{"key", "k"}, {"value", "v"}}}}});
  const std::string recent = run_one();
  const std::string running = run_one();
  const auto now = std::chrono::system_clock::now();
  feed(testing::event(Kind::TaskStopped, old_task, "", now - std::chrono::hours(2)));
  feed(testing::event(Kind::TaskStopped, recent, "", now - std::chrono::minutes(30)));

  auto r = h.ecs("DescribeTasks", {{"tasks", {old_task, recent, running}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(r.body["tasks"].size(), 2u);
  EXPECT_EQ(r.body["tasks"][0]["taskArn"], recent);
  EXPECT_EQ(r.body["failures"], Json::array({{{"arn", old_task}, {"reason", "MISSING"}}}));
  EXPECT_EQ(list({{"desiredStatus", "STOPPED"}}), std::vector<std::string>{recent});
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", old_task}}), "InvalidParameterException");
  EXPECT_EQ(h.ecs_provider().state({kAccount, "us-east-1", "", "", now, ""}).tags.get(old_task).size(), 0u);
  EXPECT_EQ(counts(), std::make_pair(1, 0));
  feed(Kind::NetworkReady, old_task);  // a late event for a forgotten task is ignored
}

}  // namespace
}  // namespace ecslocal::api::ecs
