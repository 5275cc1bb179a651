// Metric alarms: validation, evaluation on period boundaries (M of N, TreatMissingData, premature
// ALARM), state reasons as CloudWatch words them, history, actions, tags, snapshot and restore.
#include <gtest/gtest.h>

#include "tests/unit/api/cloudwatch/cw_harness.hpp"

namespace ecslocal::testing {
namespace {

using std::chrono::seconds;

TEST(CloudWatchAlarms, PutMetricAlarmValidatesAsCloudWatch) {
  CwHarness h;
  auto r = h.alarm("a", "Load", 50, 2, {{"Period", "45"}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_TRUE(r.has("Period must be 10, 30 or a multiple of 60")) << r.body;
  r = h.alarm("a", "Load", 50, 2, {{"DatapointsToAlarm", "3"}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  r = h.alarm("a", "Load", 50, 2, {{"ExtendedStatistic", "p90"}});
  EXPECT_EQ(r.code, "InvalidParameterCombination");
  r = h.alarm("a", "Load", 50, 2, {{"TreatMissingData", "sometimes"}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  r = h.alarm("a", "Load", 50, 2000);
  EXPECT_EQ(r.code, "InvalidParameterValue") << r.body;  // 2000 minutes > 1 day
  r = h.call("PutMetricAlarm", {{"AlarmName", "a"}, {"EvaluationPeriods", "1"}, {"Threshold", "1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(h.call("DescribeAlarms").count("MetricAlarms"), 1u);
  EXPECT_EQ(h.call("DescribeAlarms").count("AlarmName"), 0u) << "nothing is stored by a refused call";
}

TEST(CloudWatchAlarms, NewAlarmIsInsufficientDataAndDescribed) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("high", "Load", 50, 2, {{"AlarmDescription", "too busy"}}).ok());
  auto d = h.call("DescribeAlarms", {{"AlarmNamePrefix", "hi"}});
  ASSERT_TRUE(d.ok()) << d.body;
  EXPECT_EQ(d.text("StateValue"), "INSUFFICIENT_DATA");
  EXPECT_EQ(d.text("StateReason"), "Unchecked: Initial alarm creation");
  EXPECT_EQ(d.text("AlarmArn"), "arn:aws:cloudwatch:us-east-1:000000000000:alarm:high");
  EXPECT_EQ(d.text("AlarmDescription"), "too busy");
  EXPECT_EQ(d.text("Threshold"), "50.0");
  EXPECT_EQ(h.call("DescribeAlarms", {{"AlarmNamePrefix", "lo"}}).count("AlarmName"), 0u);
  EXPECT_EQ(h.call("DescribeAlarms", {{"StateValue", "ALARM"}}).count("AlarmName"), 0u);
  EXPECT_EQ(h.call("DescribeAlarms", {{"StateValue", "INSUFFICIENT_DATA"}}).count("AlarmName"), 1u);
  auto m = h.call("DescribeAlarmsForMetric", {{"MetricName", "Load"},
                                              {"Namespace", "App"},
                                              {"Dimensions.member.1.Name", "Service"},
                                              {"Dimensions.member.1.Value", "web"}});
  EXPECT_EQ(m.text("AlarmName"), "high") << m.body;
  EXPECT_EQ(h.call("DescribeAlarmsForMetric", {{"MetricName", "Other"}, {"Namespace", "App"}}).count("AlarmName"), 0u);
}

TEST(CloudWatchAlarms, TwoBreachingPeriodsOfTwoRaiseAlarmWithCloudWatchsReason) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("high", "Load", 50, 2).ok());
  ASSERT_TRUE(h.put("Load", 90, 10).ok());
  h.advance(seconds(66));  // minute 0 complete, evaluated at 1:05: one point of the two needed
  EXPECT_EQ(h.state("high"), "INSUFFICIENT_DATA");
  ASSERT_TRUE(h.put("Load", 80, 0).ok());  // at 1:06
  ASSERT_TRUE(h.put("Load", 100, 10).ok());
  h.advance(seconds(60));  // evaluated at 2:05
  EXPECT_EQ(h.state("high"), "ALARM");
  EXPECT_EQ(h.reason("high"),
            "Threshold Crossed: 2 out of the last 2 datapoints [90.0 (14/11/23 22:14:00), 90.0 (14/11/23 22:13:00)] "
            "were greater than the threshold (50.0) (minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition).");
  auto d = h.call("DescribeAlarms", {{"AlarmNames.member.1", "high"}});
  const std::string data = d.text("StateReasonData");
  EXPECT_NE(data.find("&quot;evaluatedDatapoints&quot;"), std::string::npos) << data;
  EXPECT_NE(data.find("&quot;statistic&quot;:&quot;Average&quot;"), std::string::npos) << data;
}

TEST(CloudWatchAlarms, ValuesUnderTheThresholdMakeItOk) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("high", "Load", 50, 2).ok());
  ASSERT_TRUE(h.put("Load", 10, 10).ok());
  h.advance(seconds(66));
  EXPECT_EQ(h.state("high"), "OK");
  EXPECT_EQ(h.reason("high"),
            "Threshold Crossed: 1 out of the last 1 datapoints [10.0 (14/11/23 22:13:00)] was not greater than the "
            "threshold (50.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> OK transition).");
}

TEST(CloudWatchAlarms, DatapointsToAlarmIsMOfN) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("m-of-n", "Load", 50, 3, {{"DatapointsToAlarm", "2"}}).ok());
  h.put("Load", 90, 10);
  h.advance(seconds(60));
  h.put("Load", 10, 10);
  h.advance(seconds(60));
  h.put("Load", 10, 10);
  h.advance(seconds(10));  // the 3rd minute's evaluation: 1 breaching of 3
  h.advance(seconds(60));
  EXPECT_EQ(h.state("m-of-n"), "OK");
  h.put("Load", 95, 0);
  h.advance(seconds(60));  // newest three: 95, 10, 10 → 1 of 3
  EXPECT_EQ(h.state("m-of-n"), "OK");
  h.put("Load", 95, 0);
  h.advance(seconds(60));  // 95, 95, 10 → 2 of 3
  EXPECT_EQ(h.state("m-of-n"), "ALARM");
  EXPECT_NE(h.reason("m-of-n").find("2 out of the last 3 datapoints"), std::string::npos) << h.reason("m-of-n");
}

TEST(CloudWatchAlarms, TreatMissingData) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("missing", "Load", 50, 1).ok());
  ASSERT_TRUE(h.alarm("breaching", "Load", 50, 1, {{"TreatMissingData", "breaching"}}).ok());
  ASSERT_TRUE(h.alarm("not-breaching", "Load", 50, 1, {{"TreatMissingData", "notBreaching"}}).ok());
  ASSERT_TRUE(h.alarm("ignore", "Load", 50, 1, {{"TreatMissingData", "ignore"}}).ok());
  h.advance(seconds(66));
  EXPECT_EQ(h.state("missing"), "INSUFFICIENT_DATA");
  EXPECT_EQ(h.reason("missing"), "Unchecked: Initial alarm creation") << "no transition, no new reason";
  EXPECT_EQ(h.state("breaching"), "ALARM");
  EXPECT_EQ(h.reason("breaching"),
            "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as "
            "[Breaching].");
  EXPECT_EQ(h.state("not-breaching"), "OK");
  EXPECT_EQ(h.state("ignore"), "INSUFFICIENT_DATA");
  EXPECT_EQ(h.reason("ignore"), "Unchecked: Initial alarm creation") << "ignore keeps the current state";

