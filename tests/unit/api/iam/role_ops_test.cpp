#include <gtest/gtest.h>

#include "api/protocol/form.hpp"
#include "tests/unit/api/iam/query_harness.hpp"

namespace ecslocal::testing {
namespace {

class IamRoleTest : public ::testing::Test {
 protected:
  QueryReply create(const std::string& name, const std::string& path = "/") {
    return h.iam("CreateRole", {{"RoleName", name}, {"Path", path}, {"AssumeRolePolicyDocument", kTrustPolicy}});
  }
  QueryHarness h;
};

TEST_F(IamRoleTest, CreateRoleReturnsTheRoleWithIdArnAndEncodedTrustPolicy) {
  auto r = h.iam("CreateRole", {{"RoleName", "ecsTaskExecutionRole"},
                                {"AssumeRolePolicyDocument", kTrustPolicy},
                                {"Description", "runs tasks"},
                                {"Tags.member.1.Key", "team"},
                                {"Tags.member.1.Value", "a"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.text("Arn"), "arn:aws:iam::000000000000:role/ecsTaskExecutionRole");
  EXPECT_EQ(r.text("Path"), "/");
  const std::string id = r.text("RoleId");
  EXPECT_EQ(id.size(), 21u);
  EXPECT_EQ(id.rfind("AROA", 0), 0u) << id;
  EXPECT_EQ(r.text("AssumeRolePolicyDocument"), api::protocol::url_encode(kTrustPolicy));
  EXPECT_EQ(r.text("MaxSessionDuration"), "3600");
  EXPECT_TRUE(r.has("<Tags><member><Key>team</Key><Value>a</Value></member></Tags>")) << r.body;
  auto got = h.iam("GetRole", {{"RoleName", "ecsTaskExecutionRole"}});
  EXPECT_EQ(got.text("RoleId"), id);
  EXPECT_EQ(got.text("Description"), "runs tasks");
}

TEST_F(IamRoleTest, DuplicateNamesAnyCaseAreEntityAlreadyExists) {
  ASSERT_EQ(create("app").status, 200);
  auto r = create("APP");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code, "EntityAlreadyExists");
  EXPECT_EQ(r.text("Message"), "Role with name APP already exists.");
}

TEST_F(IamRoleTest, MissingRoleIsNoSuchEntity404) {
  auto r = h.iam("GetRole", {{"RoleName", "ghost"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "NoSuchEntity");
  EXPECT_EQ(r.text("Message"), "The role with name ghost cannot be found.");
}

TEST_F(IamRoleTest, BadInputIsRefusedAndNothingIsStored) {
  auto r = h.iam("CreateRole", {{"RoleName", "bad name"}, {"AssumeRolePolicyDocument", kTrustPolicy}});
  EXPECT_EQ(r.code, "ValidationError");
  EXPECT_EQ(r.text("Message"), "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: "
                               "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  r = h.iam("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", "{not json"}});
  EXPECT_EQ(r.code, "MalformedPolicyDocument");
  EXPECT_EQ(r.status, 400);
  r = create("r", "no-slashes");
  EXPECT_EQ(r.code, "ValidationError");
  r = h.iam("CreateRole", {{"RoleName", "r"}});
  EXPECT_EQ(r.text("Message"), "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy "
                               "constraint: Member must not be null");
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}).code, "NoSuchEntity");
}

TEST_F(IamRoleTest, ListRolesFiltersByPathAndPagesWithMarker) {
  for (const char* name : {"c", "a", "b"}) ASSERT_EQ(create(name).status, 200);
  ASSERT_EQ(create("svc", "/service/").status, 200);
  auto page1 = h.iam("ListRoles", {{"MaxItems", "2"}});
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.text("IsTruncated"), "true");
  EXPECT_TRUE(page1.has("<RoleName>a</RoleName>") && page1.has("<RoleName>b</RoleName>")) << page1.body;
  const std::string marker = page1.text("Marker");
  ASSERT_FALSE(marker.empty());
  auto page2 = h.iam("ListRoles", {{"MaxItems", "2"}, {"Marker", marker}});
  EXPECT_EQ(page2.text("IsTruncated"), "false");
  EXPECT_TRUE(page2.has("<RoleName>c</RoleName>") && page2.has("<RoleName>svc</RoleName>")) << page2.body;
  EXPECT_FALSE(page2.has("<Marker>"));
  auto service = h.iam("ListRoles", {{"PathPrefix", "/service/"}});
  EXPECT_TRUE(service.has("<RoleName>svc</RoleName>"));
  EXPECT_FALSE(service.has("<RoleName>a</RoleName>"));
  EXPECT_EQ(h.iam("ListRoles", {{"Marker", "garbage"}}).code, "ValidationError");
}

TEST_F(IamRoleTest, DeleteRoleConflictsWhilePoliciesRemain) {
  ASSERT_EQ(create("r").status, 200);
  ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).status, 200);
  ASSERT_EQ(h.iam("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "inline"}, {"PolicyDocument", kTrustPolicy}}).status, 200);
  auto r = h.iam("DeleteRole", {{"RoleName", "r"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code, "DeleteConflict");
  EXPECT_EQ(r.text("Message"), "Cannot delete entity, must detach all policies first.");
  ASSERT_EQ(h.iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", kExecutionPolicyArn}}).status, 200);
  EXPECT_EQ(h.iam("DeleteRole", {{"RoleName", "r"}}).text("Message"), "Cannot delete entity, must delete policies first.");
  ASSERT_EQ(h.iam("DeleteRolePolicy", {{"RoleName", "r"}, {"PolicyName", "inline"}}).status, 200);
  EXPECT_EQ(h.iam("DeleteRole", {{"RoleName", "r"}}).status, 200);
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}).code, "NoSuchEntity");
}

TEST_F(IamRoleTest, UpdateAssumeRolePolicyAndTags) {
  ASSERT_EQ(create("r").status, 200);
  const std::string doc = R"({"Version":"2012-10-17","Statement":[]})";
  ASSERT_EQ(h.iam("UpdateAssumeRolePolicy", {{"RoleName", "r"}, {"PolicyDocument", doc}}).status, 200);
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}).text("AssumeRolePolicyDocument"), api::protocol::url_encode(doc));
  EXPECT_EQ(h.iam("UpdateAssumeRolePolicy", {{"RoleName", "r"}, {"PolicyDocument", "[]"}}).code, "MalformedPolicyDocument");
  ASSERT_EQ(h.iam("TagRole", {{"RoleName", "r"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"},
                             {"Tags.member.2.Key", "x"}, {"Tags.member.2.Value", "y"}}).status, 200);
  ASSERT_EQ(h.iam("UntagRole", {{"RoleName", "r"}, {"TagKeys.member.1", "x"}}).status, 200);
  auto tags = h.iam("ListRoleTags", {{"RoleName", "r"}});
  EXPECT_TRUE(tags.has("<Tags><member><Key>k</Key><Value>v</Value></member></Tags>")) << tags.body;
  EXPECT_EQ(tags.text("IsTruncated"), "false");
}

TEST_F(IamRoleTest, AccountsDoNotShareRolesAndResetForgetsThem) {
  ASSERT_EQ(create("r").status, 200);
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}, "111111111111").code, "NoSuchEntity");
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}).status, 200);
  h.gateway().reset();
  EXPECT_EQ(h.iam("GetRole", {{"RoleName", "r"}}).code, "NoSuchEntity");
}

}  // namespace
}  // namespace ecslocal::testing
