// Snapshots of IAM: roles (trust policy, description, boundary, session duration, tags, inline
// and attached policies) and customer managed policies survive a round trip exactly; a provider
// restored from it answers every read the same and keeps IAM's rules (names unique in any case,
// attachment counts); bad documents are refused without touching the state.
#include "api/iam/snapshot.hpp"

#include <gtest/gtest.h>

#include "tests/unit/api/iam/query_harness.hpp"

namespace ecslocal::testing {
namespace {

const std::string kAccount = "111122223333";

class IamSnapshotTest : public ::testing::Test {
 protected:
  void build() {
    ASSERT_EQ(h.iam("CreateRole",
                    {{"RoleName", "App"},
                     {"Path", "/svc/"},
                     {"AssumeRolePolicyDocument", kTrustPolicy},
                     {"Description", "runs tasks"},
                     {"MaxSessionDuration", "7200"},
                     {"PermissionsBoundary", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
                     {"Tags.member.1.Key", "team"},
                     {"Tags.member.1.Value", "a"},
                     {"Tags.member.2.Key", "env"},
                     {"Tags.member.2.Value", "dev"}},
                    kAccount)
                  .status,
              200);
    ASSERT_EQ(h.iam("CreateRole", {{"RoleName", "exec"}, {"AssumeRolePolicyDocument", kTrustPolicy}}, kAccount).status,
              200);
    auto policy = h.iam("CreatePolicy",
                        {{"PolicyName", "Read"},
                         {"Path", "/app/"},
                         {"PolicyDocument", kReadPolicy},
                         {"Description", "reads"},
                         {"Tags.member.1.Key", "k"},
                         {"Tags.member.1.Value", "v"}},
                        kAccount);
    ASSERT_EQ(policy.status, 200) << policy.body;
    policy_arn = policy.text("Arn");
    ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "App"}, {"PolicyArn", policy_arn}}, kAccount).status, 200);
    ASSERT_EQ(h.iam("AttachRolePolicy", {{"RoleName", "App"}, {"PolicyArn", kExecutionPolicyArn}}, kAccount).status,
              200);
    ASSERT_EQ(
        h.iam("PutRolePolicy", {{"RoleName", "App"}, {"PolicyName", "inline"}, {"PolicyDocument", kReadPolicy}}, kAccount)
            .status,
        200);
    ASSERT_EQ(h.iam("CreateRole", {{"RoleName", "other"}, {"AssumeRolePolicyDocument", kTrustPolicy}}).status, 200);
  }

  // Every read, as XML text (request ids are fixed).
  std::vector<std::string> described(QueryHarness& api) {
    std::vector<std::string> out;
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> reads = {
        {"ListRoles", {}},
        {"GetRole", {{"RoleName", "app"}}},
        {"GetRole", {{"RoleName", "exec"}}},
        {"ListAttachedRolePolicies", {{"RoleName", "App"}}},
        {"ListRolePolicies", {{"RoleName", "App"}}},
        {"GetRolePolicy", {{"RoleName", "App"}, {"PolicyName", "inline"}}},
        {"ListRoleTags", {{"RoleName", "App"}}},
        {"ListPolicies", {{"Scope", "Local"}}},
        {"GetPolicy", {{"PolicyArn", policy_arn}}}};
    for (const auto& [action, params] : reads) {
      auto r = api.iam(action, params, kAccount);
      EXPECT_EQ(r.status, 200) << action << ": " << r.body;
      out.push_back(r.body);
    }
    out.push_back(api.iam("ListRoles").body);  // the default account
    return out;
  }

  api::iam::IamState& state(QueryHarness& api, const std::string& account) {
    return api.iam_provider().state(api::RequestContext{account, "us-east-1", "", "", {}, ""});
  }

  QueryHarness h, copy;
  std::string policy_arn;
};

TEST_F(IamSnapshotTest, RoundTripKeepsRolesAndPolicies) {
  build();
  const api::Json snapshot = api::iam::snapshot_state(state(h, kAccount));
  EXPECT_TRUE(snapshot["roles"].contains("app"));  // keyed by the lower-cased name
  EXPECT_EQ(snapshot["roles"]["app"]["name"], "App");
  api::iam::restore_state(state(copy, kAccount), snapshot);
  api::iam::restore_state(state(copy, "000000000000"), api::iam::snapshot_state(state(h, "000000000000")));
  EXPECT_EQ(api::iam::snapshot_state(state(copy, kAccount)).dump(), snapshot.dump());
  EXPECT_EQ(described(copy), described(h));

  // IAM's rules hold on the restored state.
  EXPECT_EQ(copy.iam("CreateRole", {{"RoleName", "APP"}, {"AssumeRolePolicyDocument", kTrustPolicy}}, kAccount).code,
            "EntityAlreadyExists");
  EXPECT_EQ(copy.iam("DeletePolicy", {{"PolicyArn", policy_arn}}, kAccount).code, "DeleteConflict");
}

TEST_F(IamSnapshotTest, TheStoreRoundTripsAsOneDocument) {
  build();
  api::iam::IamStore store;
  store.put(kAccount, "", state(h, kAccount));
  store.put("000000000000", "", state(h, "000000000000"));
  const api::Json doc = api::iam::snapshot_iam(store);
  EXPECT_EQ(doc["format"], 1);
  EXPECT_EQ(doc["service"], "iam");
  ASSERT_EQ(doc["states"].size(), 2u);
  EXPECT_EQ(doc["states"][0]["region"], "");
  api::iam::IamStore restored;
  restored.at("999999999999");
  api::iam::restore_iam(restored, doc);
  EXPECT_EQ(api::iam::snapshot_iam(restored).dump(), doc.dump());
  EXPECT_EQ(restored.find("999999999999"), nullptr);
}

TEST_F(IamSnapshotTest, BadDocumentsAreRefusedAndChangeNothing) {
  build();
  api::iam::IamStore store;
  store.put(kAccount, "", state(h, kAccount));
  const api::Json good = api::iam::snapshot_iam(store);
  auto refused = [&](const api::Json& doc, const std::string& words) {
    try {
      api::iam::restore_iam(store, doc);
      ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(api::iam::snapshot_iam(store), good);
  };
  api::Json doc = good;
  doc["format"] = 99;
  refused(doc, "format 99 is not supported");
  doc = good;
  doc["states"][0]["state"]["roles"]["app"]["name"] = "Other";
  refused(doc, "is named 'Other'");
  doc = good;
  doc["states"][0]["state"]["roles"]["app"]["tags"] = {{"only-a-key"}};
  refused(doc, "account 111122223333 in region (global)");
  doc = good;
  doc["states"][0]["state"]["policies"]["read"]["created"] = "yesterday";
  refused(doc, "epoch nanoseconds");
}

// A reminder: the snapshot names every member of these entities; when one is added or removed,
// its size changes here. Snapshot the new member, cover it above, then update the size.
TEST(IamSnapshotMembers, EverySnapshottedEntityHasTheMembersTheSnapshotNames) {
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
  EXPECT_EQ(sizeof(api::iam::Role), 336u);
  EXPECT_EQ(sizeof(api::iam::ManagedPolicy), 240u);
  EXPECT_EQ(sizeof(api::iam::IamState), 96u);
#else
  GTEST_SKIP() << "sizes are those of libstdc++ on 64-bit";
#endif
}

}  // namespace
}  // namespace ecslocal::testing
