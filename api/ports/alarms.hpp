#pragma once
// CloudWatch alarms as other services meet them. Called on the state strand.
//
// ManagedAlarms: alarms a service creates on the user's behalf, as AWS does (Application Auto
// Scaling's target tracking makes and deletes its AlarmHigh / AlarmLow pair through it). CloudWatch
// implements it; the alarms are ordinary ones afterwards (DescribeAlarms lists them, they are
// evaluated like any other).
//
// AlarmActionTarget: a service that alarm actions can name (Application Auto Scaling: the
// `arn:aws:autoscaling:...:scalingPolicy:...` ARNs of its policies). When an alarm enters a state,
// CloudWatch invokes each action ARN of that state (if ActionsEnabled) on the first target that
// handles it; for `arn:aws:autoscaling:` ARNs again at every later evaluation while the state
// persists (AWS re-invokes scaling actions each period). Other ARNs (SNS, Lambda, EC2 actions)
// are recorded in the alarm's history and not delivered.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecslocal::api {

struct AlarmStateInfo {
  std::string value;   // OK | ALARM | INSUFFICIENT_DATA
  std::string reason;  // StateReason
  std::chrono::system_clock::time_point updated;
};

class ManagedAlarms {
 public:
  virtual ~ManagedAlarms() = default;
  // Creates or replaces the alarm that `put_metric_alarm` describes: a PutMetricAlarm input
  // document by member name ({"AlarmName": ..., "MetricName": ..., "Dimensions": [{"Name", "Value"}],
  // ...}), checked as PutMetricAlarm checks it (throws the AwsError PutMetricAlarm would answer).
  // Returns the alarm's ARN.
  virtual std::string put_alarm(const std::string& account_id, const std::string& region,
                                const nlohmann::json& put_metric_alarm, std::chrono::system_clock::time_point now) = 0;
  // Deletes the named alarms; unknown names are ignored.
  virtual void delete_alarms(const std::string& account_id, const std::string& region,
                             const std::vector<std::string>& names) = 0;
  // nullopt when there is no such alarm.
  virtual std::optional<AlarmStateInfo> alarm_state(const std::string& account_id, const std::string& region,
                                                    const std::string& name) const = 0;
};

struct AlarmInvocation {
  std::string account_id, region;
  std::string alarm_name, alarm_arn;
  std::string action_arn;      // as the alarm lists it
  std::string state;           // the state whose actions run: ALARM | OK | INSUFFICIENT_DATA
  std::string previous_state;  // equal to `state` when re-invoked because the state persisted
  bool transition = true;      // false: a re-invocation at a later evaluation
  std::string comparison_operator;  // GreaterThanThreshold, ...
  double threshold = 0;
  std::string statistic;  // the alarm's Statistic or ExtendedStatistic ("" for metric math)
  // The datapoints of the evaluation that caused this, newest first (period start, value); empty
  // when they were missing.
  std::vector<std::pair<std::chrono::system_clock::time_point, double>> datapoints;
  std::chrono::system_clock::time_point now;
};

class AlarmActionTarget {
 public:
  virtual ~AlarmActionTarget() = default;
  // Does this target handle `action_arn`? (CloudWatch asks each provider in turn.)
  virtual bool handles_action(const std::string& action_arn) const = 0;
  // Runs the action. Throwing (AwsError or std::exception) records a failed action in the alarm's
  // history; the alarm's state is not affected either way.
  virtual void invoke_action(const AlarmInvocation& invocation) = 0;
};

}  // namespace ecslocal::api
