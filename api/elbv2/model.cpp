#include "api/elbv2/model.hpp"

#include <algorithm>
#include <set>

namespace ecslocal::api::elbv2 {

int TargetGroup::deregistration_delay() const {
  auto it = attributes.find("deregistration_delay.timeout_seconds");
  if (it == attributes.end()) return 300;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return 300;
  }
}

LoadBalancer* ElbState::find_load_balancer_by_name(const std::string& name) {
  for (auto& [arn, lb] : load_balancers)
    if (lb.name == name) return &lb;
  return nullptr;
}

TargetGroup* ElbState::find_target_group_by_name(const std::string& name) {
  for (auto& [arn, tg] : target_groups)
    if (tg.name == name) return &tg;
  return nullptr;
}

TargetGroup* ElbState::find_target_group(const std::string& arn) {
  auto it = target_groups.find(arn);
  return it == target_groups.end() ? nullptr : &it->second;
}

const TargetGroup* ElbState::find_target_group(const std::string& arn) const {
  auto it = target_groups.find(arn);
  return it == target_groups.end() ? nullptr : &it->second;
}

std::vector<std::string> ElbState::forwarded_groups(const Json& actions) {
  std::vector<std::string> out;
  if (!actions.is_array()) return out;
  for (const auto& a : actions) {
    if (!a.is_object() || a.value("Type", "") != "forward") continue;
    if (a.contains("TargetGroupArn") && a["TargetGroupArn"].is_string()) out.push_back(a["TargetGroupArn"]);
    auto fc = a.find("ForwardConfig");
    if (fc != a.end() && fc->is_object() && fc->contains("TargetGroups") && (*fc)["TargetGroups"].is_array())
      for (const auto& t : (*fc)["TargetGroups"])
        if (t.is_object() && t.contains("TargetGroupArn") && t["TargetGroupArn"].is_string())
          out.push_back(t["TargetGroupArn"]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ElbState::load_balancers_of(const std::string& target_group_arn) const {
  std::set<std::string> lbs;
  auto forwards = [&](const Json& actions) {
    auto groups = forwarded_groups(actions);
    return std::find(groups.begin(), groups.end(), target_group_arn) != groups.end();
  };
  for (const auto& [arn, l] : listeners)
    if (forwards(l.default_actions)) lbs.insert(l.load_balancer_arn);
  for (const auto& [arn, r] : rules) {
    if (!forwards(r.actions)) continue;
    auto l = listeners.find(r.listener_arn);
    if (l != listeners.end()) lbs.insert(l->second.load_balancer_arn);
  }
  return {lbs.begin(), lbs.end()};
}

std::vector<const Listener*> ElbState::listeners_of(const std::string& load_balancer_arn) const {
  std::vector<const Listener*> out;
  for (const auto& [arn, l] : listeners)
    if (l.load_balancer_arn == load_balancer_arn) out.push_back(&l);
  std::sort(out.begin(), out.end(), [](const Listener* a, const Listener* b) { return a->port < b->port; });
  return out;
}

std::vector<const Rule*> ElbState::rules_of(const std::string& listener_arn) const {
  std::vector<const Rule*> out;
  for (const auto& [arn, r] : rules)
    if (r.listener_arn == listener_arn) out.push_back(&r);
  std::sort(out.begin(), out.end(), [](const Rule* a, const Rule* b) { return a->priority < b->priority; });
  return out;
}

}  // namespace ecslocal::api::elbv2
