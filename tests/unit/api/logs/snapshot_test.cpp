// Snapshots of CloudWatch Logs: groups (retention, KMS key, tags), streams, events with their ids,
// ingestion times and positions survive a round trip exactly; a provider restored from it answers
// the same, accepts a GetLogEvents token handed out before, continues event ids and sequence
// tokens; bad documents are refused without touching the state.
#include "api/logs/snapshot.hpp"

#include <gtest/gtest.h>

#include "tests/unit/api/logs/logs_harness.hpp"

namespace ecslocal::api::logs::test {
namespace {

class LogsSnapshotTest : public ::testing::Test {
 protected:
  void build() {
    h.ok("CreateLogGroup", {{"logGroupName", "/ecs/web"},
                            {"kmsKeyId", "arn:aws:kms:us-east-1:000000000000:key/k"},
                            {"tags", {{"team", "a"}}}});
    h.ok("PutRetentionPolicy", {{"logGroupName", "/ecs/web"}, {"retentionInDays", 14}});
    h.ok("CreateLogGroup", {{"logGroupName", "/ecs/empty"}});
    h.ok("CreateLogStream", {{"logGroupName", "/ecs/web"}, {"logStreamName", "app/1"}});
    h.ok("CreateLogStream", {{"logGroupName", "/ecs/web"}, {"logStreamName", "idle"}});
    h.put("/ecs/web", "app/1", {"one", "two", "three"}, kNow - 5000);
    h.now_ += 1000;
    h.put("/ecs/web", "app/1", {"early", "late"}, kNow - 7000);  // lands before the first batch
    h.now_ += 1000;
    ASSERT_TRUE(
        h.provider().ingest("000000000000", "us-east-1", "/ecs/web", "app/2", {{kNow - 100, "from the driver"}}));
  }

  Json get(LogsHarness& api, Json extra = Json::object()) {
    extra["logGroupName"] = "/ecs/web";
    extra["logStreamName"] = "app/1";
    return api.ok("GetLogEvents", extra);
  }

  Json described(LogsHarness& api) {
    Json out;
    out["groups"] = api.ok("DescribeLogGroups");
    out["streams"] = api.ok("DescribeLogStreams", {{"logGroupName", "/ecs/web"}});
    out["events"] = get(api, {{"startFromHead", true}});
    out["filtered"] = api.ok("FilterLogEvents", {{"logGroupName", "/ecs/web"}});
    out["tags"] = api.ok("ListTagsLogGroup", {{"logGroupName", "/ecs/web"}});
    return out;
  }

  LogsState& state(LogsHarness& api) { return api.provider().state("000000000000", "us-east-1"); }

