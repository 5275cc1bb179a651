#include "api/elbv2/validation.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/common/json_read.hpp"
#include "api/elbv2/errors.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using namespace json_read;

constexpr size_t kMaxTags = 50;

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool in_range(const std::string& value, long lo, long hi) {
  if (!all_digits(value)) return false;
  const long v = std::stol(value);
  return v >= lo && v <= hi;
}

bool is_bool(const std::string& v) { return v == "true" || v == "false"; }

[[noreturn]] void bad_value(const std::string& key, const std::string& value) {
  // [emulator] wording unconfirmed
  throw InvalidConfigurationRequestException("'" + value + "' is not a valid value for attribute '" + key + "'");
}

bool known_content_type(const std::string& t) {
  static const std::set<std::string> kTypes{"text/plain", "text/css", "text/html", "application/javascript",
                                            "application/json"};
  return kTypes.count(t) > 0;
}

bool forwards_http(const std::string& protocol) { return protocol == "HTTP" || protocol == "HTTPS"; }

void check_forward(const ElbState& state, const LoadBalancer& lb, const std::string& listener_protocol,
                   const Json& action) {
  std::vector<std::string> groups;
  if (auto arn = optional_string(action, "TargetGroupArn")) groups.push_back(*arn);
  const Json* fc = action.contains("ForwardConfig") ? &action["ForwardConfig"] : nullptr;
  if (fc && fc->is_object()) {
    const Json& list = items(*fc, "TargetGroups");
    if (list.size() > 5) throw InvalidLoadBalancerActionException("You cannot specify more than 5 target groups in a forward action");
    for (const auto& t : list) {
      groups.push_back(string_or_empty(t, "TargetGroupArn"));
      const auto weight = optional_long(t, "Weight");
      if (weight && (*weight < 0 || *weight > 999))
        throw ValidationError("Target group weights must be between 0 and 999");
    }
    if (action.contains("TargetGroupArn") && list.size() > 1)
      throw InvalidLoadBalancerActionException(
          "You cannot specify both a target group ARN and a forward config with several target groups");
  }
  if (groups.empty())
    throw ValidationError("A target group ARN must be specified for a forward action");  // [emulator] wording
  for (const auto& arn : groups) {
    const TargetGroup* g = state.find_target_group(arn);
    if (!g) throw TargetGroupNotFoundException("One or more target groups not found");
    if (g->target_type == "lambda" || g->target_type == "alb")
      throw InvalidConfigurationRequestException("ecslocal does not emulate target groups of type " + g->target_type);
    const bool http_tg = forwards_http(g->protocol);
    if (lb.application() != http_tg)
      throw IncompatibleProtocolsException("The protocol of target group '" + arn + "' (" + g->protocol +
                                           ") is not compatible with a " + listener_protocol + " listener");
    if (g->vpc_id != lb.vpc_id)
      throw ValidationError("The target group '" + arn + "' is not in the VPC of the load balancer (" + lb.vpc_id + ")");
    for (const auto& other : state.load_balancers_of(arn))
      if (other != lb.arn)
        throw TargetGroupAssociationLimitException("The following target groups cannot be associated with more than one load balancer: " + arn);
  }
}

}  // namespace

void check_name(const std::string& kind, const std::string& name) {
  if (name.empty()) throw ValidationError(kind + " name cannot be empty");
  if (name.size() > 32) throw ValidationError(kind + " name '" + name + "' cannot be longer than '32' characters");
  if (!std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
    throw ValidationError(kind + " name '" + name + "' can only contain characters that are alphanumeric characters or hyphens(-)");
  if (name.front() == '-' || name.back() == '-')
    throw ValidationError(kind + " name '" + name + "' cannot begin or end with '-'");
  if (kind == "Load balancer" && name.rfind("internal-", 0) == 0)
    throw ValidationError("Load balancer name '" + name + "' cannot begin with 'internal-'");
}

void check_new_tags(const Tags& tags) {
  std::set<std::string> keys;
  for (const auto& [k, v] : tags)
    if (!keys.insert(k).second) throw DuplicateTagKeysException("Tag key '" + k + "' is duplicated");
  if (tags.size() > kMaxTags) throw TooManyTagsException("You cannot have more than 50 tags per resource");
}

void merge_tags(Tags& tags, const Tags& added) {
  Tags merged = tags;
  for (const auto& [k, v] : added) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& t) { return t.first == k; });
    if (it != merged.end())
      it->second = v;
    else
      merged.emplace_back(k, v);
  }
  if (merged.size() > kMaxTags) throw TooManyTagsException("You cannot have more than 50 tags per resource");
  tags = std::move(merged);
}

