#pragma once
// What a load balancer listener's data-plane handler reads (server/elb), built on the state
// strand and published through the DataPlane port as an immutable snapshot: the rules in
// evaluation order (the default rule last), each with one terminal action, and for every target
// group it forwards to the targets requests may go to (healthy ones, or all registered ones
// when none is healthy: fail-open, spec §4.3). Plus the pure rule matching (§3.5), so the
// server only parses HTTP and moves bytes.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/common/wildcard.hpp"
#include "api/elbv2/model.hpp"
#include "api/ports/data_plane.hpp"

namespace ecslocal::api::elbv2 {

struct RouteTarget {
  std::string ip;
  int port = 0;
  std::string key() const { return ip + ":" + std::to_string(port); }
};

struct RouteGroup {
  std::string arn, dimension;  // dimension: "targetgroup/<name>/<id>" (metrics)
  std::vector<RouteTarget> targets;  // where requests may go now (empty: 503)
  std::vector<RouteTarget> draining;  // deregistered, delay not over: requests in flight go on
  std::string algorithm = "round_robin";
};

struct RouteCondition {
  std::string field;  // path-pattern | host-header | http-header | http-request-method | query-string | source-ip
  std::vector<std::string> values;  // patterns; query-string: "key=value" (key may be empty)
  std::string header_name;          // http-header
  std::vector<std::pair<std::string, std::string>> query;  // query-string: (key, value) patterns
};

struct RouteAction {
  std::string type;  // forward | fixed-response | redirect
  std::vector<std::pair<std::string, int>> groups;  // forward: (target group ARN, weight)
  int status_code = 0;                              // fixed-response, redirect (301/302)
  std::string content_type, body;                   // fixed-response
  std::string protocol, port, host, path, query;    // redirect (with #{...} placeholders)
};

struct RouteRule {
  std::string arn;
  int priority = 0;  // 0: the default rule
  std::vector<RouteCondition> conditions;
  RouteAction action;
};

struct ListenerRoutes : DataPlaneConfig {
  std::string load_balancer_arn, load_balancer_dimension, listener_arn;
  std::string address;
  int port = 0;
  std::string protocol;  // HTTP | TCP
  std::vector<RouteRule> rules;  // by priority, the default rule last
  std::map<std::string, RouteGroup> groups;  // by ARN
  int idle_timeout_seconds = 60;
};

std::shared_ptr<const ListenerRoutes> routing_config(const ElbState& state, const Listener& listener, TimePoint now,
                                                     std::chrono::seconds registration_step);

// What a rule looks at in a request.
struct RequestFacts {
  std::string method, path, query, host, source_ip;  // path without the query; host without :port
  std::vector<std::pair<std::string, std::string>> headers;
};

// ALB wildcards: '*' any run of characters, '?' exactly one. `nocase`: host headers.
using api::wildcard_match;
bool condition_matches(const RouteCondition& condition, const RequestFacts& request);
// The first rule whose conditions all match (the default rule matches everything); null when
// the listener has no rules.
const RouteRule* match_rule(const ListenerRoutes& routes, const RequestFacts& request);
// The redirect location of `action` for `request` arriving on `listener_port` with `scheme`.
std::string redirect_location(const RouteAction& action, const RequestFacts& request, const std::string& scheme,
                              int listener_port);

}  // namespace ecslocal::api::elbv2
