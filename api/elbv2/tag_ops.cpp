// AddTags, RemoveTags, DescribeTags on load balancers, target groups, listeners and rules.
#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/elbv2/errors.hpp"
#include "api/elbv2/mapping.hpp"
#include "api/elbv2/provider.hpp"
#include "api/elbv2/validation.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using namespace json_read;

// Throws the NotFound error of the ARN's resource type unless it exists.
void require_resource(const ElbState& state, const std::string& arn) {
  if (arn.find(":loadbalancer/") != std::string::npos) {
    if (!state.load_balancers.count(arn)) throw LoadBalancerNotFoundException("One or more load balancers not found");
  } else if (arn.find(":targetgroup/") != std::string::npos) {
    if (!state.target_groups.count(arn)) throw TargetGroupNotFoundException("One or more target groups not found");
  } else if (arn.find(":listener/") != std::string::npos) {
    if (!state.listeners.count(arn)) throw ListenerNotFoundException("One or more listeners not found");
  } else if (arn.find(":listener-rule/") != std::string::npos) {
    if (state.rules.count(arn)) return;
    for (const auto& [l, listener] : state.listeners)
      if (listener.default_rule_arn == arn) return;
    throw RuleNotFoundException("One or more rules not found");
  } else {
    throw ValidationError("The ARN '" + arn + "' is not a valid resource ARN");
  }
}

Json add_tags(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto arns = strings(input, "ResourceArns");
  const Tags tags = tags_from(input);
  check_new_tags(tags);
  for (const auto& arn : arns) require_resource(state, arn);
  for (const auto& arn : arns) {
    Tags merged = state.tags[arn];
    merge_tags(merged, tags);
  }
  for (const auto& arn : arns) merge_tags(state.tags[arn], tags);
  return Json::object();
}

Json remove_tags(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto arns = strings(input, "ResourceArns");
  const auto keys = strings(input, "TagKeys");
  for (const auto& arn : arns) require_resource(state, arn);
  for (const auto& arn : arns) {
    auto it = state.tags.find(arn);
    if (it == state.tags.end()) continue;
    std::erase_if(it->second, [&](const auto& t) { return std::find(keys.begin(), keys.end(), t.first) != keys.end(); });
    if (it->second.empty()) state.tags.erase(it);
  }
  return Json::object();
}

Json describe_tags(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto arns = strings(input, "ResourceArns");
  if (arns.size() > 20) throw ValidationError("You can specify up to 20 resources in a single call");
  Json out = Json::array();
  for (const auto& arn : arns) {
    require_resource(state, arn);
    auto it = state.tags.find(arn);
    out.push_back({{"ResourceArn", arn}, {"Tags", it == state.tags.end() ? Json::array() : tags_json(it->second)}});
  }
  return {{"TagDescriptions", std::move(out)}};
}

}  // namespace

void register_tag_operations(ElbProvider& p, OperationTable& table) {
  bind_operation(table, "AddTags", p, add_tags);
  bind_operation(table, "RemoveTags", p, remove_tags);
  bind_operation(table, "DescribeTags", p, describe_tags);
}

}  // namespace ecslocal::api::elbv2
