#include "api/autoscaling/provider.hpp"

#include <chrono>
#include <cmath>

#include "api/autoscaling/errors.hpp"
#include "api/ports/target_groups.hpp"
#include "api/ports/timers.hpp"

namespace ecslocal::api::autoscaling {
namespace {

constexpr double kActivityRetention = 6 * 7 * 86400.0;  // DescribeScalingActivities covers six weeks

Clock::time_point time_of(double s) {
  return Clock::time_point{std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s))};
}

Json optional_number(const std::optional<double>& v) { return v ? Json(*v) : Json(); }
Json optional_number(const std::optional<int>& v) { return v ? Json(*v) : Json(); }
template <typename T>
std::optional<T> read_optional(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_resource_id(const std::string& resource_id) {
  const std::string prefix = "service/";
  if (resource_id.rfind(prefix, 0) != 0) return std::nullopt;
  const auto rest = resource_id.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() || rest.find('/', slash + 1) != std::string::npos)
    return std::nullopt;
  return std::make_pair(rest.substr(0, slash), rest.substr(slash + 1));
}

std::string no_target_message(const std::string& resource_id) {
  return std::string("No scalable target registered for service namespace: ") + kNamespace +
         ", resource ID: " + resource_id + ", scalable dimension: " + kDimension;
}

AutoScalingProvider::AutoScalingProvider(std::shared_ptr<IdSource> ids, std::function<Clock::time_point()> clock)
    : ids_(std::move(ids)), clock_(std::move(clock)) {
  register_target_operations(*this, table_);
  register_policy_operations(*this, table_);
  register_scheduled_operations(*this, table_);
}

const protocol::ServiceModel& AutoScalingProvider::model() const {
  return protocol::ServiceModel::get("autoscaling");
}

void AutoScalingProvider::connect(Ports& ports) {
  timers_ = ports.find<Timers>();
  desired_ = ports.find<DesiredCount>();
  alarms_ = ports.find<ManagedAlarms>();
  target_groups_ = ports.find<TargetGroupDirectory>();
}

ScalableTarget& AutoScalingProvider::target(const RequestContext& ctx, const std::string& resource_id) {
  auto& targets = state(ctx).targets;
  auto it = targets.find(resource_id);
  if (it == targets.end()) throw ObjectNotFoundException(no_target_message(resource_id));
  return it->second;
}

ServiceCapacity AutoScalingProvider::service_capacity(const std::string& account, const std::string& region,
                                                      const std::string& resource_id) const {
  const auto parts = split_resource_id(resource_id);
  if (!parts) throw ValidationException("Unsupported service namespace, resource type or scalable dimension");
  std::optional<ServiceCapacity> c;
  if (desired_) c = desired_->capacity(ServiceRef{account, region, parts->first, parts->second});
  if (!c) throw ValidationException("ECS service doesn't exist: " + resource_id);
  return *c;
}

Activity& AutoScalingProvider::add_activity(AutoScalingState& state, const std::string& resource_id,
                                            std::string description, std::string cause, double now) {
  while (!state.activities.empty() && state.activities.back().start < now - kActivityRetention)
    state.activities.pop_back();
  Activity a;
  a.id = ids_->uuid();
  a.resource_id = resource_id;
  a.description = std::move(description);
  a.cause = std::move(cause);
  a.status = "InProgress";
  a.start = now;
  state.activities.push_front(std::move(a));
  return state.activities.front();
}

bool AutoScalingProvider::set_capacity(const std::string& account, const std::string& region, ScalableTarget& target,
                                       int desired, const std::string& cause, double now) {
  auto& state = store_.at(account, region);
  const std::string count = std::to_string(desired);
  Activity& a = add_activity(state, target.resource_id, "Setting desired count to " + count + ".", cause, now);
  const auto parts = split_resource_id(target.resource_id);
  try {
    if (!desired_ || !parts) throw std::runtime_error("ECS is not available");
    desired_->set_desired_count(ServiceRef{account, region, parts->first, parts->second}, desired,
                                "application-autoscaling: " + cause, time_of(now));
    a.status = "Successful";
    a.message = "Successfully set desired count to " + count + ". Change successfully fulfilled by ecs.";
  } catch (const std::exception& e) {
    a.status = "Failed";
    a.message = "Failed to set desired count to " + count + ". Reason: " + e.what();
  }
  a.end = now;
  return a.status == "Successful";
}

void AutoScalingProvider::clamp(const std::string& account, const std::string& region, ScalableTarget& target,
                                double now) {
  const auto parts = split_resource_id(target.resource_id);
  if (!desired_ || !parts) return;
  const auto c = desired_->capacity(ServiceRef{account, region, parts->first, parts->second});
  if (!c || c->status != "ACTIVE") return;
  if (c->desired < target.min)
    set_capacity(account, region, target, target.min, "minimum capacity was set to " + std::to_string(target.min), now);
  else if (c->desired > target.max)
    set_capacity(account, region, target, target.max, "maximum capacity was set to " + std::to_string(target.max), now);
}

