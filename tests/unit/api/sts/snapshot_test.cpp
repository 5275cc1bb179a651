// Snapshots of STS: the sessions AssumeRole issued survive a round trip exactly, and a restored
// provider still maps their access keys to the role's account and identity; bad documents are
// refused without touching the sessions.
#include "api/sts/snapshot.hpp"

#include <gtest/gtest.h>

#include "tests/unit/api/iam/query_harness.hpp"

namespace ecslocal::testing {
namespace {

class StsSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(h.iam("CreateRole", {{"RoleName", "deploy"}, {"AssumeRolePolicyDocument", kTrustPolicy}}, "111122223333")
                  .status,
              200);
    for (const char* name : {"ci", "cd"}) {
      auto r = h.sts("AssumeRole", {{"RoleArn", "arn:aws:iam::111122223333:role/deploy"}, {"RoleSessionName", name}});
      ASSERT_EQ(r.status, 200) << r.body;
      keys.push_back(r.text("AccessKeyId"));
    }
  }
  QueryHarness h, copy;
  std::vector<std::string> keys;
};

TEST_F(StsSnapshotTest, RoundTripKeepsSessionsAndTheirIdentities) {
  const api::Json snapshot = api::sts::snapshot_sts(h.sts_provider().sessions());
  EXPECT_EQ(snapshot["format"], 1);
  EXPECT_EQ(snapshot["service"], "sts");
  ASSERT_EQ(snapshot["sessions"].size(), 2u);
  api::sts::restore_sts(copy.sts_provider().sessions(), snapshot);
  EXPECT_EQ(api::sts::snapshot_sts(copy.sts_provider().sessions()).dump(), snapshot.dump());
  for (const auto& key : keys) {
    auto restored = copy.sts("GetCallerIdentity", {}, key);
    EXPECT_EQ(restored.body, h.sts("GetCallerIdentity", {}, key).body);
    EXPECT_EQ(restored.text("Account"), "111122223333");
  }
  EXPECT_EQ(copy.sts_provider().account_for_access_key(keys[0]), "111122223333");
}

TEST_F(StsSnapshotTest, BadDocumentsAreRefusedAndChangeNothing) {
  const api::Json good = api::sts::snapshot_sts(h.sts_provider().sessions());
  auto& sessions = copy.sts_provider().sessions();
  api::sts::restore_sts(sessions, good);
  auto refused = [&](const api::Json& doc, const std::string& words) {
    try {
      api::sts::restore_sts(sessions, doc);
      ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(api::sts::snapshot_sts(sessions), good);
  };
  api::Json doc = good;
  doc["service"] = "iam";
  refused(doc, "not of sts");
  doc = good;
  doc["sessions"][keys[0]]["access_key_id"] = "ASIAOTHER";
  refused(doc, "has the key ASIAOTHER");
  doc = good;
  doc["sessions"][keys[1]]["expiration"] = 1.5;
  refused(doc, "the session " + keys[1]);
  doc = good;
  doc["sessions"] = api::Json::array();
  refused(doc, "not an object");
}

// A reminder: the snapshot names every member of these entities; when one is added or removed,
// its size changes here. Snapshot the new member, cover it above, then update the size.
TEST(StsSnapshotMembers, EverySnapshottedEntityHasTheMembersTheSnapshotNames) {
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
  EXPECT_EQ(sizeof(api::sts::Session), 136u);
#else
  GTEST_SKIP() << "sizes are those of libstdc++ on 64-bit";
#endif
}

}  // namespace
}  // namespace ecslocal::testing
