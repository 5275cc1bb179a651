#include <gtest/gtest.h>

#include "api/protocol/form.hpp"
#include "tests/unit/api/iam/query_harness.hpp"

namespace ecslocal::testing {
namespace {


class IamPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h.iam("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kTrustPolicy}}).status, 200);
  }
  QueryHarness h;
};

TEST_F(IamPolicyTest, AwsManagedPoliciesArePresentWithTheirPaths) {
  auto r = h.iam("GetPolicy", {{"PolicyArn", kExecutionPolicyArn}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.text("Path"), "/service-role/");
  EXPECT_EQ(r.text("PolicyName"), "AmazonECSTaskExecutionRolePolicy");
  EXPECT_EQ(r.text("PolicyId").rfind("ANPA", 0), 0u);
  EXPECT_EQ(r.text("AttachmentCount"), "0");
  auto aws = h.iam("ListPolicies", {{"Scope", "AWS"}});
  for (const char* arn : {"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
                          "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole",
                          "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
                          "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                          "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess", "arn:aws:iam::aws:policy/SecretsManagerReadWrite"})
    EXPECT_TRUE(aws.has(std::string("<Arn>") + arn + "</Arn>")) << arn;
  auto version = h.iam("GetPolicyVersion", {{"PolicyArn", kExecutionPolicyArn}, {"VersionId", "v1"}});
  EXPECT_EQ(version.text("IsDefaultVersion"), "true");
  EXPECT_NE(version.text("Document").find("ecr%3AGetAuthorizationToken"), std::string::npos) << version.body;
  EXPECT_EQ(h.iam("GetPolicyVersion", {{"PolicyArn", kExecutionPolicyArn}, {"VersionId", "v2"}}).code, "NoSuchEntity");
}

TEST_F(IamPolicyTest, AttachCountsAndOnlyAttachedAndDetach) {
  ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).status, 200);
  ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).status, 200);  // idempotent
  auto listed = h.iam("ListAttachedRolePolicies", {{"RoleName", "r"}});
  EXPECT_TRUE(listed.has("<AttachedPolicies><member><PolicyArn>" + std::string(kExecutionPolicyArn) +
                         "</PolicyArn><PolicyName>AmazonECSTaskExecutionRolePolicy</PolicyName></member></AttachedPolicies>"))
      << listed.body;
  EXPECT_EQ(h.iam("GetPolicy", {{"PolicyArn", kExecutionPolicyArn}}).text("AttachmentCount"), "1");
  auto attached = h.iam("ListPolicies", {{"OnlyAttached", "true"}});
  EXPECT_EQ(attached.text("PolicyName"), "AmazonECSTaskExecutionRolePolicy");
  EXPECT_EQ(h.iam("ListAttachedRolePolicies", {{"RoleName", "r"}, {"PathPrefix", "/other/"}}).has("<member>"), false);
  auto missing = h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", "arn:aws:iam::aws:policy/Nope"}});
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.text("Message"), "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.");
  EXPECT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", "not-an-arn-at-all-really"}}).code, "InvalidInput");
  ASSERT_EQ(h.iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).status, 200);
  EXPECT_EQ(h.iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).code, "NoSuchEntity");
}

TEST_F(IamPolicyTest, CustomerPolicyLifecycle) {
  auto created = h.iam("CreatePolicy", {{"PolicyName", "read"}, {"Path", "/app/"}, {"PolicyDocument", kReadPolicy}});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string arn = "arn:aws:iam::000000000000:policy/app/read";
  EXPECT_EQ(created.text("Arn"), arn);
  EXPECT_EQ(h.iam("CreatePolicy", {{"PolicyName", "READ"}, {"PolicyDocument", kReadPolicy}}).code, "EntityAlreadyExists");
  auto local = h.iam("ListPolicies", {{"Scope", "Local"}});
  EXPECT_EQ(local.text("Arn"), arn);
  EXPECT_FALSE(local.has("arn:aws:iam::aws:policy/"));
  ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}).status, 200);
  auto conflict = h.iam("DeletePolicy", {{"PolicyArn", arn}});
  EXPECT_EQ(conflict.code, "DeleteConflict");
  EXPECT_EQ(conflict.status, 409);
  ASSERT_EQ(h.iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}).status, 200);
  EXPECT_EQ(h.iam("DeletePolicy", {{"PolicyArn", arn}}).status, 200);
  EXPECT_EQ(h.iam("GetPolicy", {{"PolicyArn", arn}}).code, "NoSuchEntity");
  EXPECT_EQ(h.iam("DeletePolicy", {{"PolicyArn", kExecutionPolicyArn}}).code, "InvalidInput");
  EXPECT_EQ(h.iam("GetPolicy", {{"PolicyArn", arn}}, "111111111111").code, "NoSuchEntity");
}

TEST_F(IamPolicyTest, ListPoliciesPages) {
  auto page1 = h.iam("ListPolicies", {{"Scope", "AWS"}, {"MaxItems", "3"}});
  EXPECT_EQ(page1.text("IsTruncated"), "true");
  int seen = 0;
  std::string marker = page1.text("Marker");
  for (auto page = page1;; page = h.iam("ListPolicies", {{"Scope", "AWS"}, {"MaxItems", "3"}, {"Marker", marker}})) {
    for (size_t pos = 0; (pos = page.body.find("<PolicyName>", pos)) != std::string::npos; ++pos) ++seen;
    if (page.text("IsTruncated") == "false") break;
    marker = page.text("Marker");
  }
  auto all = h.iam("ListPolicies", {{"Scope", "AWS"}});
  int total = 0;
  for (size_t pos = 0; (pos = all.body.find("<PolicyName>", pos)) != std::string::npos; ++pos) ++total;
  EXPECT_EQ(seen, total);
  EXPECT_GE(total, 10);
}

TEST_F(IamPolicyTest, InlinePolicies) {
  ASSERT_EQ(h.iam("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "b"}, {"PolicyDocument", kReadPolicy}}).status, 200);
  ASSERT_EQ(h.iam("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "a"}, {"PolicyDocument", kReadPolicy}}).status, 200);
  auto got = h.iam("GetRolePolicy", {{"RoleName", "r"}, {"PolicyName", "b"}});
  EXPECT_EQ(got.text("PolicyDocument"), api::protocol::url_encode(kReadPolicy));
  EXPECT_EQ(got.text("RoleName"), "r");
  EXPECT_TRUE(h.iam("ListRolePolicies", {{"RoleName", "r"}}).has("<PolicyNames><member>a</member><member>b</member></PolicyNames>"));
  auto missing = h.iam("GetRolePolicy", {{"RoleName", "r"}, {"PolicyName", "zz"}});
  EXPECT_EQ(missing.text("Message"), "The role policy with name zz cannot be found.");
  EXPECT_EQ(h.iam("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "c"}, {"PolicyDocument", "nope"}}).code,
            "MalformedPolicyDocument");
  EXPECT_EQ(h.iam("PutRolePolicy", {{"RoleName", "ghost"}, {"PolicyName", "c"}, {"PolicyDocument", kReadPolicy}}).code, "NoSuchEntity");
}

}  // namespace
}  // namespace ecslocal::testing
