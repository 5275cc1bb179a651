// Log groups, streams, retention and tags through the gateway.
#include <gtest/gtest.h>

#include "tests/unit/api/logs/logs_harness.hpp"

namespace ecslocal::api::logs::test {
namespace {

using ecslocal::testing::expect_error;

TEST(LogGroupOps, CreateDescribeAndDelete) {
  LogsHarness h;
  h.ok("CreateLogGroup", {{"logGroupName", "/b"}, {"tags", {{"k", "v"}}}});
  h.ok("CreateLogGroup", {{"logGroupName", "/a/App"}});
  expect_error(h.call("CreateLogGroup", {{"logGroupName", "/b"}}), "ResourceAlreadyExistsException",
               "The specified log group already exists");
  expect_error(h.call("CreateLogGroup", {{"logGroupName", "bad name"}}), "InvalidParameterException");

  Json groups = h.ok("DescribeLogGroups")["logGroups"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]["logGroupName"], "/a/App");
  EXPECT_EQ(groups[0]["arn"], "arn:aws:logs:us-east-1:000000000000:log-group:/a/App:*");
  EXPECT_EQ(groups[0]["creationTime"], kNow);
  EXPECT_EQ(groups[0]["metricFilterCount"], 0);
  EXPECT_EQ(groups[0]["storedBytes"], 0);
  EXPECT_FALSE(groups[0].contains("retentionInDays"));

  EXPECT_EQ(h.ok("DescribeLogGroups", {{"logGroupNamePrefix", "/b"}})["logGroups"].size(), 1u);
  EXPECT_EQ(h.ok("DescribeLogGroups", {{"logGroupNamePattern", "app"}})["logGroups"][0]["logGroupName"], "/a/App");
  expect_error(h.call("DescribeLogGroups", {{"logGroupNamePrefix", "/"}, {"logGroupNamePattern", "a"}}),
               "InvalidParameterException");

  Json page = h.ok("DescribeLogGroups", {{"limit", 1}});
  ASSERT_EQ(page["logGroups"].size(), 1u);
  Json rest = h.ok("DescribeLogGroups", {{"limit", 1}, {"nextToken", page["nextToken"]}});
  EXPECT_EQ(rest["logGroups"][0]["logGroupName"], "/b");
  EXPECT_FALSE(rest.contains("nextToken"));
  expect_error(h.call("DescribeLogGroups", {{"nextToken", "garbage"}}), "InvalidParameterException");

  h.ok("DeleteLogGroup", {{"logGroupName", "/b"}});
  expect_error(h.call("DeleteLogGroup", {{"logGroupName", "/b"}}), "ResourceNotFoundException",
               "The specified log group does not exist.");
}

TEST(LogGroupOps, RetentionTakesOnlyTheAllowedValues) {
  LogsHarness h;
  h.ok("CreateLogGroup", {{"logGroupName", "g"}});
  h.ok("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 14}});
  EXPECT_EQ(h.ok("DescribeLogGroups")["logGroups"][0]["retentionInDays"], 14);
  for (int bad : {0, 2, 15, 4000, -1}) {
    expect_error(h.call("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", bad}}),
                 "InvalidParameterException");
  }
  EXPECT_EQ(h.ok("DescribeLogGroups")["logGroups"][0]["retentionInDays"], 14);  // unchanged
  expect_error(h.call("PutRetentionPolicy", {{"logGroupName", "x"}, {"retentionInDays", 1}}), "ResourceNotFoundException");
  h.ok("DeleteRetentionPolicy", {{"logGroupName", "g"}});
  EXPECT_FALSE(h.ok("DescribeLogGroups")["logGroups"][0].contains("retentionInDays"));
}

