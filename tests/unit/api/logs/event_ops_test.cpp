// PutLogEvents, GetLogEvents (tokens, ranges), FilterLogEvents and the per-stream cap.
#include <gtest/gtest.h>

#include <set>

#include "api/logs/filter_pattern.hpp"
#include "api/logs/model.hpp"
#include "api/protocol/aws_error.hpp"
#include "tests/unit/api/logs/logs_harness.hpp"

namespace ecslocal::api::logs::test {
namespace {

constexpr std::int64_t kDay = 86'400'000;
using Lines = std::vector<std::string>;

class EventOps : public ::testing::Test {
 protected:
  EventOps() {
    h.ok("CreateLogGroup", {{"logGroupName", "g"}});
    h.ok("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  }
  CallResult put_raw(Json events) {
    return h.call("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", std::move(events)}});
  }
  Json get(Json input) {
    input["logGroupName"] = "g";
    input["logStreamName"] = "s";
    return h.ok("GetLogEvents", input);
  }
  LogsHarness h;
};

TEST_F(EventOps, PutChecksOrderSpanAndSize) {
  auto r = put_raw({{{"timestamp", kNow}, {"message", "b"}}, {{"timestamp", kNow - 1}, {"message", "a"}}});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  EXPECT_EQ(r.message(), "Log events in a single PutLogEvents request must be in chronological order.");
  r = put_raw({{{"timestamp", kNow - 2 * kDay}, {"message", "a"}}, {{"timestamp", kNow}, {"message", "b"}}});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");
  Json big = Json::array();
  for (int i = 0; i < 5; ++i) big.push_back({{"timestamp", kNow}, {"message", std::string(250000, 'x')}});
  EXPECT_EQ(put_raw(big).error_type(), "InvalidParameterException");
  EXPECT_EQ(put_raw(Json::array()).error_type(), "InvalidParameterException");  // the model's min 1
  EXPECT_EQ(get({{"startFromHead", true}})["events"], Json::array());  // nothing half-written
  r = h.call("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "nope"}, {"logEvents", {{{"timestamp", kNow}, {"message", "x"}}}}});
  EXPECT_EQ(r.error_type(), "ResourceNotFoundException");
}

TEST_F(EventOps, PutRejectsTooOldTooNewAndExpired) {
  Json reply = put_raw({{{"timestamp", kNow - 15 * kDay}, {"message", "old"}},
                        {{"timestamp", kNow - 15 * kDay + 1}, {"message", "old2"}}})
                   .body;
  EXPECT_EQ(reply["rejectedLogEventsInfo"], (Json{{"tooOldLogEventEndIndex", 2}}));
  const std::string first_token = reply["nextSequenceToken"];
  reply = put_raw({{{"timestamp", kNow}, {"message", "ok"}}, {{"timestamp", kNow + 3 * 3600 * 1000}, {"message", "new"}}}).body;
  EXPECT_EQ(reply["rejectedLogEventsInfo"], (Json{{"tooNewLogEventStartIndex", 1}}));
  EXPECT_NE(reply["nextSequenceToken"], first_token);

  h.ok("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 1}});
  reply = put_raw({{{"timestamp", kNow - kDay - 5}, {"message", "expired"}}, {{"timestamp", kNow - kDay + 10}, {"message", "kept"}}}).body;
  EXPECT_EQ(reply["rejectedLogEventsInfo"], (Json{{"expiredLogEventEndIndex", 1}}));
  EXPECT_EQ(messages(get({{"startFromHead", true}})["events"]), (Lines{"kept", "ok"}));
}

TEST_F(EventOps, ForwardAndBackwardTokens) {
  h.put("g", "s", {"0", "1", "2", "3", "4"}, kNow - 10);
  Json head = get({{"startFromHead", true}, {"limit", 2}});
  EXPECT_EQ(messages(head["events"]), (Lines{"0", "1"}));
  EXPECT_EQ(head["nextForwardToken"], "f/2");
  EXPECT_EQ(head["nextBackwardToken"], "b/0");
  Json next = get({{"nextToken", head["nextForwardToken"]}, {"limit", 2}});
  EXPECT_EQ(messages(next["events"]), (Lines{"2", "3"}));
  Json last = get({{"nextToken", next["nextForwardToken"]}, {"limit", 2}});
  EXPECT_EQ(messages(last["events"]), (Lines{"4"}));
  Json end = get({{"nextToken", last["nextForwardToken"]}});
  EXPECT_EQ(end["events"], Json::array());
  EXPECT_EQ(end["nextForwardToken"], last["nextForwardToken"]);  // the end: same token again

  Json tail = get({{"limit", 2}});  // no token, not from the head: the newest events
  EXPECT_EQ(messages(tail["events"]), (Lines{"3", "4"}));
  Json back = get({{"nextToken", tail["nextBackwardToken"]}, {"limit", 2}});
  EXPECT_EQ(messages(back["events"]), (Lines{"1", "2"}));
  Json back2 = get({{"nextToken", back["nextBackwardToken"]}, {"limit", 2}});
  EXPECT_EQ(messages(back2["events"]), (Lines{"0"}));
  Json start = get({{"nextToken", back2["nextBackwardToken"]}});
  EXPECT_EQ(start["events"], Json::array());
  EXPECT_EQ(start["nextBackwardToken"], back2["nextBackwardToken"]);

  EXPECT_EQ(messages(get({{"startFromHead", true}, {"startTime", kNow - 9}, {"endTime", kNow - 7}})["events"]),
            (Lines{"1", "2"}));  // endTime excluded
  for (const char* bad : {"x/1", "f/", "f/abc", "b/-1"}) {
    auto r = h.call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", bad}});
    EXPECT_EQ(r.error_type(), "InvalidParameterException") << bad;
  }
}

TEST_F(EventOps, EventsAreKeptInTimestampOrder) {
  h.put("g", "s", {"b", "c"}, kNow - 5);
  h.put("g", "s", {"a"}, kNow - 50);
  EXPECT_EQ(messages(get({{"startFromHead", true}})["events"]), (Lines{"a", "b", "c"}));
}

TEST_F(EventOps, FilterInterleavesMatchesAndPages) {
  h.ok("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "t"}});
  h.put("g", "s", {"GET /a 200", "GET /b 500 ERROR", "POST /c WARN"}, kNow - 10);
  h.put("g", "t", {"ERROR db", "reset by peer"}, kNow - 9);
  auto filter = [&](Json input) {
    input["logGroupName"] = "g";
    return h.ok("FilterLogEvents", input);
  };
  Json all = filter(Json::object());
  EXPECT_EQ(messages(all["events"]), (Lines{"GET /a 200", "GET /b 500 ERROR", "ERROR db", "POST /c WARN", "reset by peer"}));
  EXPECT_EQ(all["events"][2]["logStreamName"], "t");
  EXPECT_EQ(all["searchedLogStreams"].size(), 2u);
  EXPECT_EQ(messages(filter({{"filterPattern", "ERROR"}})["events"]), (Lines{"GET /b 500 ERROR", "ERROR db"}));
  EXPECT_EQ(messages(filter({{"filterPattern", "ERROR"}, {"logStreamNames", {"t"}}})["events"]), (Lines{"ERROR db"}));
  EXPECT_EQ(messages(filter({{"logStreamNamePrefix", "t"}, {"startTime", kNow - 8}})["events"]), (Lines{"reset by peer"}));
  EXPECT_EQ(messages(filter({{"endTime", kNow - 9}})["events"]), (Lines{"GET /a 200", "GET /b 500 ERROR", "ERROR db"}));
  auto r = h.call("FilterLogEvents", {{"logGroupName", "g"}, {"logStreamNames", {"s"}}, {"logStreamNamePrefix", "s"}});
  EXPECT_EQ(r.error_type(), "InvalidParameterException");

  Lines paged;
  std::set<std::string> ids;
  Json input{{"limit", 2}};
  for (int guard = 0; guard < 10; ++guard) {
    Json page = filter(input);
    for (const auto& e : page["events"]) ids.insert(e["eventId"].get<std::string>());
    for (const auto& m : messages(page["events"])) paged.push_back(m);
    if (!page.contains("nextToken")) break;
    input["nextToken"] = page["nextToken"];
  }
  EXPECT_EQ(paged, messages(all["events"]));
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(h.call("FilterLogEvents", {{"logGroupName", "g"}, {"nextToken", "nope"}}).error_type(), "InvalidParameterException");
  EXPECT_EQ(h.call("FilterLogEvents", {{"logGroupName", "missing"}}).error_type(), "ResourceNotFoundException");
}

TEST(FilterPatternTest, TermsPhrasesAnyOfAndExclusions) {
  EXPECT_TRUE(FilterPattern::parse("").matches_everything());
  EXPECT_TRUE(FilterPattern::parse("\"\"").matches_everything());
  auto all = FilterPattern::parse("ERROR db");
  EXPECT_TRUE(all.matches("db ERROR: x"));
  EXPECT_FALSE(all.matches("ERROR only"));
  EXPECT_FALSE(all.matches("error db"));  // case-sensitive
  auto phrase = FilterPattern::parse("\"reset by\" \"say \\\"hi\\\"\"");
  EXPECT_TRUE(phrase.matches("reset by peer; say \"hi\""));
  EXPECT_FALSE(phrase.matches("reset, by peer; say \"hi\""));
  auto any = FilterPattern::parse("?WARN ?ERROR");
  EXPECT_TRUE(any.matches("a WARN"));
  EXPECT_TRUE(any.matches("an ERROR"));
  EXPECT_FALSE(any.matches("INFO"));
  auto exclude = FilterPattern::parse("ERROR -retry");
  EXPECT_TRUE(exclude.matches("ERROR final"));
  EXPECT_FALSE(exclude.matches("ERROR will retry"));
  EXPECT_TRUE(FilterPattern::parse("-").matches("a - b"));  // a lone dash is a term
  for (const char* unsupported : {"{ $.level = \"x\" }", "[ip, user]", "%ab+c%", "\"unterminated"}) {
    EXPECT_THROW(FilterPattern::parse(unsupported), AwsError) << unsupported;
  }
}

TEST(LogsStateTest, StreamsKeepAtMostTheCapDroppingTheOldest) {
  LogsState state;
  LogStream stream;
  std::vector<NewEvent> batch;
  for (std::size_t i = 0; i < kMaxEventsPerStream + 3; ++i) batch.push_back({static_cast<std::int64_t>(i), "m"});
  state.append(stream, batch, kNow);
  EXPECT_EQ(stream.events.size(), kMaxEventsPerStream);
  EXPECT_EQ(stream.dropped, 3u);
  EXPECT_EQ(stream.events.front().timestamp, 3);
  EXPECT_EQ(stream.end_position(), kMaxEventsPerStream + 3);
  EXPECT_EQ(stream.stored_bytes, static_cast<std::int64_t>(kMaxEventsPerStream));
}

}  // namespace
}  // namespace ecslocal::api::logs::test
