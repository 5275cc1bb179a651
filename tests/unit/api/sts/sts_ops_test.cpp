#include <gtest/gtest.h>

#include "api/protocol/timestamp.hpp"
#include "tests/unit/api/iam/query_harness.hpp"

namespace ecslocal::testing {
namespace {

class StsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h.iam("CreateRole", {{"RoleName", "deploy"}, {"AssumeRolePolicyDocument", kTrustPolicy}}, "111122223333").status, 200);
  }
  QueryHarness h;
  const std::string role_arn = "arn:aws:iam::111122223333:role/deploy";
};

TEST_F(StsTest, GetCallerIdentityOfALongTermKeyIsTheAccountRoot) {
  auto r = h.sts("GetCallerIdentity");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.text("Account"), "000000000000");
  EXPECT_EQ(r.text("Arn"), "arn:aws:iam::000000000000:root");
  EXPECT_EQ(r.text("UserId"), "000000000000");
  EXPECT_EQ(h.sts("GetCallerIdentity", {}, "444455556666").text("Account"), "444455556666");
}

TEST_F(StsTest, AssumeRoleIssuesTemporaryCredentialsActingInTheRolesAccount) {
  auto r = h.sts("AssumeRole", {{"RoleArn", role_arn}, {"RoleSessionName", "ci"}, {"DurationSeconds", "900"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string key = r.text("AccessKeyId");
  EXPECT_EQ(key.size(), 20u);
  EXPECT_EQ(key.rfind("ASIA", 0), 0u) << key;
  EXPECT_EQ(r.text("SecretAccessKey").size(), 40u);
  EXPECT_FALSE(r.text("SessionToken").empty());
  const auto expiration = api::protocol::parse_timestamp(r.text("Expiration"));
  ASSERT_TRUE(expiration);
  const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(*expiration - now, 900, 60);
  EXPECT_EQ(r.text("Arn"), "arn:aws:sts::111122223333:assumed-role/deploy/ci");
  const std::string role_id = h.iam("GetRole", {{"RoleName", "deploy"}}, "111122223333").text("RoleId");
  EXPECT_EQ(r.text("AssumedRoleId"), role_id + ":ci");

  auto me = h.sts("GetCallerIdentity", {}, key);
  EXPECT_EQ(me.text("Account"), "111122223333");
  EXPECT_EQ(me.text("Arn"), "arn:aws:sts::111122223333:assumed-role/deploy/ci");
  EXPECT_EQ(me.text("UserId"), role_id + ":ci");
  // Other services act in the role's account too.
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "deploy"}}, key).status, 200);
  h.gateway().reset();
  EXPECT_EQ(h.sts("GetCallerIdentity", {}, key).text("Account"), "000000000000");
}

TEST_F(StsTest, AssumeRoleRefusesMissingRolesBadDurationsAndNames) {
  auto r = h.sts("AssumeRole", {{"RoleArn", "arn:aws:iam::111122223333:role/ghost"}, {"RoleSessionName", "s1"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
  EXPECT_EQ(r.text("Message"), "User: arn:aws:iam::000000000000:root is not authorized to perform: sts:AssumeRole on "
                               "resource: arn:aws:iam::111122223333:role/ghost");
  r = h.sts("AssumeRole", {{"RoleArn", role_arn}, {"RoleSessionName", "s1"}, {"DurationSeconds", "899"}});
  EXPECT_EQ(r.code, "ValidationError");
  EXPECT_EQ(r.text("Message"), "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                               "Member must have value greater than or equal to 900");
  r = h.sts("AssumeRole", {{"RoleArn", role_arn}, {"RoleSessionName", "s1"}, {"DurationSeconds", "7200"}});
  EXPECT_EQ(r.text("Message"), "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  EXPECT_EQ(h.sts("AssumeRole", {{"RoleArn", role_arn}, {"RoleSessionName", "a b"}}).code, "ValidationError");
  EXPECT_EQ(h.sts("AssumeRole", {{"RoleArn", "arn:aws:s3:::bucket-name-here"}, {"RoleSessionName", "ok"}}).code,
            "ValidationError");
  EXPECT_EQ(h.sts("AssumeRole", {{"RoleSessionName", "ok"}}).code, "ValidationError");
}

TEST_F(StsTest, TaskRoleCredentialsActAsTheRoleInItsAccount) {
  const auto now = std::chrono::system_clock::now();
  auto issued = h.sts_provider().issue_role_credentials(role_arn, "0123abcd", std::chrono::hours(6), now);
  ASSERT_TRUE(issued.error.empty()) << issued.error;
  EXPECT_EQ(issued.access_key_id.rfind("ASIA", 0), 0u);
  EXPECT_EQ(issued.secret_access_key.size(), 40u);
  EXPECT_FALSE(issued.session_token.empty());
  EXPECT_EQ(issued.account_id, "111122223333");
  EXPECT_EQ(issued.assumed_role_arn, "arn:aws:sts::111122223333:assumed-role/deploy/0123abcd");
  EXPECT_EQ(issued.expiration, now + std::chrono::hours(6));
  auto identity = h.sts_provider().identity_of(issued.access_key_id);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->account_id, "111122223333");
  EXPECT_EQ(identity->arn, issued.assumed_role_arn);
  auto missing = h.sts_provider().issue_role_credentials("arn:aws:iam::111122223333:role/nope", "s", std::chrono::hours(1), now);
  EXPECT_FALSE(missing.error.empty());
  EXPECT_TRUE(missing.access_key_id.empty());
  EXPECT_FALSE(h.sts_provider().issue_role_credentials("not-an-arn", "s", std::chrono::hours(1), now).error.empty());
}

TEST_F(StsTest, OperationsWithoutHandlerAnswerNotImplementedInXml) {
  auto r = h.sts("GetSessionToken");
  EXPECT_EQ(r.status, 501);
  EXPECT_TRUE(r.has("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")) << r.body;
  EXPECT_EQ(r.text("Code"), "NotImplementedException");
}

}  // namespace
}  // namespace ecslocal::testing