  // An OK alarm with ignore stays OK when data stops; with missing it becomes INSUFFICIENT_DATA.
  h.put("Load", 1, 0);
  h.advance(seconds(60));
  EXPECT_EQ(h.state("ignore"), "OK");
  EXPECT_EQ(h.state("missing"), "OK");
  h.advance(seconds(240));
  EXPECT_EQ(h.state("ignore"), "OK");
  EXPECT_EQ(h.state("missing"), "INSUFFICIENT_DATA");
  EXPECT_EQ(h.reason("missing"), "Insufficient Data: 3 datapoints were unknown.");
}

TEST(CloudWatchAlarms, PercentileAlarmsReadTheSamples) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("p90", "Latency", 0.5, 1, {{"Statistic", ""}, {"ExtendedStatistic", "p90"}}).ok());
  for (int i = 1; i <= 10; ++i) h.put("Latency", i / 10.0, 10);  // 0.1 .. 1.0: p90 = 0.9, average 0.55
  h.advance(seconds(66));
  EXPECT_EQ(h.state("p90"), "ALARM") << h.reason("p90");
}

TEST(CloudWatchAlarms, ScalingActionsRunOnTheTransitionAndAgainEachPeriod) {
  CwHarness h;
  const std::string policy =
      "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:1b2c:resource/ecs/service/c/web:policyName/out";
  ASSERT_TRUE(h.alarm("high", "Load", 50, 1,
                      {{"AlarmActions.member.1", policy},
                       {"AlarmActions.member.2", "arn:aws:sns:us-east-1:000000000000:ops"},
                       {"OKActions.member.1", "arn:aws:sns:us-east-1:000000000000:ops"}})
                  .ok());
  h.put("Load", 70, 10);
  h.advance(seconds(66));
  ASSERT_EQ(h.state("high"), "ALARM");
  ASSERT_EQ(h.actions.calls.size(), 1u);
  const auto& first = h.actions.calls[0];
  EXPECT_EQ(first.action_arn, policy);
  EXPECT_EQ(first.alarm_name, "high");
  EXPECT_EQ(first.state, "ALARM");
  EXPECT_EQ(first.previous_state, "INSUFFICIENT_DATA");
  EXPECT_TRUE(first.transition);
  EXPECT_EQ(first.comparison_operator, "GreaterThanThreshold");
  EXPECT_DOUBLE_EQ(first.threshold, 50);
  ASSERT_EQ(first.datapoints.size(), 1u);
  EXPECT_DOUBLE_EQ(first.datapoints[0].second, 70);

  h.put("Load", 75, 0);
  h.advance(seconds(60));
  ASSERT_EQ(h.actions.calls.size(), 2u) << "a scaling action runs again while the alarm stays in ALARM";
  EXPECT_FALSE(h.actions.calls[1].transition);
  EXPECT_EQ(h.actions.calls[1].previous_state, "ALARM");

  auto history = h.call("DescribeAlarmHistory", {{"AlarmName", "high"}, {"HistoryItemType", "Action"}});
  ASSERT_TRUE(history.ok()) << history.body;
  EXPECT_TRUE(history.has("Successfully executed action " + policy)) << history.body;
  EXPECT_TRUE(history.has("arn:aws:sns:us-east-1:000000000000:ops")) << "SNS is recorded, not delivered";
  EXPECT_EQ(history.count("HistorySummary"), 2u) << "re-invocations are not written to history";

  auto updates = h.call("DescribeAlarmHistory", {{"AlarmName", "high"}, {"HistoryItemType", "StateUpdate"}});
  EXPECT_EQ(updates.text("HistorySummary"), "Alarm updated from INSUFFICIENT_DATA to ALARM");
}