Attributes default_load_balancer_attributes(const std::string& type) {
  Attributes a{{"access_logs.s3.enabled", "false"},
               {"access_logs.s3.bucket", ""},
               {"access_logs.s3.prefix", ""},
               {"deletion_protection.enabled", "false"}};
  if (type == "application") {
    a.insert({{"idle_timeout.timeout_seconds", "60"},
              {"routing.http2.enabled", "true"},
              {"routing.http.desync_mitigation_mode", "defensive"},
              {"routing.http.drop_invalid_header_fields.enabled", "false"},
              {"routing.http.preserve_host_header.enabled", "false"},
              {"routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false"},
              {"routing.http.xff_client_port.enabled", "false"},
              {"routing.http.xff_header_processing.mode", "append"},
              {"waf.fail_open.enabled", "false"},
              {"client_keep_alive.seconds", "3600"},
              {"connection_logs.s3.enabled", "false"},
              {"connection_logs.s3.bucket", ""},
              {"connection_logs.s3.prefix", ""},
              {"zonal_shift.config.enabled", "false"},
              {"load_balancing.cross_zone.enabled", "true"}});
  } else {
    a.insert({{"load_balancing.cross_zone.enabled", "false"},
              {"dns_record.client_routing_policy", "any_availability_zone"},
              {"zonal_shift.config.enabled", "false"}});
  }
  return a;
}

