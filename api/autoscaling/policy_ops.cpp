// PutScalingPolicy, DescribeScalingPolicies, DeleteScalingPolicy, and how the policies act when
// their alarms invoke them (spec §7.2-7.4).
#include <algorithm>
#include <cmath>
#include <limits>

#include "api/autoscaling/errors.hpp"
#include "api/autoscaling/ops.hpp"
#include "api/common/json_read.hpp"
#include "api/ports/target_groups.hpp"

namespace ecslocal::api::autoscaling {

using namespace json_read;
namespace {

constexpr double kDefaultCooldown = 300;  // ECS: ScaleOutCooldown, ScaleInCooldown, step Cooldown


std::string cause_of(const AlarmInvocation& call, const ScalingPolicy& policy) {
  return "monitor alarm " + call.alarm_name + " in state " + call.state + " triggered policy " + policy.name;
}

double number_or(const Json& o, const char* key, double fallback) {
  return o.contains(key) && o[key].is_number() ? o[key].get<double>() : fallback;
}

// ---- target tracking: the alarms (spec §7.2) ----

struct TrackedMetric {
  std::string name_space, name, statistic, unit;
  Json dimensions = Json::array();
};

// "app/<lb>/<id>/targetgroup/<tg>/<id>": checked against ELBv2 and the service's load balancers.
void check_resource_label(const AutoScalingProvider& p, const RequestContext& ctx, const std::string& label,
                          const ServiceCapacity& capacity) {
  const auto split = label.find("/targetgroup/");
  auto bad = [&](const std::string& why) {
    throw ValidationException("Invalid ResourceLabel " + label + ": " + why);
  };
  if (label.rfind("app/", 0) != 0 || split == std::string::npos ||
      std::count(label.begin(), label.begin() + static_cast<long>(split), '/') != 2 ||
      std::count(label.begin() + static_cast<long>(split) + 1, label.end(), '/') != 2)
    bad("it must be app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>");
  const std::string lb_part = ":loadbalancer/" + label.substr(0, split), tg_part = ":" + label.substr(split + 1);
  const std::string* tg_arn = nullptr;
  for (const auto& arn : capacity.target_group_arns)
    if (arn.size() > tg_part.size() && arn.compare(arn.size() - tg_part.size(), tg_part.size(), tg_part) == 0)
      tg_arn = &arn;
  if (!tg_arn) bad("its target group is not one of the ECS service's load balancers");
  if (const TargetGroupDirectory* dir = p.target_groups()) {
    const auto info = dir->find_target_group(ctx.account_id, ctx.region, *tg_arn);
    if (!info) bad("no such target group");
    const bool attached = std::any_of(info->load_balancer_arns.begin(), info->load_balancer_arns.end(), [&](const auto& a) {
      return a.size() > lb_part.size() && a.compare(a.size() - lb_part.size(), lb_part.size(), lb_part) == 0;
    });
    if (!attached) bad("the target group is not attached to that load balancer");
  }
}

TrackedMetric tracked_metric(const AutoScalingProvider& p, const RequestContext& ctx, const Json& config,
                             const std::string& resource_id, const ServiceCapacity& capacity) {
  const auto parts = split_resource_id(resource_id);
  const bool predefined = config.contains("PredefinedMetricSpecification");
  const bool customized = config.contains("CustomizedMetricSpecification");
  if (predefined == customized)
    throw ValidationException(
        "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified");
  TrackedMetric m;
  if (predefined) {
    const Json& spec = config["PredefinedMetricSpecification"];
    const auto type = string_or_empty(spec, "PredefinedMetricType");
    const auto label = optional_string(spec, "ResourceLabel");
    if (type == "ALBRequestCountPerTarget") {
      if (!label || label->empty())
        throw ValidationException("Resource label should be specified for predefined metric type ALBRequestCountPerTarget");
      check_resource_label(p, ctx, *label, capacity);
      const auto split = label->find("/targetgroup/");
      m = {"AWS/ApplicationELB", "RequestCountPerTarget", "Sum", "None",
           Json::array({{{"Name", "LoadBalancer"}, {"Value", label->substr(0, split)}},
                        {{"Name", "TargetGroup"}, {"Value", label->substr(split + 1)}}})};
    } else if (type == "ECSServiceAverageCPUUtilization" || type == "ECSServiceAverageMemoryUtilization") {
      if (label)
        throw ValidationException("Resource label is only allowed for predefined metric type ALBRequestCountPerTarget, not " + type);
      m = {"AWS/ECS", type == "ECSServiceAverageCPUUtilization" ? "CPUUtilization" : "MemoryUtilization", "Average",
           "Percent",
           Json::array({{{"Name", "ClusterName"}, {"Value", parts->first}},
                        {{"Name", "ServiceName"}, {"Value", parts->second}}})};
    } else {
      throw ValidationException("Unsupported predefined metric type " + type + " for service namespace ecs");
    }
    return m;
  }
  const Json& spec = config["CustomizedMetricSpecification"];
  if (spec.contains("Metrics"))
    throw AwsError("NotImplementedException",
                   "ecslocal does not evaluate metric math in target tracking policies yet (CustomizedMetricSpecification.Metrics)",
                   501, false);
  m.name_space = string_or_empty(spec, "Namespace");
  m.name = string_or_empty(spec, "MetricName");
  m.statistic = string_or_empty(spec, "Statistic");
  m.unit = string_or_empty(spec, "Unit");
  if (m.name_space.empty() || m.name.empty() || m.statistic.empty())
    throw ValidationException("CustomizedMetricSpecification needs MetricName, Namespace and Statistic");
  for (const auto& d : spec.value("Dimensions", Json::array()))
    m.dimensions.push_back({{"Name", string_or_empty(d, "Name")}, {"Value", string_or_empty(d, "Value")}});
  return m;
}

Json alarm_input(const std::string& name, const TrackedMetric& m, bool high, double target, const std::string& action) {
  Json a{{"AlarmName", name},
         {"AlarmDescription", "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + action + "."},
         {"ActionsEnabled", true},
         {"AlarmActions", Json::array({action})},
         {"Namespace", m.name_space},
         {"MetricName", m.name},
         {"Dimensions", m.dimensions},
         {"Statistic", m.statistic},
         {"Period", 60},
         {"EvaluationPeriods", high ? 3 : 15},
         {"DatapointsToAlarm", high ? 3 : 15},
         {"Threshold", high ? target : 0.9 * target},
         {"ComparisonOperator", high ? "GreaterThanThreshold" : "LessThanThreshold"},
         {"TreatMissingData", "missing"}};
  if (!m.unit.empty()) a["Unit"] = m.unit;
  return a;
}

// ---- step scaling: validation (spec §7.4) ----

void check_steps(const Json& config) {
  const Json steps = config.value("StepAdjustments", Json::array());
  if (!config.contains("AdjustmentType")) throw ValidationException("AdjustmentType is required for a step scaling policy");
  if (steps.empty()) throw ValidationException("StepAdjustments must contain at least one step adjustment");
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<double, double>> ranges;
  for (const auto& s : steps) {
    const double lower = number_or(s, "MetricIntervalLowerBound", -inf), upper = number_or(s, "MetricIntervalUpperBound", inf);
    if (std::isinf(lower) && std::isinf(upper))
      throw ValidationException("A step adjustment must specify MetricIntervalLowerBound or MetricIntervalUpperBound");
    if (lower >= upper)
      throw ValidationException("MetricIntervalLowerBound must be less than MetricIntervalUpperBound in a step adjustment");
    ranges.emplace_back(lower, upper);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) throw ValidationException("Step adjustment intervals must not overlap");
    if (ranges[i].first > ranges[i - 1].second) throw ValidationException("Step adjustment intervals must not have gaps");
  }
  if (config.value("AdjustmentType", "") != "PercentChangeInCapacity" && config.contains("MinAdjustmentMagnitude"))
    throw ValidationException("MinAdjustmentMagnitude is only allowed with AdjustmentType PercentChangeInCapacity");
}

// ---- handlers ----

Json policy_json(const ScalingPolicy& p, const std::string& account, const std::string& region) {
  Json j{{"PolicyARN", p.arn}, {"PolicyName", p.name}, {"ServiceNamespace", kNamespace},
         {"ResourceId", p.resource_id}, {"ScalableDimension", kDimension}, {"PolicyType", p.type},
         {"CreationTime", p.created}};
  j[p.type == "TargetTrackingScaling" ? "TargetTrackingScalingPolicyConfiguration" : "StepScalingPolicyConfiguration"] =
      p.config;
  if (p.type == "TargetTrackingScaling") {
    Json alarms = Json::array();
    for (const auto* n : {&p.high_alarm, &p.low_alarm})
      if (!n->empty()) alarms.push_back({{"AlarmName", *n}, {"AlarmARN", "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + *n}});
    j["Alarms"] = std::move(alarms);
  }
  return j;
}

Json put_scaling_policy(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  const auto name = string_or_empty(in, "PolicyName");
  p.target(ctx, id);  // the target must be registered
  const auto type = in.value("PolicyType", "StepScaling");
  auto& state = p.state(ctx);
  const auto key = member_key(id, name);
  auto existing = state.policies.find(key);
  if (existing != state.policies.end() && existing->second.type != type)
    throw ValidationException("The policy " + name + " exists with policy type " + existing->second.type +
                              "; delete it to make it a " + type + " policy");
  ScalingPolicy policy = existing != state.policies.end() ? existing->second : ScalingPolicy{};
  if (existing == state.policies.end()) {
    const auto parts = split_resource_id(id);
    policy.name = name;
    policy.resource_id = id;
    policy.type = type;
    policy.created = epoch(ctx);
    policy.arn = "arn:aws:autoscaling:" + ctx.region + ":" + ctx.account_id + ":scalingPolicy:" + p.ids().uuid() +
                 ":resource/ecs/" + id + ":policyName/" + name;
    policy.action_arn = type == "TargetTrackingScaling" ? policy.arn + ":createdBy/" + p.ids().uuid() : policy.arn;
  }
  Json out{{"PolicyARN", policy.arn}};
  if (type == "TargetTrackingScaling") {
    if (!in.contains("TargetTrackingScalingPolicyConfiguration"))
      throw ValidationException("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy");
    if (in.contains("StepScalingPolicyConfiguration"))
      throw ValidationException("StepScalingPolicyConfiguration is not allowed with PolicyType TargetTrackingScaling");
    const Json& config = in["TargetTrackingScalingPolicyConfiguration"];
    const double value = config.at("TargetValue").get<double>();
    if (!(value > 0)) throw ValidationException("TargetValue must be greater than 0");
    const auto capacity = p.service_capacity(ctx.account_id, ctx.region, id);
    const TrackedMetric metric = tracked_metric(p, ctx, config, id, capacity);
    if (!p.alarms()) throw InternalServiceException("CloudWatch is not available to create the policy's alarms");
    if (policy.high_alarm.empty()) {  // a re-put keeps the alarms' names
      policy.high_alarm = "TargetTracking-" + id + "-AlarmHigh-" + p.ids().uuid();
      policy.low_alarm = "TargetTracking-" + id + "-AlarmLow-" + p.ids().uuid();
    }
    const std::string high_arn =
        p.alarms()->put_alarm(ctx.account_id, ctx.region, alarm_input(policy.high_alarm, metric, true, value, policy.action_arn), ctx.now);
    const std::string low_arn =
        p.alarms()->put_alarm(ctx.account_id, ctx.region, alarm_input(policy.low_alarm, metric, false, value, policy.action_arn), ctx.now);
    policy.config = config;
    out["Alarms"] = Json::array({{{"AlarmName", policy.high_alarm}, {"AlarmARN", high_arn}},
                                 {{"AlarmName", policy.low_alarm}, {"AlarmARN", low_arn}}});
  } else if (type == "StepScaling") {
    if (!in.contains("StepScalingPolicyConfiguration"))
      throw ValidationException("StepScalingPolicyConfiguration is required for a StepScaling policy");
    if (in.contains("TargetTrackingScalingPolicyConfiguration"))
      throw ValidationException("TargetTrackingScalingPolicyConfiguration is not allowed with PolicyType StepScaling");
    check_steps(in["StepScalingPolicyConfiguration"]);
    policy.config = in["StepScalingPolicyConfiguration"];
  } else {
    throw AwsError("NotImplementedException", "ecslocal does not implement " + type + " policies yet.", 501, false);
  }
  state.policies[key] = std::move(policy);
  return out;
}

Json describe_scaling_policies(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  check_namespace_only(in);
  const auto resource = optional_string(in, "ResourceId");
  const auto names = optional_strings(in, "PolicyNames");
  std::vector<std::string> keys;
  std::vector<Json> items;
  if (const AutoScalingState* s = p.store().find(ctx.account_id, ctx.region))
    for (const auto& [key, policy] : s->policies) {
      if (resource && policy.resource_id != *resource) continue;
      if (names && !names->empty() && std::find(names->begin(), names->end(), policy.name) == names->end()) continue;
      keys.push_back(key);
      items.push_back(policy_json(policy, ctx.account_id, ctx.region));
    }
  return paged(keys, in, std::move(items), "ScalingPolicies");
}

Json delete_scaling_policy(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  const auto name = string_or_empty(in, "PolicyName");
  const auto key = member_key(id, name);
  if (!p.state(ctx).policies.count(key))
    throw ObjectNotFoundException("No scaling policy found for service namespace: ecs, resource ID: " + id +
                                  ", scalable dimension: " + kDimension + ", policy name: " + name);
  p.remove_policy(ctx.account_id, ctx.region, key);
  return Json::object();
}

}  // namespace

// ---- acting (spec §7.3, §7.4) ----

void AutoScalingProvider::act_target_tracking(const AlarmInvocation& call, AutoScalingState& state,
                                              ScalingPolicy& policy, ScalableTarget& target) {
  if (call.state != "ALARM") return;
  const double now = seconds_of(call.now);
  const auto capacity = service_capacity(call.account_id, call.region, target.resource_id);
  if (capacity.status != "ACTIVE") return;
  const int c = capacity.desired;
  const double target_value = policy.config.value("TargetValue", 1.0);
  const double m = call.datapoints.empty() ? 0 : call.datapoints.front().second;
  const bool high = call.alarm_name == policy.high_alarm;
  if (high) {
    if (target.suspend_out) return;
    const bool cooling = now < target.out_cooldown_until;
    const int base = cooling ? target.capacity_before_out : c;
    int n = static_cast<int>(std::ceil(static_cast<double>(base) * m / target_value - 1e-9));
    if (base == 0 && m > 0) n = std::max(n, 1);  // from zero, one datapoint asks for a first task
    n = std::clamp(n, target.min, target.max);
    if (n <= c) return;
    if (!set_capacity(call.account_id, call.region, target, n, cause_of(call, policy), now)) return;
    if (!cooling) target.capacity_before_out = c;
    target.out_cooldown_until = now + number_or(policy.config, "ScaleOutCooldown", kDefaultCooldown);
    target.in_cooldown_until = 0;  // a scale-out ends a scale-in cooldown
    return;
  }
  if (flag(policy.config, "DisableScaleIn") || target.suspend_in || now < target.in_cooldown_until ||
      capacity.deployment_in_progress)
    return;
  // Scale in only when every other target-tracking policy of the target (with scale-in) wants to.
  for (const auto& [key, other] : state.policies) {
    if (&other == &policy || other.resource_id != target.resource_id || other.type != "TargetTrackingScaling" ||
        flag(other.config, "DisableScaleIn"))
      continue;
    const auto s = alarms_ ? alarms_->alarm_state(call.account_id, call.region, other.low_alarm) : std::nullopt;
    if (!s || s->value != "ALARM") return;
  }
  int n = m <= 0 ? target.min : static_cast<int>(std::ceil(static_cast<double>(c) * m / target_value - 1e-9));
  n = std::clamp(n, target.min, target.max);
  if (n >= c) return;
  if (set_capacity(call.account_id, call.region, target, n, cause_of(call, policy), now))
    target.in_cooldown_until = now + number_or(policy.config, "ScaleInCooldown", kDefaultCooldown);
}

void AutoScalingProvider::act_step(const AlarmInvocation& call, AutoScalingState&, ScalingPolicy& policy,
                                   ScalableTarget& target) {
  if (call.datapoints.empty()) return;  // nothing to measure the breach by
  const double now = seconds_of(call.now);
  const Json& cfg = policy.config;
  const auto capacity = service_capacity(call.account_id, call.region, target.resource_id);
  if (capacity.status != "ACTIVE") return;
  const int c = capacity.desired;
  const std::string aggregation = cfg.value("MetricAggregationType", "Average");
  double value = call.datapoints.front().second;
  if (aggregation == "Minimum" || aggregation == "Maximum" || aggregation == "Average") {
    double sum = 0, lo = value, hi = value;
    for (const auto& [t, v] : call.datapoints) sum += v, lo = std::min(lo, v), hi = std::max(hi, v);
    value = aggregation == "Minimum" ? lo : aggregation == "Maximum" ? hi : sum / static_cast<double>(call.datapoints.size());
  }
  const double d = value - call.threshold;
  const double inf = std::numeric_limits<double>::infinity();
  const Json steps = cfg.value("StepAdjustments", Json::array());
  const Json* step = nullptr;
  for (const auto& s : steps) {
    const double lower = number_or(s, "MetricIntervalLowerBound", -inf), upper = number_or(s, "MetricIntervalUpperBound", inf);
    const bool inside = d >= 0 ? (lower <= d && d < upper) : (lower < d && d <= upper);
    if (inside) {
      step = &s;
      break;
    }
  }
  if (!step) return;
  const double adjustment = number_or(*step, "ScalingAdjustment", 0);
  const std::string type = cfg.value("AdjustmentType", "ChangeInCapacity");
  const bool cooling_out = now < target.out_cooldown_until;
  const int base = cooling_out && adjustment > 0 && type != "ExactCapacity" ? target.capacity_before_out : c;
  int n = base;
  if (type == "ExactCapacity") {
    n = static_cast<int>(adjustment);
  } else if (type == "PercentChangeInCapacity") {
    const double raw = static_cast<double>(base) * adjustment / 100.0;
    double change = raw > 1 ? std::floor(raw) : raw > 0 ? 1 : raw >= -1 ? (raw < 0 ? -1 : 0) : std::ceil(raw);
    const double magnitude = number_or(cfg, "MinAdjustmentMagnitude", 0);
    if (change != 0 && std::fabs(change) < magnitude) change = change > 0 ? magnitude : -magnitude;
    n = base + static_cast<int>(change);
  } else {
    n = base + static_cast<int>(adjustment);
  }
  n = std::clamp(n, target.min, target.max);
  const double cooldown = number_or(cfg, "Cooldown", kDefaultCooldown);
  // A step that adds never removes (inside the cooldown it may add nothing), and the reverse.
  const bool adds = type == "ExactCapacity" ? n > c : adjustment > 0;
  if (adds) {
    if (n <= c || target.suspend_out) return;
    if (!set_capacity(call.account_id, call.region, target, n, cause_of(call, policy), now)) return;
    if (!cooling_out) target.capacity_before_out = c;
    target.out_cooldown_until = now + cooldown;
    target.in_cooldown_until = 0;
  } else {
    if (n >= c || target.suspend_in || now < target.in_cooldown_until) return;
    if (set_capacity(call.account_id, call.region, target, n, cause_of(call, policy), now))
      target.in_cooldown_until = now + cooldown;
  }
}

void register_policy_operations(AutoScalingProvider& provider, OperationTable& table) {
  bind_operation(table, "PutScalingPolicy", provider, &put_scaling_policy);
  bind_operation(table, "DescribeScalingPolicies", provider, &describe_scaling_policies);
  bind_operation(table, "DeleteScalingPolicy", provider, &delete_scaling_policy);
}

}  // namespace ecslocal::api::autoscaling
