// Task `secrets` at launch: RegisterTaskDefinition refuses secrets without an execution role;
// RunTask reads each valueFrom through the resolver that serves it (real SSM and Secrets Manager
// providers, plus a fake for the failure wording) into the container's environment, replacing a
// plain variable of the same name; a secret that cannot be read stops the task TaskFailedToStart
// with ECS's ResourceInitializationError, without launching anything.
#include <gtest/gtest.h>

#include "api/secretsmanager/provider.hpp"
#include "api/ssm/provider.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"
#include "tests/unit/api/ssm/json_service_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr const char* kExecRole = "arn:aws:iam::000000000000:role/exec";

class FakeResolver : public SecretResolver {
 public:
  bool serves(std::string_view value_from) const override { return value_from.rfind("fake:", 0) == 0; }
  SecretValue resolve(const SecretReference& ref) const override {
    seen.push_back(ref);
    if (ref.value_from == "fake:missing") return {std::nullopt, "the fake cannot read fake:missing"};
    return {"value-of-" + ref.value_from.substr(5), ""};
  }
  mutable std::vector<SecretReference> seen;
};

class TaskSecretsTest : public TaskOpsTest {
 protected:
  TaskSecretsTest() {
    ssm_h.ok("PutParameter", {{"Name", "/db/password"}, {"Value", "hunter2"}, {"Type", "SecureString"}});
    secret_arn = sm_h.ok("CreateSecret", {{"Name", "api"}, {"SecretString", R"({"key":"k-123","n":7})"}})["ARN"];
    h.ecs_provider().set_secret_resolvers({&fake, ssm.get(), sm.get()});  // SSM serves every bare name
  }

  // "secretive": the web definition with `secrets` on its app container.
  CallResult register_with(Json secrets, bool with_role = true) {
    Json td = web_definition("secretive");
    td["containerDefinitions"][0]["secrets"] = std::move(secrets);
    td["containerDefinitions"][0]["environment"] = {{{"name", "PLAIN"}, {"value", "p"}}, {{"name", "API_KEY"}, {"value", "overridden"}}};
    if (with_role) td["executionRoleArn"] = kExecRole;
    return h.ecs("RegisterTaskDefinition", td);
  }

  std::vector<std::string> env_of(const std::string& arn, const std::string& container = "app") {
    const runtime::TaskSpec* spec = runtime.launched(arn);
    if (!spec) return {};
    for (const auto& c : spec->containers)
      if (c.name == container) return c.create.env;
    return {};
  }

  std::shared_ptr<ssm::SsmProvider> ssm = std::make_shared<ssm::SsmProvider>();
  std::shared_ptr<secretsmanager::SecretsManagerProvider> sm = std::make_shared<secretsmanager::SecretsManagerProvider>();
  testing::JsonServiceHarness ssm_h{"AmazonSSM", ssm};
  testing::JsonServiceHarness sm_h{"secretsmanager", sm};
  FakeResolver fake;
  std::string secret_arn;

  void expect_failed_to_start(const std::string& arn, const std::string& reason) {
    Json task = describe(arn);
    EXPECT_EQ(task["lastStatus"], "STOPPED");
    EXPECT_EQ(task["stopCode"], "TaskFailedToStart");
    EXPECT_EQ(task["stoppedReason"], reason.substr(0, 255));
  }
};

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