TEST(CloudWatchAlarms, DisabledActionsAndFailingActions) {
  CwHarness h;
  const std::string policy =
      "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:1b2c:resource/ecs/service/c/web:policyName/out";
  ASSERT_TRUE(h.alarm("high", "Load", 50, 1, {{"AlarmActions.member.1", policy}}).ok());
  ASSERT_TRUE(h.call("DisableAlarmActions", {{"AlarmNames.member.1", "high"}}).ok());
  EXPECT_EQ(h.call("DescribeAlarms").text("ActionsEnabled"), "false");
  h.put("Load", 70, 10);
  h.advance(seconds(66));
  EXPECT_EQ(h.state("high"), "ALARM");
  EXPECT_TRUE(h.actions.calls.empty());

  ASSERT_TRUE(h.call("EnableAlarmActions", {{"AlarmNames.member.1", "high"}}).ok());
  h.actions.fail = "the service is gone";
  h.put("Load", 70, 0);
  h.advance(seconds(60));
  EXPECT_EQ(h.actions.calls.size(), 1u);
  EXPECT_EQ(h.state("high"), "ALARM") << "a failed action does not change the state";
  auto history = h.call("DescribeAlarmHistory", {{"AlarmName", "high"}, {"HistoryItemType", "Action"}});
  EXPECT_TRUE(history.has("Failed to execute action " + policy)) << history.body;
}

