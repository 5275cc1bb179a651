// PutScheduledAction, DescribeScheduledActions, DeleteScheduledAction (spec §7.5); the runs
// themselves are AutoScalingProvider::run_scheduled, armed on the Timers port.
#include <algorithm>

#include "api/autoscaling/errors.hpp"
#include "api/autoscaling/ops.hpp"
#include "api/common/json_read.hpp"

namespace ecslocal::api::autoscaling {

using namespace json_read;
namespace {

std::optional<double> optional_time(const Json& in, const char* key) {
  if (!in.contains(key) || !in[key].is_number()) return std::nullopt;
  return in[key].get<double>();
}

Json scheduled_json(const ScheduledAction& a) {
  Json j{{"ScheduledActionName", a.name}, {"ScheduledActionARN", a.arn}, {"ServiceNamespace", kNamespace},
         {"Schedule", a.schedule}, {"ResourceId", a.resource_id}, {"ScalableDimension", kDimension},
         {"CreationTime", a.created}};
  if (!a.timezone.empty()) j["Timezone"] = a.timezone;
  if (a.start) j["StartTime"] = *a.start;
  if (a.end) j["EndTime"] = *a.end;
  Json action = Json::object();
  if (a.min) action["MinCapacity"] = *a.min;
  if (a.max) action["MaxCapacity"] = *a.max;
  if (!action.empty()) j["ScalableTargetAction"] = std::move(action);
  return j;
}

Json put_scheduled_action(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  const auto name = string_or_empty(in, "ScheduledActionName");
  p.target(ctx, id);
  auto& state = p.state(ctx);
  const auto key = member_key(id, name);
  auto existing = state.scheduled.find(key);
  ScheduledAction a = existing != state.scheduled.end() ? existing->second : ScheduledAction{};
  a.timer = 0;
  if (auto s = optional_string(in, "Schedule")) a.schedule = *s;
  if (a.schedule.empty()) throw ValidationException("Schedule is required when creating a scheduled action");
  if (auto tz = optional_string(in, "Timezone")) a.timezone = *tz;
  if (auto t = optional_time(in, "StartTime")) a.start = t;
  if (auto t = optional_time(in, "EndTime")) a.end = t;
  if (a.start && a.end && *a.start >= *a.end) throw ValidationException("StartTime must be before EndTime");
  if (in.contains("ScalableTargetAction")) {
    const Json& action = in["ScalableTargetAction"];
    a.min = optional_int(action, "MinCapacity");
    a.max = optional_int(action, "MaxCapacity");
  }
  if (!a.min && !a.max)
    throw ValidationException("ScalableTargetAction must set MinCapacity, MaxCapacity or both");
  if (a.min && a.max && *a.min > *a.max)
    throw ValidationException("Minimum capacity cannot be greater than maximum capacity");
  check_schedule(a.schedule, a.timezone);
  if (existing == state.scheduled.end()) {
    a.name = name;
    a.resource_id = id;
    a.created = epoch(ctx);
    a.arn = "arn:aws:autoscaling:" + ctx.region + ":" + ctx.account_id + ":scheduledAction:" + p.ids().uuid() +
            ":resource/ecs/" + id + ":scheduledActionName/" + name;
  } else {
    p.cancel(existing->second);
  }
  auto& stored = state.scheduled[key] = std::move(a);
  p.arm(ctx.account_id, ctx.region, stored, epoch(ctx));
  return Json::object();
}

Json describe_scheduled_actions(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  check_namespace_only(in);
  const auto resource = optional_string(in, "ResourceId");
  const auto names = optional_strings(in, "ScheduledActionNames");
  std::vector<std::string> keys;
  std::vector<Json> items;
  if (const AutoScalingState* s = p.store().find(ctx.account_id, ctx.region))
    for (const auto& [key, a] : s->scheduled) {
      if (resource && a.resource_id != *resource) continue;
      if (names && !names->empty() && std::find(names->begin(), names->end(), a.name) == names->end()) continue;
      keys.push_back(key);
      items.push_back(scheduled_json(a));
    }
  return paged(keys, in, std::move(items), "ScheduledActions");
}

Json delete_scheduled_action(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  const auto name = string_or_empty(in, "ScheduledActionName");
  auto& scheduled = p.state(ctx).scheduled;
  auto it = scheduled.find(member_key(id, name));
  if (it == scheduled.end())
    throw ObjectNotFoundException("No scheduled action found for service namespace: ecs, resource ID: " + id +
                                  ", scalable dimension: " + kDimension + ", scheduled action name: " + name);
  p.cancel(it->second);
  scheduled.erase(it);
  return Json::object();
}

}  // namespace

void register_scheduled_operations(AutoScalingProvider& provider, OperationTable& table) {
  bind_operation(table, "PutScheduledAction", provider, &put_scheduled_action);
  bind_operation(table, "DescribeScheduledActions", provider, &describe_scheduled_actions);
  bind_operation(table, "DeleteScheduledAction", provider, &delete_scheduled_action);
}

}  // namespace ecslocal::api::autoscaling
