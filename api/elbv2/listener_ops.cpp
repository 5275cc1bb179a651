// CreateListener, DescribeListeners, ModifyListener, DeleteListener; CreateRule, DescribeRules,
// ModifyRule, DeleteRule, SetRulePriorities. Every listener has a default rule (its default
// actions, priority "default"); user rules are kept apart, with priorities 1-50000.
#include <algorithm>
#include <set>

#include "api/common/json_read.hpp"
#include "api/elbv2/errors.hpp"
#include "api/elbv2/mapping.hpp"
#include "api/elbv2/provider.hpp"
#include "api/elbv2/validation.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using namespace json_read;

constexpr size_t kMaxListeners = 50;
constexpr size_t kMaxRules = 100;
constexpr int kDefaultRuleKey = 99999;  // sorts the default rule after every user rule

Listener& require_listener(ElbState& state, const std::string& arn) {
  auto it = state.listeners.find(arn);
  if (it == state.listeners.end()) throw ListenerNotFoundException("One or more listeners not found");
  return it->second;
}

LoadBalancer& load_balancer_of(ElbState& state, const Listener& l) { return state.load_balancers.at(l.load_balancer_arn); }

void check_protocol(const LoadBalancer& lb, const std::string& protocol) {
  if (lb.application()) {
    if (protocol == "HTTPS")
      throw UnsupportedProtocolException("ecslocal does not terminate TLS yet: HTTPS listeners are not supported; use HTTP");
    if (protocol != "HTTP")
      throw UnsupportedProtocolException("Protocol '" + protocol + "' is not supported for Application Load Balancers");
  } else {
    if (protocol == "TLS" || protocol == "UDP" || protocol == "TCP_UDP")
      throw UnsupportedProtocolException("ecslocal's Network Load Balancers forward TCP only; protocol '" + protocol +
                                         "' is not supported");
    if (protocol != "TCP")
      throw UnsupportedProtocolException("Protocol '" + protocol + "' is not supported for Network Load Balancers");
  }
}

std::string listener_key(const Listener& l) { return l.load_balancer_arn + '\x01' + sequence_key(static_cast<std::uint64_t>(l.port)); }

// Opens the listener's socket; on failure forgets the listener and answers the error.
void open_or_fail(ElbProvider& p, ElbState& state, Listener& l) {
  const std::string error = p.open_listener(state, l);
  if (error.empty()) return;
  const LoadBalancer& lb = load_balancer_of(state, l);
  throw InvalidConfigurationRequestException("ecslocal could not listen on " + lb.address + ":" + std::to_string(l.port) +
                                             ": " + error);
}

Json create_listener(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  auto lb_it = state.load_balancers.find(string_or_empty(input, "LoadBalancerArn"));
  if (lb_it == state.load_balancers.end()) throw LoadBalancerNotFoundException("One or more load balancers not found");
  LoadBalancer& lb = lb_it->second;
  Listener l;
  l.protocol = optional_string(input, "Protocol").value_or(lb.application() ? "HTTP" : "TCP");
  check_protocol(lb, l.protocol);
  l.port = optional_int(input, "Port").value_or(0);
  if (!l.port) throw ValidationError("A listener port must be specified");
  const auto existing = state.listeners_of(lb.arn);
  for (const Listener* other : existing)
    if (other->port == l.port) throw DuplicateListenerException("A listener already exists on this port for this load balancer");
  if (existing.size() >= kMaxListeners) throw TooManyListenersException("You have reached the limit on the number of listeners");
  l.default_actions = items(input, "DefaultActions");
  check_actions(state, lb, l.protocol, l.default_actions);
  const Tags tags = tags_from(input);
  check_new_tags(tags);
  if (input.contains("AlpnPolicy")) throw ALPNPolicyNotSupportedException("ALPN policies apply to TLS listeners only");

  l.id = p.ids().hex(16);
  l.load_balancer_arn = lb.arn;
  l.arn = elb_arn(ctx, "listener/" + lb.dimension() + "/" + l.id);
  l.default_rule_arn = elb_arn(ctx, "listener-rule/" + lb.dimension() + "/" + l.id + "/" + p.ids().hex(16));
  const std::string arn = l.arn;
  Listener& stored = state.listeners.emplace(arn, std::move(l)).first->second;
  try {
    open_or_fail(p, state, stored);
  } catch (...) {
    state.listeners.erase(arn);
    throw;
  }
  if (!tags.empty()) state.tags[arn] = tags;
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  p.publish_routes(state, lb.arn);
  return {{"Listeners", Json::array({listener_json(stored)})}};
}

