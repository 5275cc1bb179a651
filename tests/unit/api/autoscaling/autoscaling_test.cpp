// Application Auto Scaling for ECS services: scalable targets, the target-tracking alarm pair and
// how the policy scales out and in on real CloudWatch alarms (the workshop's
// ALBRequestCountPerTarget 1500), step scaling on a user's alarm, scheduled actions, activities.
#include <gtest/gtest.h>

#include "tests/unit/api/autoscaling/aas_harness.hpp"

namespace ecslocal::testing {
namespace {

using api::Json;
using std::chrono::seconds;

Json workshop_policy(double target = 1500) {
  return AasHarness::with(AasHarness::key(),
                          {{"PolicyName", "ui-requests"},
                           {"PolicyType", "TargetTrackingScaling"},
                           {"TargetTrackingScalingPolicyConfiguration",
                            {{"TargetValue", target},
                             {"PredefinedMetricSpecification",
                              {{"PredefinedMetricType", "ALBRequestCountPerTarget"}, {"ResourceLabel", kLabel}}},
                             {"ScaleOutCooldown", 120},
                             {"ScaleInCooldown", 120}}}});
}

TEST(AutoScalingTargets, RegisterValidatesAndClampsTheService) {
  AasHarness h;
  EXPECT_EQ(h.fails("RegisterScalableTarget", AasHarness::with(AasHarness::key("service/retail/none"),
                                                               {{"MinCapacity", 1}, {"MaxCapacity", 2}})),
            "ValidationException: ECS service doesn't exist: service/retail/none");
  EXPECT_EQ(h.fails("RegisterScalableTarget", AasHarness::with(AasHarness::key(), {{"MinCapacity", 1}})).substr(0, 19),
            "ValidationException");
  EXPECT_EQ(h.fails("RegisterScalableTarget",
                    AasHarness::with(AasHarness::key(), {{"MinCapacity", 3}, {"MaxCapacity", 2}}))
                .substr(0, 19),
            "ValidationException");
  auto dynamo = AasHarness::key("table/orders");
  dynamo["ServiceNamespace"] = "dynamodb";
  dynamo["ScalableDimension"] = "dynamodb:table:ReadCapacityUnits";
  EXPECT_NE(h.fails("RegisterScalableTarget", AasHarness::with(dynamo, {{"MinCapacity", 1}, {"MaxCapacity", 2}}))
                .find("ECS services only"),
            std::string::npos);

  auto r = h.ok("RegisterScalableTarget", AasHarness::with(AasHarness::key(), {{"MinCapacity", 3}, {"MaxCapacity", 6}}));
  EXPECT_EQ(r.value("ScalableTargetARN", "").rfind("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/", 0), 0u);
  EXPECT_EQ(h.desired(), 3) << "desiredCount 2 is moved into [3, 6]";
  auto d = h.ok("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}})["ScalableTargets"];
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]["MinCapacity"], 3);
  EXPECT_EQ(d[0]["MaxCapacity"], 6);
  EXPECT_EQ(d[0]["RoleARN"],
            "arn:aws:iam::000000000000:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
            "AWSServiceRoleForApplicationAutoScaling_ECSService");
  EXPECT_EQ(d[0]["SuspendedState"]["DynamicScalingInSuspended"], false);
  auto a = h.ok("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}})["ScalingActivities"];
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0]["Description"], "Setting desired count to 3.");
  EXPECT_EQ(a[0]["Cause"], "minimum capacity was set to 3");
  EXPECT_EQ(a[0]["StatusCode"], "Successful");
  EXPECT_EQ(a[0]["StatusMessage"], "Successfully set desired count to 3. Change successfully fulfilled by ecs.");