TEST(CloudWatchAlarms, SetAlarmStateDeleteAndHistory) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("a", "Load", 50, 1).ok());
  auto r = h.call("SetAlarmState", {{"AlarmName", "a"}, {"StateValue", "ALARM"}, {"StateReason", "testing"}});
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(h.state("a"), "ALARM");
  EXPECT_EQ(h.reason("a"), "testing");
  EXPECT_EQ(h.call("SetAlarmState", {{"AlarmName", "nope"}, {"StateValue", "OK"}, {"StateReason", "x"}}).code,
            "ResourceNotFound");
  EXPECT_EQ(h.call("SetAlarmState",
                   {{"AlarmName", "a"}, {"StateValue", "OK"}, {"StateReason", "x"}, {"StateReasonData", "{not json"}})
                .code,
            "InvalidFormat");
  EXPECT_EQ(h.state("a"), "ALARM");

  ASSERT_TRUE(h.call("DeleteAlarms", {{"AlarmNames.member.1", "a"}}).ok());
  EXPECT_EQ(h.call("DescribeAlarms").count("AlarmName"), 0u);
  EXPECT_FALSE(h.timers.next_due().has_value()) << "a deleted alarm's evaluation is cancelled";
  auto history = h.call("DescribeAlarmHistory", {{"AlarmName", "a"}, {"ScanBy", "TimestampAscending"}});
  auto summaries = history.all("HistorySummary");
  for (auto& s : summaries) s = CwHarness::unescape(s);
  ASSERT_EQ(summaries.size(), 3u) << history.body;
  EXPECT_EQ(summaries[0], "Alarm \"a\" created");
  EXPECT_EQ(summaries[1], "Alarm updated from INSUFFICIENT_DATA to ALARM");
  EXPECT_EQ(summaries[2], "Alarm \"a\" deleted");
}

TEST(CloudWatchAlarms, Tags) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("a", "Load", 50, 1, {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "web"}}).ok());
  const std::string arn = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:a";
  EXPECT_EQ(h.call("ListTagsForResource", {{"ResourceARN", arn}}).text("Value"), "web");
  ASSERT_TRUE(h.call("TagResource", {{"ResourceARN", arn}, {"Tags.member.1.Key", "env"}, {"Tags.member.1.Value", "dev"}}).ok());
  EXPECT_EQ(h.call("ListTagsForResource", {{"ResourceARN", arn}}).count("Key"), 2u);
  ASSERT_TRUE(h.call("UntagResource", {{"ResourceARN", arn}, {"TagKeys.member.1", "team"}}).ok());
  EXPECT_EQ(h.call("ListTagsForResource", {{"ResourceARN", arn}}).all("Key"), std::vector<std::string>{"env"});
  EXPECT_EQ(h.call("ListTagsForResource", {{"ResourceARN", arn + "x"}}).code, "ResourceNotFoundException");
}

TEST(CloudWatchAlarms, SnapshotRestoreKeepsAlarmsMetricsAndEvaluation) {
  CwHarness h;
  ASSERT_TRUE(h.alarm("high", "Load", 50, 1).ok());
  h.put("Load", 70, 10);
  const auto saved = h.provider().snapshot();
  h.provider().restore(saved);
  EXPECT_EQ(h.state("high"), "INSUFFICIENT_DATA");
  h.advance(seconds(66));
  EXPECT_EQ(h.state("high"), "ALARM") << "the restored alarm is evaluated on the restored data";
  EXPECT_EQ(h.provider().snapshot().dump(), [&] {
    auto again = h.provider().snapshot();
    h.provider().restore(again);
    return h.provider().snapshot().dump();
  }());
  EXPECT_THROW(h.provider().restore(api::Json::array({{{"account", "1"}}})), std::runtime_error);
  EXPECT_EQ(h.state("high"), "ALARM") << "a broken snapshot leaves the state as it was";
}

}  // namespace
}  // namespace ecslocal::testing