Json describe_listeners(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto lb_arn = optional_string(input, "LoadBalancerArn");
  const auto arns = strings(input, "ListenerArns");
  if (lb_arn && !arns.empty()) throw ValidationError("Listener ARNs and a load balancer ARN cannot be specified at the same time");
  std::vector<const Listener*> found;
  if (!arns.empty()) {
    for (const auto& a : arns) found.push_back(&require_listener(state, a));
  } else if (lb_arn) {
    if (!state.load_balancers.count(*lb_arn)) throw LoadBalancerNotFoundException("One or more load balancers not found");
    found = state.listeners_of(*lb_arn);
  } else {
    throw ValidationError("You must specify either listener ARNs or a load balancer ARN");
  }
  std::sort(found.begin(), found.end(), [](const Listener* a, const Listener* b) { return listener_key(*a) < listener_key(*b); });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<std::string> keys;
  for (const auto* l : found) keys.push_back(listener_key(*l));
  const Page page = elb_page(keys, input);
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(listener_json(*found[i]));
  Json out{{"Listeners", std::move(list)}};
  add_marker(out, page);
  return out;
}

Json modify_listener(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  Listener& l = require_listener(state, string_or_empty(input, "ListenerArn"));
  LoadBalancer& lb = load_balancer_of(state, l);
  Listener changed = l;
  if (auto proto = optional_string(input, "Protocol")) changed.protocol = *proto;
  check_protocol(lb, changed.protocol);
  if (auto port = optional_int(input, "Port")) changed.port = *port;
  for (const Listener* other : state.listeners_of(lb.arn))
    if (other->arn != l.arn && other->port == changed.port)
      throw DuplicateListenerException("A listener already exists on this port for this load balancer");
  if (input.contains("DefaultActions")) changed.default_actions = items(input, "DefaultActions");
  // Check against the state without this listener's old actions (a group it forwards to may move).
  check_actions(state, lb, changed.protocol, changed.default_actions);
  if (changed.port != l.port && l.open) {
    p.close_listener(l);
    const int old_port = l.port;
    l.port = changed.port;
    const std::string error = p.open_listener(state, l);
    if (!error.empty()) {
      l.port = old_port;
      p.open_listener(state, l);
      throw InvalidConfigurationRequestException("ecslocal could not listen on " + lb.address + ":" +
                                                 std::to_string(changed.port) + ": " + error);
    }
  }
  l.protocol = changed.protocol;
  l.port = changed.port;
  l.default_actions = changed.default_actions;
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  p.publish_routes(state, lb.arn);
  return {{"Listeners", Json::array({listener_json(l)})}};
}

Json delete_listener(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  Listener& l = require_listener(state, string_or_empty(input, "ListenerArn"));
  p.close_listener(l);
  for (auto r = state.rules.begin(); r != state.rules.end();) {
    if (r->second.listener_arn == l.arn) {
      state.tags.erase(r->first);
      r = state.rules.erase(r);
    } else {
      ++r;
    }
  }
  state.tags.erase(l.arn);
  state.listeners.erase(l.arn);
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  return Json::object();
}

// ---- rules ----

struct RuleRef {
  const Listener* listener = nullptr;
  Rule* rule = nullptr;  // null: the listener's default rule
};

RuleRef find_rule(ElbState& state, const std::string& arn) {
  auto it = state.rules.find(arn);
  if (it != state.rules.end()) return {&state.listeners.at(it->second.listener_arn), &it->second};
  for (const auto& [larn, l] : state.listeners)
    if (l.default_rule_arn == arn) return {&l, nullptr};
  throw RuleNotFoundException("One or more rules not found");
}

std::string rule_key(const RuleRef& r) {
  return r.listener->arn + '\x01' + sequence_key(static_cast<std::uint64_t>(r.rule ? r.rule->priority : kDefaultRuleKey));
}

void check_priority_free(const ElbState& state, const std::string& listener_arn, int priority, const std::string& except = {}) {
  for (const Rule* r : state.rules_of(listener_arn))
    if (r->priority == priority && r->arn != except)
      throw PriorityInUseException("Priority '" + std::to_string(priority) + "' is currently in use");
}

Json create_rule(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  Listener& l = require_listener(state, string_or_empty(input, "ListenerArn"));
  LoadBalancer& lb = load_balancer_of(state, l);
  if (!lb.application()) throw InvalidConfigurationRequestException("Rules are supported by Application Load Balancer listeners only");
  Rule r;
  r.listener_arn = l.arn;
  r.priority = optional_int(input, "Priority").value_or(0);
  r.conditions = items(input, "Conditions");
  r.actions = items(input, "Actions");
  check_conditions(r.conditions);
  check_actions(state, lb, l.protocol, r.actions);
  check_priority_free(state, l.arn, r.priority);
  if (state.rules_of(l.arn).size() >= kMaxRules) throw TooManyRulesException("You have reached the limit on the number of rules");
  const Tags tags = tags_from(input);
  check_new_tags(tags);
  r.arn = elb_arn(ctx, "listener-rule/" + lb.dimension() + "/" + l.id + "/" + p.ids().hex(16));
  if (!tags.empty()) state.tags[r.arn] = tags;
  const std::string arn = r.arn;
  const Rule& stored = state.rules.emplace(arn, std::move(r)).first->second;
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  p.publish_routes(state, lb.arn);
  return {{"Rules", Json::array({rule_json(stored)})}};
}