  // A re-register changes only what it names.
  h.ok("RegisterScalableTarget", AasHarness::with(AasHarness::key(), {{"MaxCapacity", 8}}));
  d = h.ok("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}, {"ResourceIds", {"service/retail/ui"}}})["ScalableTargets"];
  EXPECT_EQ(d[0]["MinCapacity"], 3);
  EXPECT_EQ(d[0]["MaxCapacity"], 8);
}

TEST(AutoScalingPolicies, TargetTrackingMakesTheAlarmPairAwsMakes) {
  AasHarness h;
  auto no_target = workshop_policy();
  EXPECT_EQ(h.fails("PutScalingPolicy", no_target),
            "ObjectNotFoundException: No scalable target registered for service namespace: ecs, resource ID: "
            "service/retail/ui, scalable dimension: ecs:service:DesiredCount");
  h.register_target();
  auto no_label = workshop_policy();
  no_label["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"].erase("ResourceLabel");
  EXPECT_EQ(h.fails("PutScalingPolicy", no_label),
            "ValidationException: Resource label should be specified for predefined metric type ALBRequestCountPerTarget");
  auto wrong_label = workshop_policy();
  wrong_label["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["ResourceLabel"] =
      "app/retail/fedcba9876543210/targetgroup/other/0123456789abcdef";
  EXPECT_NE(h.fails("PutScalingPolicy", wrong_label).find("not one of the ECS service's load balancers"), std::string::npos);

  auto r = h.ok("PutScalingPolicy", workshop_policy());
  const std::string arn = r["PolicyARN"];
  EXPECT_EQ(arn.rfind("arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:", 0), 0u) << arn;
  EXPECT_NE(arn.find(":resource/ecs/service/retail/ui:policyName/ui-requests"), std::string::npos) << arn;
  ASSERT_EQ(r["Alarms"].size(), 2u);
  const std::string high = r["Alarms"][0]["AlarmName"], low = r["Alarms"][1]["AlarmName"];
  EXPECT_EQ(high.rfind("TargetTracking-service/retail/ui-AlarmHigh-", 0), 0u) << high;
  EXPECT_EQ(low.rfind("TargetTracking-service/retail/ui-AlarmLow-", 0), 0u) << low;
  EXPECT_EQ(r["Alarms"][0]["AlarmARN"], "arn:aws:cloudwatch:us-east-1:000000000000:alarm:" + high);
  EXPECT_EQ(h.alarm_state(high), "INSUFFICIENT_DATA");
  EXPECT_EQ(h.alarm_state(low), "INSUFFICIENT_DATA");

  auto policies = h.ok("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}})["ScalingPolicies"];
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0]["PolicyType"], "TargetTrackingScaling");
  EXPECT_EQ(policies[0]["Alarms"].size(), 2u);
  EXPECT_EQ(policies[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"], 1500.0);

  // Re-putting keeps the alarms (names), changes the thresholds.
  auto again = h.ok("PutScalingPolicy", workshop_policy(1000));
  EXPECT_EQ(again["PolicyARN"], arn);
  EXPECT_EQ(again["Alarms"][0]["AlarmName"], high);

  h.ok("DeleteScalingPolicy", AasHarness::with(AasHarness::key(), {{"PolicyName", "ui-requests"}}));
  EXPECT_EQ(h.alarm_state(high), "") << "deleting the policy deletes its alarms";
  EXPECT_EQ(h.alarm_state(low), "");
  EXPECT_EQ(h.fails("DeleteScalingPolicy", AasHarness::with(AasHarness::key(), {{"PolicyName", "ui-requests"}})).substr(0, 23),
            "ObjectNotFoundException");
}

TEST(AutoScalingPolicies, WorkshopTargetTrackingScalesOutUnderLoadAndBackInWhenItStops) {
  AasHarness h;
  h.register_target(2, 10);
  auto r = h.ok("PutScalingPolicy", workshop_policy());
  const std::string high = r["Alarms"][0]["AlarmName"], low = r["Alarms"][1]["AlarmName"];

  h.minutes_of(3000, 3);  // 3000 requests per target a minute, twice the target
  h.advance(seconds(10));  // the third minute's evaluation
  EXPECT_EQ(h.alarm_state(high), "ALARM");
  EXPECT_EQ(h.desired(), 4) << "ceil(2 × 3000 / 1500)";
  auto a = h.ok("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}, {"ResourceId", "service/retail/ui"}})["ScalingActivities"];
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a[0]["Description"], "Setting desired count to 4.");
  EXPECT_EQ(a[0]["Cause"], "monitor alarm " + high + " in state ALARM triggered policy ui-requests");

  // Still 3000 a target while the cooldown runs: the capacity already added counts, no more.
  h.minutes_of(3000, 1);
  EXPECT_EQ(h.desired(), 4);
  // Per-target load halves with twice the targets; at 1500 it is not above the target.
  h.minutes_of(1500, 3);
  EXPECT_EQ(h.desired(), 4);
  EXPECT_EQ(h.alarm_state(high), "OK");

  // The load stops: 15 minutes of zeros bring AlarmLow, and the service back to its minimum.
  h.minutes_of(0, 15);
  h.advance(seconds(10));
  EXPECT_EQ(h.alarm_state(low), "ALARM");
  EXPECT_EQ(h.desired(), 2);
  a = h.ok("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}})["ScalingActivities"];
  EXPECT_EQ(a[0]["Description"], "Setting desired count to 2.");
  EXPECT_EQ(a[0]["Cause"], "monitor alarm " + low + " in state ALARM triggered policy ui-requests");
  EXPECT_EQ(h.ecs.changes.size(), 2u);
}

TEST(AutoScalingPolicies, ScaleOutIsClampedAndSuspensionsHold) {
  AasHarness h;
  h.register_target(2, 5);
  h.ok("RegisterScalableTarget",
       AasHarness::with(AasHarness::key(), {{"SuspendedState", {{"DynamicScalingOutSuspended", true}}}}));
  h.ok("PutScalingPolicy", workshop_policy());
  h.minutes_of(30000, 3);
  h.advance(seconds(10));
  EXPECT_EQ(h.desired(), 2) << "scale-out is suspended";
  h.ok("RegisterScalableTarget",
       AasHarness::with(AasHarness::key(), {{"SuspendedState", {{"DynamicScalingOutSuspended", false}}}}));
  h.minutes_of(30000, 1);
  EXPECT_EQ(h.desired(), 5) << "ceil(2 × 20) clamped to MaxCapacity 5";
}

TEST(AutoScalingPolicies, ScaleInWaitsForADeploymentAndHonoursDisableScaleIn) {
  AasHarness h;
  h.register_target(1, 10);
  h.ecs.services["retail/ui"].desired = 4;
  auto p = workshop_policy();
  p["TargetTrackingScalingPolicyConfiguration"]["DisableScaleIn"] = true;
  h.ok("PutScalingPolicy", p);
  h.minutes_of(0, 16);
  EXPECT_EQ(h.desired(), 4) << "DisableScaleIn";
  p["TargetTrackingScalingPolicyConfiguration"]["DisableScaleIn"] = false;
  h.ok("PutScalingPolicy", p);
  h.ecs.services["retail/ui"].deployment_in_progress = true;
  h.minutes_of(0, 16);
  EXPECT_EQ(h.desired(), 4) << "no scale-in during a deployment";
  h.ecs.services["retail/ui"].deployment_in_progress = false;
  h.minutes_of(0, 1);
  EXPECT_EQ(h.desired(), 1);
}

TEST(AutoScalingPolicies, StepScalingOnAUserAlarm) {
  AasHarness h;
  h.register_target(1, 20);
  auto step = h.ok("PutScalingPolicy",
                   AasHarness::with(AasHarness::key(),
                                    {{"PolicyName", "cpu-steps"},
                                     {"PolicyType", "StepScaling"},
                                     {"StepScalingPolicyConfiguration",
                                      {{"AdjustmentType", "ChangeInCapacity"},
                                       {"Cooldown", 120},
                                       {"StepAdjustments",
                                        {{{"MetricIntervalLowerBound", 0}, {"MetricIntervalUpperBound", 10}, {"ScalingAdjustment", 1}},
                                         {{"MetricIntervalLowerBound", 10}, {"ScalingAdjustment", 3}}}}}}}));
  const std::string arn = step["PolicyARN"];
  EXPECT_FALSE(step.contains("Alarms"));
  // The user's own alarm names the policy; CPU 85 against 70 is a breach of 15: the +3 step.
  Json alarm{{"AlarmName", "cpu-high"}, {"Namespace", "AWS/ECS"}, {"MetricName", "CPUUtilization"},
             {"Dimensions", {{{"Name", "ClusterName"}, {"Value", "retail"}}, {{"Name", "ServiceName"}, {"Value", "ui"}}}},
             {"Statistic", "Average"}, {"Period", 60}, {"EvaluationPeriods", 1}, {"Threshold", 70},
             {"ComparisonOperator", "GreaterThanThreshold"}, {"AlarmActions", {arn}}};
  static_cast<api::ManagedAlarms&>(h.cloudwatch()).put_alarm("000000000000", "us-east-1", alarm, h.now);
  api::MetricDatum d;
  d.name = "CPUUtilization";
  d.dimensions = {{"ClusterName", "retail"}, {"ServiceName", "ui"}};
  d.timestamp = h.now + seconds(5);
  d.unit = "Percent";
  d.value = 85;
  static_cast<api::MetricSink&>(h.cloudwatch()).put_metrics("000000000000", "us-east-1", "AWS/ECS", {d});
  h.advance(seconds(66));
  EXPECT_EQ(h.desired(), 5) << "2 + 3";
  // Inside the cooldown a +1 step (breach 5) adds nothing: the +3 already added counts.
  d.timestamp = h.now + seconds(5);
  d.value = 75;
  static_cast<api::MetricSink&>(h.cloudwatch()).put_metrics("000000000000", "us-east-1", "AWS/ECS", {d});
  h.advance(seconds(60));
  EXPECT_EQ(h.desired(), 5);

  auto bad = AasHarness::with(AasHarness::key(),
                              {{"PolicyName", "gappy"},
                               {"PolicyType", "StepScaling"},
                               {"StepScalingPolicyConfiguration",
                                {{"AdjustmentType", "ChangeInCapacity"},
                                 {"StepAdjustments",
                                  {{{"MetricIntervalLowerBound", 0}, {"MetricIntervalUpperBound", 10}, {"ScalingAdjustment", 1}},
                                   {{"MetricIntervalLowerBound", 20}, {"ScalingAdjustment", 3}}}}}}});
  EXPECT_EQ(h.fails("PutScalingPolicy", bad), "ValidationException: Step adjustment intervals must not have gaps");
}

TEST(AutoScalingScheduled, ActionsChangeCapacityAtTheirTimes) {
  AasHarness h;
  h.register_target(2, 10);
  // 2023-11-14T22:13:00Z now; at 22:20 the minimum becomes 6.
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "morning"},
                                                                 {"Schedule", "at(2023-11-14T22:20:00)"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 6}}}}));
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "nightly"},
                                                                 {"Schedule", "cron(0 23 * * ? *)"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 1}, {"MaxCapacity", 3}}}}));
  auto listed = h.ok("DescribeScheduledActions", {{"ServiceNamespace", "ecs"}})["ScheduledActions"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["ScheduledActionName"], "morning");
  EXPECT_EQ(listed[0]["ScalableTargetAction"]["MinCapacity"], 6);
  EXPECT_NE(listed[0]["ScheduledActionARN"].get<std::string>().find(":scheduledActionName/morning"), std::string::npos);

  h.advance(seconds(6 * 60 + 59));
  EXPECT_EQ(h.desired(), 2);
  h.advance(seconds(1));
  EXPECT_EQ(h.desired(), 6) << "at 22:20 the minimum rose to 6";
  auto a = h.ok("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}})["ScalingActivities"];
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ(a[1]["Description"], "Setting min capacity to 6");
  EXPECT_EQ(a[1]["Cause"], "scheduled action name morning was triggered");
  EXPECT_EQ(a[0]["Cause"], "minimum capacity was set to 6");

  h.advance(seconds(40 * 60));  // 23:00: min 1, max 3 → scaled in to 3
  EXPECT_EQ(h.desired(), 3);
  auto t = h.ok("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}})["ScalableTargets"][0];
  EXPECT_EQ(t["MinCapacity"], 1);
  EXPECT_EQ(t["MaxCapacity"], 3);
  h.advance(seconds(86400));
  EXPECT_EQ(h.ok("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}})["ScalingActivities"][0]["Cause"],
            "scheduled action name nightly was triggered")
      << "the cron runs again the next day";

  EXPECT_EQ(h.fails("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "x"},
                                                                              {"Schedule", "every day"},
                                                                              {"ScalableTargetAction", {{"MinCapacity", 1}}}}))
                .substr(0, 19),
            "ValidationException");
  EXPECT_NE(h.fails("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "x"},
                                                                              {"Schedule", "rate(5 minutes)"},
                                                                              {"Timezone", "Mars/Olympus_Mons"},
                                                                              {"ScalableTargetAction", {{"MinCapacity", 1}}}}))
                .find("Invalid Timezone Mars/Olympus_Mons"),
            std::string::npos);
  h.ok("DeleteScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "nightly"}}));
  EXPECT_EQ(h.ok("DescribeScheduledActions", {{"ServiceNamespace", "ecs"}})["ScheduledActions"].size(), 1u);
}