TEST(LogStreamOps, CreateDescribeOrderAndDelete) {
  LogsHarness h;
  expect_error(h.call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}}), "ResourceNotFoundException",
               "The specified log group does not exist.");
  h.ok("CreateLogGroup", {{"logGroupName", "g"}});
  for (const char* name : {"b", "a", "c"}) h.ok("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", name}});
  expect_error(h.call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "a"}}),
               "ResourceAlreadyExistsException", "The specified log stream already exists");
  expect_error(h.call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "x:y"}}), "InvalidParameterException");
  h.put("g", "c", {"1"}, kNow - 30);
  h.put("g", "a", {"1", "2"}, kNow - 20);

  auto names = [&](Json input) {
    input["logGroupName"] = "g";
    std::vector<std::string> out;
    const Json reply = h.ok("DescribeLogStreams", input);
    for (const auto& s : reply["logStreams"]) out.push_back(s["logStreamName"]);
    return out;
  };
  EXPECT_EQ(names(Json::object()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(names({{"descending", true}}), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(names({{"orderBy", "LastEventTime"}}), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(names({{"logStreamNamePrefix", "c"}}), (std::vector<std::string>{"c"}));
  expect_error(h.call("DescribeLogStreams", {{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"logStreamNamePrefix", "a"}}),
               "InvalidParameterException");

  Json a = h.ok("DescribeLogStreams", {{"logGroupIdentifier", "arn:aws:logs:us-east-1:000000000000:log-group:g:*"},
                                       {"logStreamNamePrefix", "a"}})["logStreams"][0];
  EXPECT_EQ(a["firstEventTimestamp"], kNow - 20);
  EXPECT_EQ(a["lastEventTimestamp"], kNow - 19);
  EXPECT_EQ(a["lastIngestionTime"], kNow);
  EXPECT_EQ(a["storedBytes"], 2);
  EXPECT_EQ(a["arn"], "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:a");
  EXPECT_TRUE(a.contains("uploadSequenceToken"));

  h.ok("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "a"}});
  expect_error(h.call("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "a"}}), "ResourceNotFoundException",
               "The specified log stream does not exist.");
}

TEST(LogTagOps, ByNameAndByArn) {
  LogsHarness h;
  h.ok("CreateLogGroup", {{"logGroupName", "g"}});
  const std::string arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
  h.ok("TagResource", {{"resourceArn", arn}, {"tags", {{"a", "1"}, {"b", "2"}}}});
  h.ok("UntagResource", {{"resourceArn", arn + ":*"}, {"tagKeys", {"a"}}});
  h.ok("TagLogGroup", {{"logGroupName", "g"}, {"tags", {{"c", "3"}}}});
  h.ok("UntagLogGroup", {{"logGroupName", "g"}, {"tags", {"b"}}});
  EXPECT_EQ(h.ok("ListTagsForResource", {{"resourceArn", arn}})["tags"], (Json{{"c", "3"}}));
  EXPECT_EQ(h.ok("ListTagsLogGroup", {{"logGroupName", "g"}})["tags"], (Json{{"c", "3"}}));
  expect_error(h.call("ListTagsForResource", {{"resourceArn", arn + "x"}}), "ResourceNotFoundException");
  Json many = Json::object();
  for (int i = 0; i < 50; ++i) many["k" + std::to_string(i)] = "v";
  expect_error(h.call("TagResource", {{"resourceArn", arn}, {"tags", many}}), "TooManyTagsException");
}

TEST(LogGroupDirectory, ExistsCreateAndIngest) {
  LogsHarness h;
  LogGroupDirectory& directory = h.provider();
  EXPECT_FALSE(directory.log_group_exists("000000000000", "us-east-1", "/ecs/app"));
  EXPECT_TRUE(directory.create_log_group("000000000000", "us-east-1", "/ecs/app"));
  EXPECT_TRUE(directory.create_log_group("000000000000", "us-east-1", "/ecs/app"));  // already there: fine
  EXPECT_FALSE(directory.create_log_group("000000000000", "us-east-1", "bad name"));
  EXPECT_TRUE(directory.log_group_exists("000000000000", "us-east-1", "/ecs/app"));
  EXPECT_FALSE(directory.log_group_exists("000000000000", "eu-west-1", "/ecs/app"));

  EXPECT_TRUE(h.provider().ingest("000000000000", "us-east-1", "/ecs/app", "app/web/1", {{kNow + 2, "b"}, {kNow + 1, "a"}}));
  EXPECT_FALSE(h.provider().ingest("000000000000", "us-east-1", "/ecs/gone", "s", {{kNow, "x"}}));
  Json got = h.ok("GetLogEvents", {{"logGroupName", "/ecs/app"}, {"logStreamName", "app/web/1"}, {"startFromHead", true}});
  EXPECT_EQ(messages(got["events"]), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace ecslocal::api::logs::test