Json describe_rules(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto listener_arn = optional_string(input, "ListenerArn");
  const auto arns = strings(input, "RuleArns");
  if (listener_arn && !arns.empty()) throw ValidationError("Rule ARNs and a listener ARN cannot be specified at the same time");
  std::vector<RuleRef> found;
  if (!arns.empty()) {
    for (const auto& a : arns) found.push_back(find_rule(state, a));
  } else if (listener_arn) {
    Listener& l = require_listener(state, *listener_arn);
    for (const Rule* r : state.rules_of(l.arn)) found.push_back({&l, &state.rules.at(r->arn)});
    found.push_back({&l, nullptr});
  } else {
    throw ValidationError("You must specify either listener ARN or rule ARNs");
  }
  std::sort(found.begin(), found.end(), [](const RuleRef& a, const RuleRef& b) { return rule_key(a) < rule_key(b); });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const RuleRef& a, const RuleRef& b) { return a.listener == b.listener && a.rule == b.rule; }),
              found.end());
  std::vector<std::string> keys;
  for (const auto& r : found) keys.push_back(rule_key(r));
  const Page page = elb_page(keys, input);
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i)
    list.push_back(found[i].rule ? rule_json(*found[i].rule) : default_rule_json(*found[i].listener));
  Json out{{"Rules", std::move(list)}};
  add_marker(out, page);
  return out;
}

Json modify_rule(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  RuleRef ref = find_rule(state, string_or_empty(input, "RuleArn"));
  Listener& l = state.listeners.at(ref.listener->arn);
  LoadBalancer& lb = load_balancer_of(state, l);
  if (!ref.rule) {
    if (input.contains("Conditions")) throw OperationNotPermittedException("You cannot specify conditions for a default rule");
    if (input.contains("Actions")) {
      const Json actions = items(input, "Actions");
      check_actions(state, lb, l.protocol, actions);
      l.default_actions = actions;
    }
  } else {
    const Json conditions = input.contains("Conditions") ? items(input, "Conditions") : ref.rule->conditions;
    const Json actions = input.contains("Actions") ? items(input, "Actions") : ref.rule->actions;
    check_conditions(conditions);
    check_actions(state, lb, l.protocol, actions);
    ref.rule->conditions = conditions;
    ref.rule->actions = actions;
  }
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  p.publish_routes(state, lb.arn);
  return {{"Rules", Json::array({ref.rule ? rule_json(*ref.rule) : default_rule_json(l)})}};
}

Json delete_rule(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  RuleRef ref = find_rule(state, string_or_empty(input, "RuleArn"));
  if (!ref.rule) throw OperationNotPermittedException("Default rules cannot be deleted");
  const std::string lb_arn = ref.listener->load_balancer_arn;
  state.tags.erase(ref.rule->arn);
  state.rules.erase(ref.rule->arn);
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  p.publish_routes(state, lb_arn);
  return Json::object();
}

Json set_rule_priorities(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  std::vector<std::pair<Rule*, int>> changes;
  std::set<std::string> lbs;
  for (const auto& pair : items(input, "RulePriorities")) {
    RuleRef ref = find_rule(state, string_or_empty(pair, "RuleArn"));
    if (!ref.rule) throw OperationNotPermittedException("Default rule priority cannot be modified");
    changes.emplace_back(ref.rule, optional_int(pair, "Priority").value_or(0));
    lbs.insert(ref.listener->load_balancer_arn);
  }
  // The priorities after the change must be unique per listener.
  std::map<std::string, std::map<int, std::string>> taken;  // listener → priority → rule
  for (const auto& [arn, r] : state.rules) {
    int priority = r.priority;
    for (const auto& [rule, np] : changes)
      if (rule == &r) priority = np;
    auto [it, inserted] = taken[r.listener_arn].emplace(priority, arn);
    if (!inserted) throw PriorityInUseException("Priority '" + std::to_string(priority) + "' is currently in use");
  }
  Json list = Json::array();
  for (auto& [rule, np] : changes) {
    rule->priority = np;
    list.push_back(rule_json(*rule));
  }
  for (const auto& lb : lbs) p.publish_routes(state, lb);
  return {{"Rules", std::move(list)}};
}

}  // namespace

void register_listener_operations(ElbProvider& p, OperationTable& table) {
  bind_operation(table, "CreateListener", p, create_listener);
  bind_operation(table, "DescribeListeners", p, describe_listeners);
  bind_operation(table, "ModifyListener", p, modify_listener);
  bind_operation(table, "DeleteListener", p, delete_listener);
}

void register_rule_operations(ElbProvider& p, OperationTable& table) {
  bind_operation(table, "CreateRule", p, create_rule);
  bind_operation(table, "DescribeRules", p, describe_rules);
  bind_operation(table, "ModifyRule", p, modify_rule);
  bind_operation(table, "DeleteRule", p, delete_rule);
  bind_operation(table, "SetRulePriorities", p, set_rule_priorities);
}

}  // namespace ecslocal::api::elbv2