  LogsHarness h, copy;
};

TEST_F(LogsSnapshotTest, RoundTripKeepsEventsIdsAndPositions) {
  build();
  const Json head = get(h, {{"startFromHead", true}, {"limit", 2}});
  const Json snapshot = snapshot_state(state(h));
  ASSERT_EQ(snapshot["groups"]["/ecs/web"]["streams"]["app/1"]["events"].size(), 5u);
  EXPECT_EQ(snapshot["groups"]["/ecs/web"]["streams"]["app/1"]["events"][0],
            Json::array({kNow - 7000, kNow + 1000, 4, "early"}));  // [timestamp, ingestion, id, message]

  copy.now_ = h.now_;
  restore_state(state(copy), snapshot);
  EXPECT_EQ(snapshot_state(state(copy)).dump(), snapshot.dump());
  EXPECT_EQ(described(copy), described(h));

  // A token from before the restore goes on where it left off.
  const Json next = get(copy, {{"nextToken", head["nextForwardToken"]}, {"limit", 2}});
  EXPECT_EQ(messages(next["events"]), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(next, get(h, {{"nextToken", head["nextForwardToken"]}, {"limit", 2}}));

  // New events get the next ids and the stream the next sequence token, as in the original.
  for (LogsHarness* api : {&h, &copy}) api->put("/ecs/web", "app/1", {"after"}, kNow);
  EXPECT_EQ(described(copy), described(h));
  EXPECT_EQ(state(copy).next_event_id, 8u);
}

TEST_F(LogsSnapshotTest, TheDroppedCountKeepsTokensValid) {
  build();
  LogStream& stream = state(h).groups.at("/ecs/web").streams.at("app/1");
  stream.events.pop_front();  // as the per-stream cap drops the oldest
  ++stream.dropped;
  const Json token = get(h, {{"startFromHead", true}, {"limit", 1}})["nextForwardToken"];
  restore_state(state(copy), snapshot_state(state(h)));
  EXPECT_EQ(state(copy).groups.at("/ecs/web").streams.at("app/1").dropped, 1u);
  EXPECT_EQ(get(copy, {{"nextToken", token}}), get(h, {{"nextToken", token}}));
}

TEST_F(LogsSnapshotTest, TheStoreRoundTripsAsOneDocument) {
  build();
  LogsStore store;
  store.put("000000000000", "us-east-1", state(h));
  store.at("111122223333", "eu-west-1").groups["g"].name = "g";
  const Json doc = snapshot_logs(store);
  EXPECT_EQ(doc["format"], 1);
  EXPECT_EQ(doc["service"], "logs");
  ASSERT_EQ(doc["states"].size(), 2u);
  LogsStore restored;
  restored.at("999999999999", "us-east-2");
  restore_logs(restored, doc);
  EXPECT_EQ(snapshot_logs(restored).dump(), doc.dump());
  EXPECT_EQ(restored.find("999999999999", "us-east-2"), nullptr);
}

TEST_F(LogsSnapshotTest, BadDocumentsAreRefusedAndChangeNothing) {
  build();
  LogsStore store;
  store.put("000000000000", "us-east-1", state(h));
  const Json good = snapshot_logs(store);
  auto refused = [&](const Json& doc, const std::string& words) {
    try {
      restore_logs(store, doc);
      ADD_FAILURE() << "accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot_logs(store), good);
  };
  Json doc = good;
  doc["format"] = "1";
  refused(doc, "no format number");
  doc = good;
  Json& events = doc["states"][0]["state"]["groups"]["/ecs/web"]["streams"]["app/1"]["events"];
  events[0] = Json::array({1, 2, 3});
  refused(doc, "a log event must be");
  doc = good;
  doc["states"][0]["state"]["next_event_id"] = 3;
  refused(doc, "past next_event_id");
  doc = good;
  std::swap(doc["states"][0]["state"]["groups"]["/ecs/web"]["streams"]["app/1"]["events"][0],
            doc["states"][0]["state"]["groups"]["/ecs/web"]["streams"]["app/1"]["events"][4]);
  refused(doc, "not in timestamp order");
  doc = good;
  doc["states"][0]["state"]["groups"]["/ecs/web"]["name"] = "/ecs/other";
  refused(doc, "is named /ecs/other");
  doc = good;
  doc["states"][0]["state"]["groups"]["/ecs/web"]["retention_days"] = "14";
  refused(doc, "account 000000000000 in region us-east-1");
}

// A reminder: the snapshot names every member of these entities; when one is added or removed,
// its size changes here. Snapshot the new member, cover it above, then update the size.
TEST(LogsSnapshotMembers, EverySnapshottedEntityHasTheMembersTheSnapshotNames) {
#if defined(__GLIBCXX__) && __SIZEOF_POINTER__ == 8
  EXPECT_EQ(sizeof(LogEvent), 56u);
  EXPECT_EQ(sizeof(LogStream), 192u);
  EXPECT_EQ(sizeof(LogGroup), 176u);
  EXPECT_EQ(sizeof(LogsState), 56u);
#else
  GTEST_SKIP() << "sizes are those of libstdc++ on 64-bit";
#endif
}

}  // namespace
}  // namespace ecslocal::api::logs::test
