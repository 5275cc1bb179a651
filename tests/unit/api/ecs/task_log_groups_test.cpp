// awslogs containers at RunTask: the shipping destination in the TaskSpec, the log group check
// (missing: TaskFailedToStart), awslogs-create-group, and no awslogs driver asked of Docker.
#include <set>
#include <tuple>

#include "api/ecs/task_log_groups.hpp"
#include "api/ports/log_group_directory.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

class FakeLogGroups : public LogGroupDirectory {
 public:
  bool log_group_exists(const std::string& account, const std::string& region, const std::string& group) const override {
    return groups.count({account, region, group}) > 0;
  }
  bool create_log_group(const std::string& account, const std::string& region, const std::string& group) override {
    if (group.find(' ') != std::string::npos) return false;
    groups.insert({account, region, group});
    ++created;
    return true;
  }
  std::set<std::tuple<std::string, std::string, std::string>> groups;
  int created = 0;
};

Json logged_definition(Json options) {
  Json def = web_definition("logged");
  def["containerDefinitions"][0]["logConfiguration"] = {{"logDriver", "awslogs"}, {"options", std::move(options)}};
  def["executionRoleArn"] = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole";  // awslogs on Fargate needs it
  return def;
}

class TaskLogGroupsTest : public TaskOpsTest {
 protected:
  TaskLogGroupsTest() { h.ecs_provider().set_log_groups(&groups); }
  std::string run_logged(Json options) {
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", logged_definition(std::move(options))).ok());
    return run_one({{"taskDefinition", "logged"}});
  }
  FakeLogGroups groups;
};

const Json kOptions = {{"awslogs-group", "/ecs/web"}, {"awslogs-region", "eu-west-1"}, {"awslogs-stream-prefix", "web"}};

TEST_F(TaskLogGroupsTest, AnExistingGroupGetsTheContainersOutput) {
  groups.groups.insert({kAccount, "eu-west-1", "/ecs/web"});
  const std::string arn = run_logged(kOptions);
  const runtime::TaskSpec* spec = runtime.launched(arn);
  ASSERT_NE(spec, nullptr);
  const auto& app = spec->containers.at(0);
  ASSERT_TRUE(app.ship_logs.has_value());
  EXPECT_EQ(app.ship_logs->account, kAccount);
  EXPECT_EQ(app.ship_logs->region, "eu-west-1");
  EXPECT_EQ(app.ship_logs->group, "/ecs/web");
  EXPECT_EQ(app.ship_logs->stream, "web/app/" + arn.substr(arn.rfind('/') + 1));
  EXPECT_FALSE(spec->containers.at(1).ship_logs.has_value());  // sidecar: no log configuration
  EXPECT_EQ(describe(arn)["lastStatus"], "PROVISIONING");
  EXPECT_EQ(groups.created, 0);
}

TEST_F(TaskLogGroupsTest, AMissingGroupFailsTheTaskToStart) {
  const std::string arn = run_logged(kOptions);
  EXPECT_EQ(runtime.launched(arn), nullptr);  // never handed to the runtime
  Json task = describe(arn);
  EXPECT_EQ(task["lastStatus"], "STOPPED");
  EXPECT_EQ(task["stopCode"], "TaskFailedToStart");
  const std::string reason = task["stoppedReason"];
  EXPECT_EQ(reason.rfind("ResourceInitializationError: failed to validate logger args: ", 0), 0u) << reason;
  EXPECT_NE(reason.find("The specified log group does not exist."), std::string::npos) << reason;
  EXPECT_EQ(groups.created, 0);
}

TEST_F(TaskLogGroupsTest, CreateGroupTrueCreatesItInTheOptionsRegion) {
  Json options = kOptions;
  options["awslogs-create-group"] = "true";
  const std::string arn = run_logged(options);
  EXPECT_NE(runtime.launched(arn), nullptr);
  EXPECT_TRUE(groups.log_group_exists(kAccount, "eu-west-1", "/ecs/web"));
  EXPECT_EQ(groups.created, 1);
}

TEST(AwslogsDestination, WithoutAPrefixTheRuntimeNamesTheStream) {
  Task task;
  task.id = "abc";
  task.account_id = kAccount;
  task.region = "us-east-1";
  ContainerDefinition def;
  def.name = "app";
  EXPECT_FALSE(awslogs_destination(task, def).has_value());
  def.log_configuration = LogConfiguration{"json-file", {}, {}};
  EXPECT_FALSE(awslogs_destination(task, def).has_value());
  def.log_configuration = LogConfiguration{"awslogs", {{"awslogs-group", "g"}}, {}};
  auto d = awslogs_destination(task, def);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->region, "us-east-1");  // the task's when the option is absent
  EXPECT_EQ(d->stream, "");           // the runtime uses the Docker container id
}

}  // namespace
}  // namespace ecslocal::api::ecs
