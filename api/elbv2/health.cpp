// Target health (spec §4.2): per target a probe timer on the virtual clock while its group is
// used by a listener or rule; one passing check turns a new target healthy, UnhealthyThreshold
// consecutive failures unhealthy, HealthyThreshold consecutive passes healthy again. Draining
// lasts the group's deregistration delay, then the target leaves the group.
#include <set>

#include "api/elbv2/mapping.hpp"
#include "api/elbv2/provider.hpp"
#include "api/elbv2/validation.hpp"
#include "api/ports/timers.hpp"

namespace ecslocal::api::elbv2 {
namespace {

std::string codes_text(int status) { return "Health checks failed with these codes: [" + std::to_string(status) + "]"; }

}  // namespace

void ElbProvider::cancel_timer(Target& t) {
  if (t.timer)
    if (Timers* tm = timers()) tm->cancel(t.timer);
  t.timer = 0;
}

bool ElbProvider::add_target(TargetGroup& g, const std::string& id, int port, const std::string& zone, TimePoint now) {
  Target t;
  t.id = id;
  t.port = port;
  t.availability_zone = zone;
  t.registered_at = now;
  auto it = g.targets.find(t.key());
  if (it == g.targets.end()) {
    g.targets.emplace(t.key(), std::move(t));
    return true;
  }
  if (!it->second.draining_until) return false;
  cancel_timer(it->second);
  t.generation = it->second.generation + 1;
  it->second = std::move(t);
  return true;
}

void ElbProvider::drop_target_timers(TargetGroup& group) {
  for (auto& [key, t] : group.targets) cancel_timer(t);
}

void ElbProvider::sync_probes(const std::string& account_id, const std::string& region, TimePoint now) {
  ElbState* state = store_.find(account_id, region);
  if (!state) return;
  const bool can_probe = timers() && prober();
  for (auto& [arn, g] : state->target_groups) {
    const bool probe = can_probe && g.health_check.enabled && state->in_use(arn);
    for (auto& [key, t] : g.targets) {
      if (t.draining_until) continue;
      if (!probe) {
        cancel_timer(t);
        continue;
      }
      if (t.timer || t.probing) continue;
      arm_probe(account_id, region, arn, t, std::max(now, t.registered_at + settings_.registration_step));
    }
  }
}

void ElbProvider::arm_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                            Target& t, TimePoint at) {
  Timers* tm = timers();
  if (!tm) return;
  const std::string key = t.key();
  const std::uint64_t generation = t.generation;
  t.timer = tm->schedule(at, [this, account_id, region, group_arn, key, generation](TimePoint due) {
    run_probe(account_id, region, group_arn, key, generation, due);
  });
}

void ElbProvider::run_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                            const std::string& key, std::uint64_t generation, TimePoint due) {
  ElbState* state = store_.find(account_id, region);
  TargetGroup* g = state ? state->find_target_group(group_arn) : nullptr;
  if (!g) return;
  auto it = g->targets.find(key);
  if (it == g->targets.end() || it->second.generation != generation) return;
  Target& t = it->second;
  t.timer = 0;
  HealthProber* p = prober();
  if (t.draining_until || !p || !g->health_check.enabled || !state->in_use(group_arn)) return;
  // The next round keeps the period whatever the probe takes (AWS: interval independent of response time).
  arm_probe(account_id, region, group_arn, t, due + std::chrono::seconds(g->health_check.interval));
  if (t.probing) return;
  t.probing = true;
  HealthProbe probe;
  probe.account_id = account_id;
  probe.region = region;
  probe.target_group_arn = group_arn;
  probe.address = t.id;
  probe.port = health_check_port(*g, t.port);
  probe.protocol = g->health_check.protocol;
  probe.path = g->health_check.path;
  probe.timeout = std::chrono::seconds(g->health_check.timeout);
  p->probe(probe, [this, account_id, region, group_arn, key, generation](const ProbeOutcome& outcome) {
    apply_probe(account_id, region, group_arn, key, generation, outcome);
  });
}

void ElbProvider::apply_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                              const std::string& key, std::uint64_t generation, const ProbeOutcome& outcome) {
  ElbState* state = store_.find(account_id, region);
  TargetGroup* g = state ? state->find_target_group(group_arn) : nullptr;
  if (!g) return;
  auto it = g->targets.find(key);
  if (it == g->targets.end() || it->second.generation != generation) return;
  Target& t = it->second;
  t.probing = false;
  if (t.draining_until) return;
  const HealthCheck& h = g->health_check;
  const bool http = h.protocol == "HTTP" || h.protocol == "HTTPS";
  bool pass = outcome.kind == ProbeOutcome::Kind::Response &&
              (!http || matcher_accepts(h.matcher_http.empty() ? "200" : h.matcher_http, outcome.status_code));
  const TargetHealthState before = t.health;
  if (pass) {
    t.failures = 0;
    ++t.passes;
    if (t.health == TargetHealthState::Initial ||
        (t.health == TargetHealthState::Unhealthy && t.passes >= h.healthy_threshold)) {
      t.health = TargetHealthState::Healthy;
      t.reason.clear();
      t.description.clear();
    }
  } else {
    t.passes = 0;
    ++t.failures;
    std::string reason, description;
    switch (outcome.kind) {
      case ProbeOutcome::Kind::Response:
        reason = "Target.ResponseCodeMismatch";
        description = codes_text(outcome.status_code);
        break;
      case ProbeOutcome::Kind::Timeout:
        reason = "Target.Timeout";
        description = "Request timed out";
        break;
      case ProbeOutcome::Kind::Failed:
        reason = "Target.FailedHealthChecks";
        description = "Health checks failed";
        break;
    }
    if (t.failures >= h.unhealthy_threshold) {
      t.health = TargetHealthState::Unhealthy;
      t.reason = reason;
      t.description = description;
    }
  }
  if (t.health != before)
    for (const auto& lb : state->load_balancers_of(group_arn)) publish_routes(*state, lb);
}

void ElbProvider::start_draining(const std::string& account_id, const std::string& region, TargetGroup& group,
                                 Target& target, TimePoint now) {
  cancel_timer(target);
  target.probing = false;
  ++target.generation;  // answers of probes in flight are dropped
  target.draining_until = now + std::chrono::seconds(group.deregistration_delay());
  arm_drain_end(account_id, region, group.arn, target);
}

void ElbProvider::arm_drain_end(const std::string& account_id, const std::string& region, const std::string& group_arn,
                                Target& target) {
  Timers* tm = timers();
  if (!tm || !target.draining_until) return;
  target.timer = tm->schedule(*target.draining_until, [this, account_id, region](TimePoint due) {
    if (ElbState* state = store_.find(account_id, region)) prune_drained(*state, due);
  });
}

void ElbProvider::prune_drained(ElbState& state, TimePoint now) {
  std::set<std::string> changed;  // load balancers whose routes lost a draining target
  for (auto& [arn, g] : state.target_groups)
    for (auto it = g.targets.begin(); it != g.targets.end();) {
      if (it->second.draining_until && *it->second.draining_until <= now) {
        cancel_timer(it->second);
        it = g.targets.erase(it);
        for (const auto& lb : state.load_balancers_of(arn)) changed.insert(lb);
      } else {
        ++it;
      }
    }
  // The data plane cuts requests still running on them (502, as ALB does when the delay is over).
  for (const auto& lb : changed) publish_routes(state, lb);
}

}  // namespace ecslocal::api::elbv2
