#include "api/elbv2/routing.hpp"

#include "api/common/wildcard.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "api/common/json_read.hpp"
#include "api/elbv2/mapping.hpp"
#include "api/vpc/addressing.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using namespace json_read;

RouteCondition condition_from(const Json& c) {
  RouteCondition out;
  out.field = string_or_empty(c, "Field");
  out.values = strings(c, "Values");
  auto add_config = [&](const char* key) {
    if (!c.contains(key) || !c[key].is_object()) return;
    for (auto& v : strings(c[key], "Values")) out.values.push_back(v);
    if (c[key].contains("HttpHeaderName")) out.header_name = string_or_empty(c[key], "HttpHeaderName");
  };
  add_config("PathPatternConfig");
  add_config("HostHeaderConfig");
  add_config("HttpHeaderConfig");
  add_config("HttpRequestMethodConfig");
  add_config("SourceIpConfig");
  if (c.contains("QueryStringConfig") && c["QueryStringConfig"].is_object())
    for (const auto& kv : items(c["QueryStringConfig"], "Values"))
      out.query.emplace_back(string_or_empty(kv, "Key"), string_or_empty(kv, "Value"));
  return out;
}

// The terminal action of a list (forward, fixed-response or redirect: the one with the highest Order).
RouteAction action_from(const Json& actions) {
  RouteAction out;
  const Json* chosen = nullptr;
  long long best = -1;
  for (const auto& a : actions) {
    const long long order = optional_long(a, "Order").value_or(0);
    if (!chosen || order > best) {
      chosen = &a;
      best = order;
    }
  }
  if (!chosen) return out;
  const Json& a = *chosen;
  out.type = string_or_empty(a, "Type");
  if (out.type == "forward") {
    if (a.contains("ForwardConfig") && a["ForwardConfig"].is_object() && !items(a["ForwardConfig"], "TargetGroups").empty()) {
      for (const auto& t : items(a["ForwardConfig"], "TargetGroups"))
        out.groups.emplace_back(string_or_empty(t, "TargetGroupArn"), optional_int(t, "Weight").value_or(1));
    } else {
      out.groups.emplace_back(string_or_empty(a, "TargetGroupArn"), 1);
    }
  } else if (out.type == "fixed-response" && a.contains("FixedResponseConfig")) {
    const Json& f = a["FixedResponseConfig"];
    out.status_code = std::atoi(string_or_empty(f, "StatusCode").c_str());
    out.content_type = optional_string(f, "ContentType").value_or("text/plain");
    out.body = string_or_empty(f, "MessageBody");
  } else if (out.type == "redirect" && a.contains("RedirectConfig")) {
    const Json& r = a["RedirectConfig"];
    out.status_code = string_or_empty(r, "StatusCode") == "HTTP_301" ? 301 : 302;
    out.protocol = optional_string(r, "Protocol").value_or("#{protocol}");
    out.port = optional_string(r, "Port").value_or("#{port}");
    out.host = optional_string(r, "Host").value_or("#{host}");
    out.path = optional_string(r, "Path").value_or("/#{path}");
    out.query = optional_string(r, "Query").value_or("#{query}");
  }
  return out;
}

RouteGroup group_routes(const ElbState& state, const TargetGroup& g, TimePoint now, std::chrono::seconds step) {
  RouteGroup out;
  out.arn = g.arn;
  out.dimension = g.dimension();
  auto it = g.attributes.find("load_balancing.algorithm.type");
  if (it != g.attributes.end()) out.algorithm = it->second;
  std::vector<RouteTarget> healthy, fallback;
  for (const auto& [key, t] : g.targets) {
    if (t.draining_until) {
      out.draining.push_back({t.id, t.port});
      continue;
    }
    const HealthView v = health_view(state, g, t, now, step);
    if (v.state == "healthy")
      healthy.push_back({t.id, t.port});
    else if (v.reason != "Elb.RegistrationInProgress")
      fallback.push_back({t.id, t.port});
  }
  out.targets = healthy.empty() ? std::move(fallback) : std::move(healthy);
  return out;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool cidr_contains(const std::string& cidr, const std::string& ip_text) {
  const auto slash = cidr.find('/');
  const auto net = vpc::parse_ipv4(cidr.substr(0, slash));
  const auto ip = vpc::parse_ipv4(ip_text);
  if (!net || !ip) return false;
  const int bits = slash == std::string::npos ? 32 : std::atoi(cidr.c_str() + slash + 1);
  if (bits <= 0) return true;
  if (bits > 32) return false;
  const std::uint32_t mask = bits == 32 ? 0xFFFFFFFFu : ~((1u << (32 - bits)) - 1);
  return (*net & mask) == (*ip & mask);
}

// The value of a query parameter list "a=1&b=2" (not percent-decoded: ALB compares raw too).
std::vector<std::pair<std::string, std::string>> query_pairs(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string part = query.substr(start, amp - start);
    const size_t eq = part.find('=');
    out.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    start = amp + 1;
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
}

}  // namespace

