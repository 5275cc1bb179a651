// RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget,
// DescribeScalingActivities and tags (spec §7.1, §7.6).
#include <algorithm>

#include "api/autoscaling/errors.hpp"
#include "api/autoscaling/ops.hpp"
#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"

namespace ecslocal::api::autoscaling {

using namespace json_read;

double epoch(const RequestContext& ctx) { return std::chrono::duration<double>(ctx.now.time_since_epoch()).count(); }

std::string check_target_key(const Json& in) {
  const auto ns = string_or_empty(in, "ServiceNamespace");
  if (ns != kNamespace)
    throw ValidationException("ecslocal's Application Auto Scaling scales ECS services only (service namespace ecs); " +
                              ns + " is not supported");
  const auto dimension = optional_string(in, "ScalableDimension");
  if (dimension && *dimension != kDimension)
    throw ValidationException("Unsupported service namespace, resource type or scalable dimension");
  const auto id = string_or_empty(in, "ResourceId");
  if (!split_resource_id(id))
    throw ValidationException("Unsupported service namespace, resource type or scalable dimension");
  return id;
}

void check_namespace_only(const Json& in) {
  const auto ns = string_or_empty(in, "ServiceNamespace");
  if (ns != kNamespace)
    throw ValidationException("ecslocal's Application Auto Scaling scales ECS services only (service namespace ecs); " +
                              ns + " is not supported");
}

Json paged(const std::vector<std::string>& keys, const Json& in, std::vector<Json> items, const char* list) {
  PageRequest request{optional_string(in, "NextToken"), optional_long(in, "MaxResults"), 50, 50,
                      InvalidNextTokenException::kCode};
  const Page page = paginate(keys, request);
  Json out{{list, Json::array()}};
  for (size_t i = page.begin; i < page.end; ++i) out[list].push_back(std::move(items[i]));
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

bool resource_listed(const Json& in, const std::string& resource_id) {
  const auto ids = optional_strings(in, "ResourceIds");
  return !ids || ids->empty() || std::find(ids->begin(), ids->end(), resource_id) != ids->end();
}

namespace {

Json target_json(const ScalableTarget& t) {
  return Json{{"ServiceNamespace", kNamespace}, {"ResourceId", t.resource_id}, {"ScalableDimension", kDimension},
              {"MinCapacity", t.min}, {"MaxCapacity", t.max}, {"RoleARN", t.role_arn}, {"CreationTime", t.created},
              {"SuspendedState",
               {{"DynamicScalingInSuspended", t.suspend_in},
                {"DynamicScalingOutSuspended", t.suspend_out},
                {"ScheduledScalingSuspended", t.suspend_scheduled}}},
              {"ScalableTargetARN", t.arn}};
}

void read_tags(const Json& tags, std::vector<std::pair<std::string, std::string>>& into) {
  if (!tags.is_object()) return;
  for (const auto& [k, v] : tags.items()) {
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& kv) { return kv.first == k; });
    if (it != into.end()) it->second = v.get<std::string>();
    else into.emplace_back(k, v.get<std::string>());
  }
  if (into.size() > 50) throw TooManyTagsException("A scalable target can have at most 50 tags.");
}

Json register_scalable_target(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  if (!optional_string(in, "ScalableDimension"))
    throw ValidationException("The parameter ScalableDimension is required.");
  p.service_capacity(ctx.account_id, ctx.region, id);  // the service must exist
  auto& state = p.state(ctx);
  auto it = state.targets.find(id);
  const bool created = it == state.targets.end();
  const auto min = optional_int(in, "MinCapacity"), max = optional_int(in, "MaxCapacity");
  if (created && (!min || !max))
    throw ValidationException("MinCapacity and MaxCapacity are required when registering a new scalable target");
  ScalableTarget t = created ? ScalableTarget{} : it->second;
  if (min) t.min = *min;
  if (max) t.max = *max;
  if (t.min < 0 || t.max < 0) throw ValidationException("Capacity values must not be negative");
  if (t.min > t.max)
    throw ValidationException("Minimum capacity cannot be greater than maximum capacity (" + std::to_string(t.min) +
                              " > " + std::to_string(t.max) + ")");
  if (const auto& s = in.value("SuspendedState", Json::object()); s.is_object()) {
    if (auto v = optional_bool(s, "DynamicScalingInSuspended")) t.suspend_in = *v;
    if (auto v = optional_bool(s, "DynamicScalingOutSuspended")) t.suspend_out = *v;
    if (auto v = optional_bool(s, "ScheduledScalingSuspended")) t.suspend_scheduled = *v;
  }
  if (created) {
    t.resource_id = id;
    t.created = epoch(ctx);
    t.arn = "arn:aws:application-autoscaling:" + ctx.region + ":" + ctx.account_id + ":scalable-target/" +
            p.ids().hex(36);
    t.role_arn = "arn:aws:iam::" + ctx.account_id +
                 ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                 "AWSServiceRoleForApplicationAutoScaling_ECSService";
    read_tags(in.value("Tags", Json::object()), t.tags);
  }
  if (auto role = optional_string(in, "RoleARN"); role && !role->empty()) t.role_arn = *role;
  auto& stored = state.targets[id] = std::move(t);
  p.clamp(ctx.account_id, ctx.region, stored, epoch(ctx));
  return Json{{"ScalableTargetARN", stored.arn}};
}

Json describe_scalable_targets(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  check_namespace_only(in);
  if (auto d = optional_string(in, "ScalableDimension"); d && *d != kDimension)
    return Json{{"ScalableTargets", Json::array()}};
  std::vector<std::string> keys;
  std::vector<Json> items;
  if (const AutoScalingState* s = p.store().find(ctx.account_id, ctx.region))
    for (const auto& [id, t] : s->targets)
      if (resource_listed(in, id)) {
        keys.push_back(id);
        items.push_back(target_json(t));
      }
  return paged(keys, in, std::move(items), "ScalableTargets");
}

Json deregister_scalable_target(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto id = check_target_key(in);
  p.target(ctx, id);
  auto& state = p.state(ctx);
  std::vector<std::string> policies;
  for (const auto& [key, policy] : state.policies)
    if (policy.resource_id == id) policies.push_back(key);
  for (const auto& key : policies) p.remove_policy(ctx.account_id, ctx.region, key);
  for (auto it = state.scheduled.begin(); it != state.scheduled.end();) {
    if (it->second.resource_id == id) {
      p.cancel(it->second);
      it = state.scheduled.erase(it);
    } else {
      ++it;
    }
  }
  state.targets.erase(id);
  return Json::object();
}

Json describe_scaling_activities(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  check_namespace_only(in);
  const auto resource = optional_string(in, "ResourceId");
  std::vector<std::string> keys;
  std::vector<Json> items;
  if (const AutoScalingState* s = p.store().find(ctx.account_id, ctx.region)) {
    std::uint64_t n = 0;
    for (const auto& a : s->activities) {  // newest first; keys count up in that order
      if (resource && a.resource_id != *resource) continue;
      Json j{{"ActivityId", a.id}, {"ServiceNamespace", kNamespace}, {"ResourceId", a.resource_id},
             {"ScalableDimension", kDimension}, {"Description", a.description}, {"Cause", a.cause},
             {"StartTime", a.start}, {"StatusCode", a.status}};
      if (a.end > 0) j["EndTime"] = a.end;
      if (!a.message.empty()) j["StatusMessage"] = a.message;
      if (!a.details.empty()) j["Details"] = a.details;
      keys.push_back(sequence_key(n++) + a.id);
      items.push_back(std::move(j));
    }
  }
  return paged(keys, in, std::move(items), "ScalingActivities");
}

ScalableTarget& target_by_arn(AutoScalingProvider& p, const RequestContext& ctx, const std::string& arn) {
  for (auto& [id, t] : p.state(ctx).targets)
    if (t.arn == arn) return t;
  throw ResourceNotFoundException("No scalable target found for ARN " + arn);
}

Json tag_resource(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  auto& t = target_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  auto tags = t.tags;
  read_tags(in.value("Tags", Json::object()), tags);
  t.tags = std::move(tags);
  return Json::object();
}

Json untag_resource(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  auto& t = target_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  for (const auto& key : optional_strings(in, "TagKeys").value_or(std::vector<std::string>{}))
    std::erase_if(t.tags, [&](const auto& kv) { return kv.first == key; });
  return Json::object();
}

Json list_tags_for_resource(AutoScalingProvider& p, const RequestContext& ctx, Json& in) {
  const auto& t = target_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  Json tags = Json::object();
  for (const auto& [k, v] : t.tags) tags[k] = v;
  return Json{{"Tags", std::move(tags)}};
}

}  // namespace

void register_target_operations(AutoScalingProvider& provider, OperationTable& table) {
  bind_operation(table, "RegisterScalableTarget", provider, &register_scalable_target);
  bind_operation(table, "DescribeScalableTargets", provider, &describe_scalable_targets);
  bind_operation(table, "DeregisterScalableTarget", provider, &deregister_scalable_target);
  bind_operation(table, "DescribeScalingActivities", provider, &describe_scaling_activities);
  bind_operation(table, "TagResource", provider, &tag_resource);
  bind_operation(table, "UntagResource", provider, &untag_resource);
  bind_operation(table, "ListTagsForResource", provider, &list_tags_for_resource);
}

}  // namespace ecslocal::api::autoscaling