Attributes default_target_group_attributes(const std::string& protocol, const std::string& target_type) {
  Attributes a{{"deregistration_delay.timeout_seconds", "300"},
               {"stickiness.enabled", "false"},
               {"load_balancing.cross_zone.enabled", "use_load_balancer_configuration"},
               {"target_group_health.dns_failover.minimum_healthy_targets.count", "1"},
               {"target_group_health.dns_failover.minimum_healthy_targets.percentage", "off"},
               {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1"},
               {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off"}};
  if (forwards_http(protocol)) {
    a.insert({{"stickiness.type", "lb_cookie"},
              {"stickiness.lb_cookie.duration_seconds", "86400"},
              {"stickiness.app_cookie.cookie_name", ""},
              {"stickiness.app_cookie.duration_seconds", "86400"},
              {"slow_start.duration_seconds", "0"},
              {"load_balancing.algorithm.type", "round_robin"},
              {"load_balancing.algorithm.anomaly_mitigation", "off"}});
  } else {
    a.insert({{"stickiness.type", "source_ip"},
              {"deregistration_delay.connection_termination.enabled", "false"},
              {"preserve_client_ip.enabled", target_type == "ip" ? "false" : "true"},
              {"proxy_protocol_v2.enabled", "false"},
              {"target_health_state.unhealthy.connection_termination.enabled", "true"}});
  }
  return a;
}

void check_load_balancer_attribute(const std::string& type, const std::string& key, const std::string& value) {
  const Attributes known = default_load_balancer_attributes(type);
  if (!known.count(key))
    throw InvalidConfigurationRequestException("Load balancer attribute key '" + key + "' is not recognized");
  if (key == "idle_timeout.timeout_seconds" && !in_range(value, 1, 4000)) bad_value(key, value);
  if (key == "client_keep_alive.seconds" && !in_range(value, 60, 604800)) bad_value(key, value);
  if (key.size() > 8 && key.compare(key.size() - 8, 8, ".enabled") == 0 && !is_bool(value)) bad_value(key, value);
  if (key == "routing.http.desync_mitigation_mode" && value != "monitor" && value != "defensive" && value != "strictest")
    bad_value(key, value);
  if (key == "routing.http.xff_header_processing.mode" && value != "append" && value != "preserve" && value != "remove")
    bad_value(key, value);
  if (key == "access_logs.s3.enabled" && value == "true")
    throw InvalidConfigurationRequestException("ecslocal does not write access logs to S3");
}

void check_target_group_attribute(const Attributes& known, const std::string& key, const std::string& value) {
  if (!known.count(key))
    throw InvalidConfigurationRequestException("Target group attribute key '" + key + "' is not recognized");
  if (key == "deregistration_delay.timeout_seconds" && !in_range(value, 0, 3600)) bad_value(key, value);
  if (key == "slow_start.duration_seconds" && !(value == "0" || in_range(value, 30, 900))) bad_value(key, value);
  if (key == "load_balancing.algorithm.type" && value != "round_robin" && value != "least_outstanding_requests")
    bad_value(key, value);
  if ((key == "stickiness.lb_cookie.duration_seconds" || key == "stickiness.app_cookie.duration_seconds") &&
      !in_range(value, 1, 604800))
    bad_value(key, value);
  if (key.size() > 8 && key.compare(key.size() - 8, 8, ".enabled") == 0 && !is_bool(value)) bad_value(key, value);
  if (key == "stickiness.enabled" && value == "true")
    throw InvalidConfigurationRequestException("ecslocal does not emulate target group stickiness yet");
}

namespace {

bool parse_code(const std::string& s, int& out) {
  if (s.size() != 3 || !all_digits(s)) return false;
  out = std::stoi(s);
  return true;
}

// Calls f(lo, hi) for each entry; false when an entry is malformed.
template <typename F>
bool each_range(const std::string& matcher, F&& f) {
  if (matcher.empty()) return false;
  size_t start = 0;
  while (start <= matcher.size()) {
    const size_t comma = matcher.find(',', start);
    const std::string part = matcher.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int lo = 0, hi = 0;
    const size_t dash = part.find('-');
    if (dash == std::string::npos) {
      if (!parse_code(part, lo)) return false;
      hi = lo;
    } else if (!parse_code(part.substr(0, dash), lo) || !parse_code(part.substr(dash + 1), hi) || hi < lo) {
      return false;
    }
    if (!f(lo, hi)) return false;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

}  // namespace

bool valid_http_matcher(const std::string& matcher) {
  return each_range(matcher, [](int lo, int hi) { return lo >= 200 && hi <= 499; });
}

bool matcher_accepts(const std::string& matcher, int status) {
  bool hit = false;
  each_range(matcher, [&](int lo, int hi) {
    hit = hit || (status >= lo && status <= hi);
    return true;
  });
  return hit;
}

void check_health_check(const TargetGroup& g) {
  const HealthCheck& h = g.health_check;
  if (h.timeout >= h.interval)
    throw InvalidConfigurationRequestException("Health check timeout '" + std::to_string(h.timeout) +
                                               "' must be smaller than the interval '" + std::to_string(h.interval) + "'");
  if (h.port != "traffic-port" && !in_range(h.port, 1, 65535))
    throw ValidationError("Health check port '" + h.port + "' must be 'traffic-port' or a port between 1 and 65535");
  const bool http = forwards_http(h.protocol);
  if (http && (h.path.empty() || h.path.front() != '/'))
    throw ValidationError("Health check path must begin with a '/' character");
  if (http && !h.matcher_http.empty() && !valid_http_matcher(h.matcher_http))
    throw InvalidConfigurationRequestException("Health check matcher HTTP code '" + h.matcher_http +
                                               "' must be in the range 200-499, as a code, a list (200,202) or a range (200-299)");
  if (!http && forwards_http(g.protocol))
    throw InvalidConfigurationRequestException("Health check protocol '" + h.protocol +
                                               "' is not supported for target groups with the " + g.protocol + " protocol");
}

void check_actions(const ElbState& state, const LoadBalancer& lb, const std::string& protocol, const Json& actions) {
  if (!actions.is_array() || actions.empty()) throw ValidationError("At least one action must be specified");
  int terminal = 0;
  std::set<long long> orders;
  for (const auto& a : actions) {
    const std::string type = string_or_empty(a, "Type");
    if (actions.size() > 1) {
      const auto order = optional_long(a, "Order");
      if (!order) throw ValidationError("An action order must be specified when there are several actions");
      if (!orders.insert(*order).second) throw InvalidLoadBalancerActionException("Action orders must be unique");
    }
    if (type == "authenticate-oidc" || type == "authenticate-cognito")
      throw InvalidLoadBalancerActionException("ecslocal does not emulate " + type + " actions");
    if (!lb.application() && type != "forward")
      throw InvalidLoadBalancerActionException("Network load balancers support forward actions only");
    ++terminal;
    if (type == "forward") {
      check_forward(state, lb, protocol, a);
    } else if (type == "fixed-response") {
      const Json& fr = a.contains("FixedResponseConfig") ? a["FixedResponseConfig"] : Json();
      if (!fr.is_object()) throw ValidationError("A fixed-response action needs a FixedResponseConfig");
      const auto content_type = optional_string(fr, "ContentType");
      if (content_type && !known_content_type(*content_type))
        throw InvalidLoadBalancerActionException("Content type '" + *content_type + "' is not supported for fixed-response actions");
      if (string_or_empty(fr, "MessageBody").size() > 1024)
        throw InvalidLoadBalancerActionException("The fixed-response message body cannot be longer than 1024 characters");
    } else if (type == "redirect") {
      const Json& rc = a.contains("RedirectConfig") ? a["RedirectConfig"] : Json();
      if (!rc.is_object()) throw ValidationError("A redirect action needs a RedirectConfig");
      const auto proto = optional_string(rc, "Protocol");
      if (proto && *proto != "HTTP" && *proto != "HTTPS" && *proto != "#{protocol}")
        throw InvalidLoadBalancerActionException("Redirect protocol must be HTTP, HTTPS or #{protocol}");
      if (protocol == "HTTPS" && proto && *proto == "HTTP")
        throw InvalidLoadBalancerActionException("You cannot redirect from HTTPS to HTTP");
      const auto path = optional_string(rc, "Path");
      if (path && (path->empty() || path->front() != '/'))
        throw InvalidLoadBalancerActionException("Redirect path must start with a '/'");
    }
  }
  if (terminal > 1 && lb.application())
    throw InvalidLoadBalancerActionException("A rule can contain only one forward, redirect or fixed-response action");
}

void check_conditions(const Json& conditions) {
  static const std::set<std::string> kFields{"path-pattern", "host-header", "http-header", "http-request-method",
                                             "query-string", "source-ip"};
  static const std::map<std::string, std::string> kConfig{{"path-pattern", "PathPatternConfig"},
                                                          {"host-header", "HostHeaderConfig"},
                                                          {"http-header", "HttpHeaderConfig"},
                                                          {"http-request-method", "HttpRequestMethodConfig"},
                                                          {"query-string", "QueryStringConfig"},
                                                          {"source-ip", "SourceIpConfig"}};
  if (!conditions.is_array() || conditions.empty()) throw ValidationError("At least one condition must be specified");
  std::map<std::string, int> seen;
  for (const auto& c : conditions) {
    const std::string field = string_or_empty(c, "Field");
    if (!kFields.count(field)) throw ValidationError("Condition field '" + field + "' must be one of [" +
                                                     "http-header, http-request-method, host-header, path-pattern, "
                                                     "query-string, source-ip]");
    const bool has_values = c.contains("Values") && c["Values"].is_array() && !c["Values"].empty();
    const std::string config = kConfig.at(field);
    const bool has_config = c.contains(config) && c[config].is_object();
    if (!has_values && !has_config) throw ValidationError("A condition value must be specified for field '" + field + "'");
    if ((field == "http-header" || field == "query-string" || field == "http-request-method" || field == "source-ip") &&
        !has_config)
      throw ValidationError("The '" + field + "' condition needs " + config);
    if (field == "path-pattern" || field == "host-header")
      if (++seen[field] > 1) throw ValidationError("A rule can contain at most one '" + field + "' condition");
    if (field == "http-header" && string_or_empty(c[config], "HttpHeaderName").empty())
      throw ValidationError("An HTTP header name must be specified");
  }
}

}  // namespace ecslocal::api::elbv2