TEST_F(TaskSecretsTest, RegistrationNeedsAnExecutionRole) {
  expect_error(register_with({{{"name", "A"}, {"valueFrom", "/db/password"}}}, false), "ClientException",
               "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
  Json td = web_definition("logsecret");
  td["containerDefinitions"][0]["logConfiguration"] = {
      {"logDriver", "awslogs"},
      {"options", {{"awslogs-group", "g"}, {"awslogs-region", "us-east-1"}, {"awslogs-stream-prefix", "p"}}},
      {"secretOptions", {{{"name", "token"}, {"valueFrom", "/db/password"}}}}};
  td["executionRoleArn"] = kExecRole;
  EXPECT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  td.erase("executionRoleArn");
  expect_error(h.ecs("RegisterTaskDefinition", td), "ClientException");
  expect_error(register_with({{{"name", "A"}, {"valueFrom", "/x"}}, {{"name", "A"}, {"valueFrom", "/y"}}}), "ClientException");
}

TEST_F(TaskSecretsTest, SecretsBecomeEnvironmentVariables) {
  ASSERT_TRUE(register_with({{{"name", "DB_PASSWORD"}, {"valueFrom", "/db/password"}},
                             {{"name", "DB_PASSWORD_ARN"}, {"valueFrom", "arn:aws:ssm:us-east-1:000000000000:parameter/db/password"}},
                             {{"name", "API_KEY"}, {"valueFrom", secret_arn + ":key::"}},
                             {{"name", "API_N"}, {"valueFrom", secret_arn + ":n::"}},
                             {{"name", "WHOLE"}, {"valueFrom", secret_arn}},
                             {{"name", "FAKE"}, {"valueFrom", "fake:thing"}}})
                  .ok());
  const std::string arn = run_one({{"taskDefinition", "secretive"}});
  const auto env = env_of(arn);
  EXPECT_TRUE(has(env, "DB_PASSWORD=hunter2"));
  EXPECT_TRUE(has(env, "DB_PASSWORD_ARN=hunter2"));
  EXPECT_TRUE(has(env, "API_KEY=k-123"));  // replaces the plain variable of that name
  EXPECT_FALSE(has(env, "API_KEY=overridden"));
  EXPECT_TRUE(has(env, "API_N=7"));
  EXPECT_TRUE(has(env, R"(WHOLE={"key":"k-123","n":7})"));
  EXPECT_TRUE(has(env, "FAKE=value-of-thing"));
  EXPECT_TRUE(has(env, "PLAIN=p"));
  EXPECT_FALSE(has(env_of(arn, "sidecar"), "DB_PASSWORD=hunter2"));  // only the container that asks
  ASSERT_EQ(fake.seen.size(), 1u);
  EXPECT_EQ(fake.seen[0].role_arn, kExecRole);
  EXPECT_EQ(fake.seen[0].account_id, "000000000000");
  EXPECT_EQ(fake.seen[0].region, "us-east-1");
  EXPECT_NE(describe(arn)["lastStatus"], "STOPPED");
}

TEST_F(TaskSecretsTest, TheOverridesExecutionRoleIsTheOneUsed) {
  ASSERT_TRUE(register_with({{{"name", "FAKE"}, {"valueFrom", "fake:x"}}}).ok());
  run_one({{"taskDefinition", "secretive"}, {"overrides", {{"executionRoleArn", "arn:aws:iam::000000000000:role/other"}}}});
  ASSERT_EQ(fake.seen.size(), 1u);
  EXPECT_EQ(fake.seen[0].role_arn, "arn:aws:iam::000000000000:role/other");
}

TEST_F(TaskSecretsTest, AMissingParameterStopsTheTaskBeforeItStarts) {
  ASSERT_TRUE(register_with({{{"name", "DB_PASSWORD"}, {"valueFrom", "/db/nope"}}}).ok());
  const std::string arn = run_one({{"taskDefinition", "secretive"}});
  EXPECT_EQ(runtime.launched(arn), nullptr);
  expect_failed_to_start(arn,
                         "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                         "retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 "
                         "time(s): invalid ssm parameters: /db/nope");
}

TEST_F(TaskSecretsTest, AMissingSecretOrJsonKeyStopsTheTask) {
  ASSERT_TRUE(register_with({{{"name", "API_KEY"}, {"valueFrom", secret_arn + ":nokey::"}}}).ok());
  const std::string arn = run_one({{"taskDefinition", "secretive"}});
  EXPECT_EQ(runtime.launched(arn), nullptr);
  expect_failed_to_start(arn,
                         "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                         "retrieval failed: unable to retrieve secret from asm: retrieved secret from Secrets Manager "
                         "did not contain json key nokey");

  Json td = web_definition("gone");
  td["executionRoleArn"] = kExecRole;
  td["containerDefinitions"][0]["secrets"] = {
      {{"name", "X"}, {"valueFrom", "arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf"}}};
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string arn2 = run_one({{"taskDefinition", "gone"}});
  EXPECT_EQ(runtime.launched(arn2), nullptr);
  const std::string reason = describe(arn2)["stoppedReason"];
  EXPECT_EQ(reason.size(), 255u);  // ECS truncates at 255
  const std::string expected =
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
      "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
      "arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf from secrets manager: "
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.";
  EXPECT_EQ(reason, expected.substr(0, 255));
}

TEST_F(TaskSecretsTest, AReferenceNoResolverServesStopsTheTask) {
  ASSERT_TRUE(register_with({{{"name", "X"}, {"valueFrom", "arn:aws:s3:::bucket/key"}}}).ok());
  const std::string arn = run_one({{"taskDefinition", "secretive"}});
  EXPECT_EQ(runtime.launched(arn), nullptr);
  EXPECT_EQ(describe(arn)["stopCode"], "TaskFailedToStart");
  ASSERT_TRUE(register_with({{{"name", "X"}, {"valueFrom", "fake:missing"}}}).ok());
  const std::string arn2 = run_one({{"taskDefinition", "secretive"}});
  expect_failed_to_start(arn2,
                         "ResourceInitializationError: unable to pull secrets or registry auth: the fake cannot read "
                         "fake:missing");
}

TEST_F(TaskSecretsTest, LogSecretOptionsAreReadAtLaunchToo) {
  Json td = web_definition("logsecret");
  td["executionRoleArn"] = kExecRole;
  td["containerDefinitions"][0]["logConfiguration"] = {
      {"logDriver", "awslogs"},
      {"options", {{"awslogs-group", "g"}, {"awslogs-region", "us-east-1"}, {"awslogs-stream-prefix", "p"}}},
      {"secretOptions", {{{"name", "token"}, {"valueFrom", "fake:ok"}}}}};
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string ok_arn = run_one({{"taskDefinition", "logsecret"}});
  EXPECT_NE(runtime.launched(ok_arn), nullptr);
  ASSERT_EQ(fake.seen.size(), 1u);
  EXPECT_EQ(fake.seen[0].value_from, "fake:ok");
  EXPECT_FALSE(has(env_of(ok_arn), "token=value-of-ok"));  // a driver option, not a variable

  td["containerDefinitions"][0]["logConfiguration"]["secretOptions"] = {{{"name", "token"}, {"valueFrom", "/no/such"}}};
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string failed = run_one({{"taskDefinition", "logsecret"}});
  EXPECT_EQ(runtime.launched(failed), nullptr);
  expect_failed_to_start(failed,
                         "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
                         "retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 "
                         "time(s): invalid ssm parameters: /no/such");
}

}  // namespace
}  // namespace ecslocal::api::ecs
