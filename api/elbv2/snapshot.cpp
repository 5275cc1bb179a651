#include "api/elbv2/snapshot.hpp"

#include <stdexcept>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::elbv2 {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_ENUM(TargetHealthState, {{TargetHealthState::Initial, "initial"},
                                           {TargetHealthState::Healthy, "healthy"},
                                           {TargetHealthState::Unhealthy, "unhealthy"}})
ECSLOCAL_SNAPSHOT_FIELDS(Zone, zone_name, subnet_id)
ECSLOCAL_SNAPSHOT_FIELDS(LoadBalancer, arn, name, id, type, scheme, ip_address_type, vpc_id, dns_name, address,
                         canonical_hosted_zone_id, zones, security_groups, created, active_at, failure, attributes)
ECSLOCAL_SNAPSHOT_FIELDS(HealthCheck, enabled, protocol, port, path, interval, timeout, healthy_threshold,
                         unhealthy_threshold, matcher_http, matcher_grpc)
// timer and probing are runtime only; generation restarts at 0.
ECSLOCAL_SNAPSHOT_FIELDS(Target, id, port, availability_zone, health, reason, description, passes, failures,
                         registered_at, draining_until)
ECSLOCAL_SNAPSHOT_FIELDS(TargetGroup, arn, name, id, target_type, protocol, protocol_version, port, vpc_id,
                         ip_address_type, health_check, attributes, created, targets)
ECSLOCAL_SNAPSHOT_FIELDS(Listener, arn, id, load_balancer_arn, port, protocol, default_actions, certificates, ssl_policy,
                         alpn_policy, default_rule_arn)
ECSLOCAL_SNAPSHOT_FIELDS(Rule, arn, listener_arn, priority, conditions, actions)
ECSLOCAL_SNAPSHOT_FIELDS(ElbState, load_balancers, target_groups, listeners, rules, tags)

namespace {

// Map keys are the ARNs inside; listeners and rules belong to what exists.
void check(const ElbState& s) {
  for (const auto& [arn, lb] : s.load_balancers)
    if (lb.arn != arn) throw std::runtime_error("the load balancer stored as " + arn + " has the ARN " + lb.arn);
  for (const auto& [arn, g] : s.target_groups) {
    if (g.arn != arn) throw std::runtime_error("the target group stored as " + arn + " has the ARN " + g.arn);
    for (const auto& [key, t] : g.targets)
      if (t.key() != key) throw std::runtime_error("the target stored as " + key + " of " + arn + " is " + t.key());
  }
  for (const auto& [arn, l] : s.listeners) {
    if (l.arn != arn) throw std::runtime_error("the listener stored as " + arn + " has the ARN " + l.arn);
    if (!s.load_balancers.count(l.load_balancer_arn))
      throw std::runtime_error("the listener " + arn + " belongs to no load balancer");
  }
  for (const auto& [arn, r] : s.rules) {
    if (r.arn != arn) throw std::runtime_error("the rule stored as " + arn + " has the ARN " + r.arn);
    if (!s.listeners.count(r.listener_arn)) throw std::runtime_error("the rule " + arn + " belongs to no listener");
  }
}

}  // namespace

Json snapshot_elbv2(const ElbStore& store) {
  return snap::document("elbv2", Json{{"states", snap::states_to_json(store, [](const ElbState& s) { return Json(s); })}});
}

void restore_elbv2(ElbStore& store, const Json& snapshot) {
  snap::check_document("elbv2", snapshot);
  auto states = snap::states_from_json<ElbState>("elbv2", snap::array_member(snapshot, "states"),
                                                 [](ElbState& s, const Json& j) {
                                                   ElbState fresh = j.get<ElbState>();
                                                   check(fresh);
                                                   s = std::move(fresh);
                                                 });
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::elbv2