void AutoScalingProvider::remove_policy(const std::string& account, const std::string& region, const std::string& key) {
  auto& state = store_.at(account, region);
  auto it = state.policies.find(key);
  if (it == state.policies.end()) return;
  std::vector<std::string> names;
  for (const auto* n : {&it->second.high_alarm, &it->second.low_alarm})
    if (!n->empty()) names.push_back(*n);
  if (alarms_ && !names.empty()) alarms_->delete_alarms(account, region, names);
  state.policies.erase(it);
}

bool AutoScalingProvider::handles_action(const std::string& action_arn) const {
  return action_arn.rfind("arn:aws:autoscaling:", 0) == 0 && action_arn.find(":scalingPolicy:") != std::string::npos;
}

void AutoScalingProvider::invoke_action(const AlarmInvocation& call) {
  AutoScalingState* state = store_.find(call.account_id, call.region);
  if (!state) throw ObjectNotFoundException("No scaling policy found for " + call.action_arn);
  for (auto& [key, policy] : state->policies) {
    if (policy.action_arn != call.action_arn && policy.arn != call.action_arn) continue;
    auto t = state->targets.find(policy.resource_id);
    if (t == state->targets.end()) throw ObjectNotFoundException(no_target_message(policy.resource_id));
    if (policy.type == "TargetTrackingScaling")
      act_target_tracking(call, *state, policy, t->second);
    else
      act_step(call, *state, policy, t->second);
    return;
  }
  throw ObjectNotFoundException("No scaling policy found for " + call.action_arn);
}

// ---- scheduled actions ----

void AutoScalingProvider::cancel(ScheduledAction& action) {
  if (timers_ && action.timer) timers_->cancel(action.timer);
  action.timer = 0;
}

void AutoScalingProvider::arm(const std::string& account, const std::string& region, ScheduledAction& action,
                              double after) {
  cancel(action);
  if (!timers_) return;
  const auto at = next_run(action.schedule, action.timezone, after, action.created, action.start, action.end);
  if (!at) return;
  const std::string key = member_key(action.resource_id, action.name);
  action.timer = timers_->schedule(time_of(*at), [this, account, region, key](Clock::time_point due) {
    run_scheduled(account, region, key, seconds_of(due));
  });
}

void AutoScalingProvider::run_scheduled(const std::string& account, const std::string& region, const std::string& key,
                                        double due) {
  AutoScalingState* state = store_.find(account, region);
  if (!state) return;
  auto it = state->scheduled.find(key);
  if (it == state->scheduled.end()) return;
  ScheduledAction& action = it->second;
  action.timer = 0;
  auto t = state->targets.find(action.resource_id);
  if (t != state->targets.end() && !t->second.suspend_scheduled) {
    ScalableTarget& target = t->second;
    std::string description = "Setting ", message = "Successfully set ";
    std::string what;
    if (action.min) what += "min capacity to " + std::to_string(*action.min);
    if (action.min && action.max) what += " and ";
    if (action.max) what += "max capacity to " + std::to_string(*action.max);
    if (action.min) target.min = *action.min;
    if (action.max) target.max = *action.max;
    Activity& a = add_activity(*state, target.resource_id, description + what,
                               "scheduled action name " + action.name + " was triggered", due);
    a.status = "Successful";
    a.message = message + what;
    a.end = due;
    clamp(account, region, target, due);
  }
  arm(account, region, action, due);
}

// ---- lifecycle ----

Json AutoScalingProvider::snapshot() const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const AutoScalingState& s) {
    Json targets = Json::array(), policies = Json::array(), scheduled = Json::array(), activities = Json::array();
    for (const auto& [id, t] : s.targets)
      targets.push_back({{"resourceId", t.resource_id}, {"min", t.min}, {"max", t.max}, {"role", t.role_arn},
                         {"arn", t.arn}, {"created", t.created}, {"suspendIn", t.suspend_in},
                         {"suspendOut", t.suspend_out}, {"suspendScheduled", t.suspend_scheduled}, {"tags", t.tags},
                         {"outUntil", t.out_cooldown_until}, {"inUntil", t.in_cooldown_until},
                         {"before", t.capacity_before_out}});
    for (const auto& [k, p] : s.policies)
      policies.push_back({{"name", p.name}, {"arn", p.arn}, {"resourceId", p.resource_id}, {"type", p.type},
                          {"config", p.config}, {"action", p.action_arn}, {"high", p.high_alarm},
                          {"low", p.low_alarm}, {"created", p.created}});
    for (const auto& [k, a] : s.scheduled)
      scheduled.push_back({{"name", a.name}, {"arn", a.arn}, {"resourceId", a.resource_id}, {"schedule", a.schedule},
                           {"timezone", a.timezone}, {"start", optional_number(a.start)},
                           {"end", optional_number(a.end)}, {"min", optional_number(a.min)},
                           {"max", optional_number(a.max)}, {"created", a.created}});
    for (const auto& a : s.activities)
      activities.push_back({{"id", a.id}, {"resourceId", a.resource_id}, {"description", a.description},
                            {"cause", a.cause}, {"status", a.status}, {"message", a.message}, {"details", a.details},
                            {"start", a.start}, {"end", a.end}});
    out.push_back({{"account", account}, {"region", region}, {"targets", std::move(targets)},
                   {"policies", std::move(policies)}, {"scheduled", std::move(scheduled)},
                   {"activities", std::move(activities)}});
  });
  return out;
}