TEST(AutoScalingScheduled, AtAndCronReadTheirTimeZone) {
  AasHarness h;
  h.register_target(2, 10);
  // 17:20 in New York in November (EST, UTC-5) is 22:20 UTC: 7 minutes from now.
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "ny"},
                                                                 {"Schedule", "at(2023-11-14T17:20:00)"},
                                                                 {"Timezone", "America/New_York"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 4}}}}));
  // 23:30 in Kolkata (UTC+5:30) is 18:00 UTC the same day: tomorrow's first run from now.
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "kolkata"},
                                                                 {"Schedule", "cron(30 23 * * ? *)"},
                                                                 {"Timezone", "Asia/Kolkata"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 5}}}}));
  h.advance(seconds(419));
  EXPECT_EQ(h.desired(), 2);
  h.advance(seconds(1));
  EXPECT_EQ(h.desired(), 4);
  // Next 18:00 UTC is 2023-11-15T18:00Z: 19 h 40 min after 22:20.
  h.advance(seconds(19 * 3600 + 40 * 60 - 1));
  EXPECT_EQ(h.desired(), 4);
  h.advance(seconds(1));
  EXPECT_EQ(h.desired(), 5);
}

TEST(AutoScalingScheduled, RateRunsFromItsStartTime) {
  AasHarness h;
  h.register_target(2, 10);
  const double start = std::chrono::duration<double>(h.now.time_since_epoch()).count() + 120;
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "grow"},
                                                                 {"Schedule", "rate(5 minutes)"},
                                                                 {"StartTime", start},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 3}}}}));
  h.advance(seconds(119));
  EXPECT_EQ(h.desired(), 2);
  h.advance(seconds(1));
  EXPECT_EQ(h.desired(), 3);
  h.ecs.services["retail/ui"].desired = 2;  // someone lowered it
  h.advance(seconds(300));
  EXPECT_EQ(h.desired(), 3) << "the next run 5 minutes later";
}