std::shared_ptr<const ListenerRoutes> routing_config(const ElbState& state, const Listener& listener, TimePoint now,
                                                     std::chrono::seconds registration_step) {
  auto out = std::make_shared<ListenerRoutes>();
  const LoadBalancer& lb = state.load_balancers.at(listener.load_balancer_arn);
  out->load_balancer_arn = lb.arn;
  out->load_balancer_dimension = lb.dimension();
  out->listener_arn = listener.arn;
  out->address = lb.address;
  out->port = listener.port;
  out->protocol = listener.protocol;
  if (auto it = lb.attributes.find("idle_timeout.timeout_seconds"); it != lb.attributes.end())
    out->idle_timeout_seconds = std::max(1, std::atoi(it->second.c_str()));
  for (const Rule* r : state.rules_of(listener.arn)) {
    RouteRule rule;
    rule.arn = r->arn;
    rule.priority = r->priority;
    for (const auto& c : r->conditions) rule.conditions.push_back(condition_from(c));
    rule.action = action_from(r->actions);
    out->rules.push_back(std::move(rule));
  }
  RouteRule fallback;
  fallback.arn = listener.default_rule_arn;
  fallback.action = action_from(listener.default_actions);
  out->rules.push_back(std::move(fallback));
  for (const auto& rule : out->rules)
    for (const auto& [arn, weight] : rule.action.groups)
      if (const TargetGroup* g = state.find_target_group(arn); g && !out->groups.count(arn))
        out->groups.emplace(arn, group_routes(state, *g, now, registration_step));
  return out;
}

bool condition_matches(const RouteCondition& c, const RequestFacts& r) {
  auto any = [&](const std::string& text, bool nocase) {
    return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return wildcard_match(v, text, nocase); });
  };
  if (c.field == "path-pattern") return any(r.path, false);
  if (c.field == "host-header") return any(r.host, true);
  if (c.field == "http-request-method")
    return std::find(c.values.begin(), c.values.end(), r.method) != c.values.end();
  if (c.field == "source-ip")
    return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return cidr_contains(v, r.source_ip); });
  if (c.field == "http-header") {
    for (const auto& [name, value] : r.headers)
      if (wildcard_match(c.header_name, name, true) && any(value, true)) return true;
    return false;
  }
  if (c.field == "query-string") {
    const auto pairs = query_pairs(r.query);
    for (const auto& [k, v] : c.query)
      for (const auto& [qk, qv] : pairs)
        if ((k.empty() || wildcard_match(k, qk, true)) && wildcard_match(v, qv, true)) return true;
    return false;
  }
  return false;
}

const RouteRule* match_rule(const ListenerRoutes& routes, const RequestFacts& request) {
  for (const auto& rule : routes.rules)
    if (std::all_of(rule.conditions.begin(), rule.conditions.end(),
                    [&](const RouteCondition& c) { return condition_matches(c, request); }))
      return &rule;
  return nullptr;
}

std::string redirect_location(const RouteAction& a, const RequestFacts& r, const std::string& scheme, int listener_port) {
  std::string protocol = a.protocol, port = a.port, host = a.host, path = a.path, query = a.query;
  std::string bare_path = r.path.empty() ? "" : r.path.substr(1);  // #{path} has no leading '/'
  for (std::string* s : {&protocol, &port, &host, &path, &query}) {
    replace_all(*s, "#{protocol}", scheme);
    replace_all(*s, "#{port}", std::to_string(listener_port));
    replace_all(*s, "#{host}", r.host);
    replace_all(*s, "#{path}", bare_path);
    replace_all(*s, "#{query}", r.query);
  }
  std::transform(protocol.begin(), protocol.end(), protocol.begin(), lower);
  const bool default_port = (protocol == "http" && port == "80") || (protocol == "https" && port == "443");
  std::string out = protocol + "://" + host + (default_port ? "" : ":" + port) + path;
  if (!query.empty()) out += "?" + query;
  return out;
}

}  // namespace ecslocal::api::elbv2