void AutoScalingProvider::restore(const Json& snapshot) {
  AutoScalingStore restored;
  try {
    for (const auto& entry : snapshot) {
      AutoScalingState s;
      for (const auto& j : entry.at("targets")) {
        ScalableTarget t;
        t.resource_id = j.at("resourceId").get<std::string>();
        t.min = j.at("min").get<int>();
        t.max = j.at("max").get<int>();
        t.role_arn = j.at("role").get<std::string>();
        t.arn = j.at("arn").get<std::string>();
        t.created = j.at("created").get<double>();
        t.suspend_in = j.at("suspendIn").get<bool>();
        t.suspend_out = j.at("suspendOut").get<bool>();
        t.suspend_scheduled = j.at("suspendScheduled").get<bool>();
        t.tags = j.at("tags").get<std::vector<std::pair<std::string, std::string>>>();
        t.out_cooldown_until = j.at("outUntil").get<double>();
        t.in_cooldown_until = j.at("inUntil").get<double>();
        t.capacity_before_out = j.at("before").get<int>();
        s.targets[t.resource_id] = std::move(t);
      }
      for (const auto& j : entry.at("policies")) {
        ScalingPolicy p{j.at("name").get<std::string>(), j.at("arn").get<std::string>(),
                        j.at("resourceId").get<std::string>(), j.at("type").get<std::string>(), j.at("config"),
                        j.at("action").get<std::string>(), j.at("high").get<std::string>(),
                        j.at("low").get<std::string>(), j.at("created").get<double>()};
        s.policies[member_key(p.resource_id, p.name)] = std::move(p);
      }
      for (const auto& j : entry.at("scheduled")) {
        ScheduledAction a;
        a.name = j.at("name").get<std::string>();
        a.arn = j.at("arn").get<std::string>();
        a.resource_id = j.at("resourceId").get<std::string>();
        a.schedule = j.at("schedule").get<std::string>();
        a.timezone = j.at("timezone").get<std::string>();
        a.start = read_optional<double>(j, "start");
        a.end = read_optional<double>(j, "end");
        a.min = read_optional<int>(j, "min");
        a.max = read_optional<int>(j, "max");
        a.created = j.at("created").get<double>();
        s.scheduled[member_key(a.resource_id, a.name)] = std::move(a);
      }
      for (const auto& j : entry.at("activities"))
        s.activities.push_back({j.at("id").get<std::string>(), j.at("resourceId").get<std::string>(),
                                j.at("description").get<std::string>(), j.at("cause").get<std::string>(),
                                j.at("status").get<std::string>(), j.at("message").get<std::string>(),
                                j.at("details").get<std::string>(), j.at("start").get<double>(),
                                j.at("end").get<double>()});
      restored.put(entry.at("account").get<std::string>(), entry.at("region").get<std::string>(), std::move(s));
    }
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("autoscaling snapshot: ") + e.what());
  }
  on_reset();
  store_ = std::move(restored);
  const double now = seconds_of(clock_());
  store_.for_each([&](const std::string& account, const std::string& region, AutoScalingState& s) {
    for (auto& [k, a] : s.scheduled) arm(account, region, a, now);
  });
}

Json AutoScalingProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const AutoScalingState& s) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json targets = Json::array(), policies = Json::array(), activities = Json::array();
    for (const auto& [id, t] : s.targets)
      targets.push_back({{"ResourceId", id}, {"MinCapacity", t.min}, {"MaxCapacity", t.max}});
    for (const auto& [k, p] : s.policies)
      policies.push_back({{"PolicyName", p.name}, {"ResourceId", p.resource_id}, {"PolicyType", p.type}});
    for (const auto& a : s.activities)
      activities.push_back({{"ResourceId", a.resource_id}, {"Description", a.description}, {"Cause", a.cause},
                            {"StatusCode", a.status}, {"StartTime", a.start}});
    out.push_back({{"account", account}, {"region", region}, {"scalableTargets", std::move(targets)},
                   {"scalingPolicies", std::move(policies)}, {"scalingActivities", std::move(activities)}});
  });
  return out;
}

void AutoScalingProvider::on_reset() {
  store_.for_each([&](const std::string&, const std::string&, AutoScalingState& s) {
    for (auto& [k, a] : s.scheduled) cancel(a);
  });
  store_.clear();
}

}  // namespace ecslocal::api::autoscaling
