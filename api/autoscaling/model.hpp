#pragma once
// Application Auto Scaling's state per account and region (spec §7): scalable targets (ECS
// services' DesiredCount only), their scaling policies (target tracking, step), scheduled actions
// and scaling activities.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"
#include "api/service.hpp"

namespace ecslocal::api::autoscaling {

inline constexpr const char* kNamespace = "ecs";
inline constexpr const char* kDimension = "ecs:service:DesiredCount";

struct ScalableTarget {
  std::string resource_id;  // service/<cluster>/<service>
  int min = 0, max = 0;
  std::string role_arn, arn;
  double created = 0;  // epoch seconds
  bool suspend_in = false, suspend_out = false, suspend_scheduled = false;
  std::vector<std::pair<std::string, std::string>> tags;
  // Cooldowns (virtual epoch seconds): scale-out (and the capacity it started from), scale-in.
  double out_cooldown_until = 0, in_cooldown_until = 0;
  int capacity_before_out = 0;
};

struct ScalingPolicy {
  std::string name, arn, resource_id;
  std::string type;  // TargetTrackingScaling | StepScaling
  Json config;       // its TargetTrackingScalingPolicyConfiguration or StepScalingPolicyConfiguration
  std::string action_arn;  // what its alarms name: the ARN (+ ":createdBy/<uuid>" for target tracking)
  std::string high_alarm, low_alarm;  // target tracking: the alarms it made ("" when none)
  double created = 0;
};

struct ScheduledAction {
  std::string name, arn, resource_id, schedule, timezone;
  std::optional<double> start, end;   // epoch seconds
  std::optional<int> min, max;        // ScalableTargetAction
  double created = 0;
  std::uint64_t timer = 0;            // the next run's Timers id (0: none)
};

struct Activity {
  std::string id, resource_id, description, cause, status, message, details;
  double start = 0, end = 0;
};

struct AutoScalingState {
  std::map<std::string, ScalableTarget> targets;  // by resource id
  std::map<std::string, ScalingPolicy> policies;  // by resource id + '\n' + name
  std::map<std::string, ScheduledAction> scheduled;  // by resource id + '\n' + name
  std::deque<Activity> activities;  // newest first, six weeks
};

using AutoScalingStore = AccountRegionStore<AutoScalingState>;

// Times in this service's records are epoch seconds (fractional).
inline double seconds_of(Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

inline std::string member_key(const std::string& resource_id, const std::string& name) { return resource_id + '\n' + name; }

// ---- schedules (schedule.cpp) ----
// The first run of `expression` (at(...), rate(...), cron(...)) strictly after `after` (epoch
// seconds), within [start, end]; nullopt when there is none. `created`: rate() counts from it.
// Throws ValidationException for a malformed expression or an unsupported time zone.
std::optional<double> next_run(const std::string& expression, const std::string& timezone, double after,
                               double created, std::optional<double> start, std::optional<double> end);
void check_schedule(const std::string& expression, const std::string& timezone);

}  // namespace ecslocal::api::autoscaling