TEST(AutoScalingTargets, DeregisterRemovesPoliciesAlarmsAndSchedules) {
  AasHarness h;
  h.register_target();
  auto r = h.ok("PutScalingPolicy", workshop_policy());
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "later"},
                                                                 {"Schedule", "rate(1 hour)"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 3}}}}));
  h.ok("DeregisterScalableTarget", AasHarness::key());
  EXPECT_EQ(h.alarm_state(r["Alarms"][0]["AlarmName"]), "");
  EXPECT_TRUE(h.ok("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}})["ScalingPolicies"].empty());
  EXPECT_TRUE(h.ok("DescribeScheduledActions", {{"ServiceNamespace", "ecs"}})["ScheduledActions"].empty());
  h.advance(seconds(7200));
  EXPECT_EQ(h.desired(), 2) << "the schedule does not run";
  EXPECT_EQ(h.fails("DeregisterScalableTarget", AasHarness::key()).substr(0, 23), "ObjectNotFoundException");
}

TEST(AutoScalingTargets, SnapshotRestoreKeepsEverythingAndRearmsSchedules) {
  AasHarness h;
  h.register_target();
  h.ok("PutScalingPolicy", workshop_policy());
  h.ok("PutScheduledAction", AasHarness::with(AasHarness::key(), {{"ScheduledActionName", "soon"},
                                                                 {"Schedule", "at(2023-11-14T22:15:00)"},
                                                                 {"ScalableTargetAction", {{"MinCapacity", 4}}}}));
  const auto saved = h.provider().snapshot();
  h.provider().restore(saved);
  EXPECT_EQ(h.provider().snapshot(), saved);
  h.advance(seconds(120));
  EXPECT_EQ(h.desired(), 4) << "the restored schedule runs";
  EXPECT_THROW(h.provider().restore(Json::array({{{"account", "x"}}})), std::runtime_error);
  EXPECT_EQ(h.ok("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}})["ScalingPolicies"].size(), 1u);
}

}  // namespace
}  // namespace ecslocal::testing
