// CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup,
// Describe/ModifyTargetGroupAttributes, RegisterTargets, DeregisterTargets, DescribeTargetHealth.
#include <algorithm>
#include <cstdio>

#include "api/common/json_read.hpp"
#include "api/elbv2/errors.hpp"
#include "api/elbv2/mapping.hpp"
#include "api/elbv2/provider.hpp"
#include "api/elbv2/validation.hpp"
#include "api/vpc/addressing.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using namespace json_read;

bool http_protocol(const std::string& p) { return p == "HTTP" || p == "HTTPS"; }

TargetGroup& require_group(ElbState& state, const std::string& arn) {
  TargetGroup* g = state.find_target_group(arn);
  if (!g) throw TargetGroupNotFoundException("One or more target groups not found");
  return *g;
}

// Health-check members of Create/ModifyTargetGroup applied to `h`.
void apply_health_check(const Json& input, TargetGroup& g) {
  HealthCheck& h = g.health_check;
  if (auto v = optional_string(input, "HealthCheckProtocol")) {
    if (*v != h.protocol && http_protocol(*v) && !http_protocol(h.protocol)) {
      h.path = "/";
      h.matcher_http = "200-399";  // NLB HTTP checks accept 200-399 by default
    }
    h.protocol = *v;
  }
  if (auto v = optional_string(input, "HealthCheckPort")) h.port = *v;
  if (auto v = optional_string(input, "HealthCheckPath")) h.path = *v;
  if (auto v = optional_bool(input, "HealthCheckEnabled")) h.enabled = *v;
  if (auto v = optional_int(input, "HealthCheckIntervalSeconds")) h.interval = *v;
  if (auto v = optional_int(input, "HealthCheckTimeoutSeconds")) h.timeout = *v;
  if (auto v = optional_int(input, "HealthyThresholdCount")) h.healthy_threshold = *v;
  if (auto v = optional_int(input, "UnhealthyThresholdCount")) h.unhealthy_threshold = *v;
  if (input.contains("Matcher") && input["Matcher"].is_object()) {
    const Json& m = input["Matcher"];
    if (m.contains("GrpcCode")) throw InvalidConfigurationRequestException("ecslocal does not emulate gRPC health checks");
    if (auto code = optional_string(m, "HttpCode")) h.matcher_http = *code;
  }
  if (!http_protocol(h.protocol)) {
    if (input.contains("HealthCheckPath"))
      throw InvalidConfigurationRequestException("Health check path is not supported for the " + h.protocol + " protocol");
    if (input.contains("Matcher"))
      throw InvalidConfigurationRequestException("Health check matcher is not supported for the " + h.protocol + " protocol");
    h.matcher_http.clear();
  }
  if (!h.enabled && (g.target_type == "ip" || g.target_type == "instance"))
    throw InvalidConfigurationRequestException("Health checks cannot be disabled for target groups with target type '" +
                                               g.target_type + "'");
}

bool same_settings(const TargetGroup& a, const TargetGroup& b) {
  const HealthCheck &x = a.health_check, &y = b.health_check;
  return a.protocol == b.protocol && a.port == b.port && a.vpc_id == b.vpc_id && a.target_type == b.target_type &&
         a.protocol_version == b.protocol_version && x.enabled == y.enabled && x.protocol == y.protocol &&
         x.port == y.port && x.path == y.path && x.interval == y.interval && x.timeout == y.timeout &&
         x.healthy_threshold == y.healthy_threshold && x.unhealthy_threshold == y.unhealthy_threshold &&
         x.matcher_http == y.matcher_http;
}

Json create_target_group(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  TargetGroup g;
  g.name = string_or_empty(input, "Name");
  check_name("Target group", g.name);
  g.target_type = optional_string(input, "TargetType").value_or("instance");
  if (g.target_type == "lambda" || g.target_type == "alb")
    throw InvalidConfigurationRequestException("ecslocal does not emulate target groups of type " + g.target_type +
                                               "; use ip (or instance)");
  g.protocol = string_or_empty(input, "Protocol");
  if (g.protocol.empty()) throw ValidationError("A protocol must be specified");
  if (g.protocol == "GENEVE") throw InvalidConfigurationRequestException("ecslocal does not emulate gateway load balancers");
  g.port = optional_int(input, "Port").value_or(0);
  if (!g.port) throw ValidationError("A port must be specified");
  g.vpc_id = string_or_empty(input, "VpcId");
  if (g.vpc_id.empty()) throw ValidationError("A VPC ID must be specified");
  if (!p.networks().at(ctx.account_id, ctx.region).find_vpc(g.vpc_id))
    throw ValidationError("The VPC ID '" + g.vpc_id + "' is not found");
  if (auto ip = optional_string(input, "IpAddressType"); ip && *ip != "ipv4")
    throw InvalidConfigurationRequestException("ecslocal target groups are IPv4 only");
  if (http_protocol(g.protocol)) {
    g.protocol_version = optional_string(input, "ProtocolVersion").value_or("HTTP1");
    if (g.protocol_version != "HTTP1")
      throw InvalidConfigurationRequestException("ecslocal forwards HTTP/1.1 only; protocol version " + g.protocol_version +
                                                 " is not supported");
    g.health_check.protocol = g.protocol;
    g.health_check.timeout = 5;
    g.health_check.matcher_http = "200";
  } else {
    if (input.contains("ProtocolVersion"))
      throw InvalidConfigurationRequestException("A protocol version can only be specified for HTTP and HTTPS target groups");
    g.health_check.protocol = "TCP";
    g.health_check.timeout = 10;
    g.health_check.path = "/";
    g.health_check.matcher_http.clear();
  }
  apply_health_check(input, g);
  if (!input.contains("HealthCheckTimeoutSeconds") && !http_protocol(g.protocol) && http_protocol(g.health_check.protocol))
    g.health_check.timeout = 6;
  check_health_check(g);
  const Tags tags = tags_from(input);
  check_new_tags(tags);

  if (TargetGroup* existing = state.find_target_group_by_name(g.name)) {
    if (!same_settings(*existing, g))
      throw DuplicateTargetGroupNameException("A target group with the same name '" + g.name +
                                              "' exists, but with different settings");
    return {{"TargetGroups", Json::array({target_group_json(state, *existing)})}};
  }
  g.id = p.ids().hex(16);
  g.arn = elb_arn(ctx, g.dimension());
  g.created = ctx.now;
  g.attributes = default_target_group_attributes(g.protocol, g.target_type);
  if (!tags.empty()) state.tags[g.arn] = tags;
  const std::string arn = g.arn;
  const TargetGroup& stored = state.target_groups.emplace(arn, std::move(g)).first->second;
  return {{"TargetGroups", Json::array({target_group_json(state, stored)})}};
}

Json describe_target_groups(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto names = strings(input, "Names");
  const auto arns = strings(input, "TargetGroupArns");
  const auto lb_arn = optional_string(input, "LoadBalancerArn");
  if ((!names.empty() && !arns.empty()) || (lb_arn && (!names.empty() || !arns.empty())))
    throw ValidationError("Target group names, target group ARNs and a load balancer ARN cannot be specified at the same time");
  std::vector<const TargetGroup*> found;
  if (!names.empty()) {
    for (const auto& n : names) {
      const TargetGroup* g = state.find_target_group_by_name(n);
      if (!g) throw TargetGroupNotFoundException("One or more target groups not found");
      found.push_back(g);
    }
  } else if (!arns.empty()) {
    for (const auto& a : arns) found.push_back(&require_group(state, a));
  } else {
    if (lb_arn && !state.load_balancers.count(*lb_arn))
      throw LoadBalancerNotFoundException("One or more load balancers not found");
    for (const auto& [arn, g] : state.target_groups) {
      if (lb_arn) {
        const auto lbs = state.load_balancers_of(arn);
        if (std::find(lbs.begin(), lbs.end(), *lb_arn) == lbs.end()) continue;
      }
      found.push_back(&g);
    }
  }
  std::sort(found.begin(), found.end(), [](const TargetGroup* a, const TargetGroup* b) { return a->name < b->name; });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<std::string> keys;
  for (const auto* g : found) keys.push_back(g->name);
  const Page page = elb_page(keys, input);
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(target_group_json(state, *found[i]));
  Json out{{"TargetGroups", std::move(list)}};
  add_marker(out, page);
  return out;
}

Json modify_target_group(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  TargetGroup& g = require_group(state, string_or_empty(input, "TargetGroupArn"));
  TargetGroup changed = g;
  apply_health_check(input, changed);
  check_health_check(changed);
  g.health_check = changed.health_check;
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  return {{"TargetGroups", Json::array({target_group_json(state, g)})}};
}

Json delete_target_group(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const std::string arn = string_or_empty(input, "TargetGroupArn");
  TargetGroup* g = state.find_target_group(arn);
  if (!g) return Json::object();
  if (state.in_use(arn))
    throw ResourceInUseException("The target group '" + arn + "' is currently in use by a listener or a rule");
  p.drop_target_timers(*g);
  state.tags.erase(arn);
  state.target_groups.erase(arn);
  return Json::object();
}

Json describe_target_group_attributes(ElbProvider& p, const RequestContext& ctx, Json& input) {
  const TargetGroup& g = require_group(p.state(ctx), string_or_empty(input, "TargetGroupArn"));
  return {{"Attributes", attributes_json(g.attributes)}};
}

Json modify_target_group_attributes(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  TargetGroup& g = require_group(state, string_or_empty(input, "TargetGroupArn"));
  const auto changes = attributes_from(input);
  for (const auto& [k, v] : changes) check_target_group_attribute(g.attributes, k, v);
  for (const auto& [k, v] : changes) g.attributes[k] = v;
  for (const auto& lb : state.load_balancers_of(g.arn)) p.publish_routes(state, lb);
  return {{"Attributes", attributes_json(g.attributes)}};
}

// ---- targets ----

bool usable_target_ip(std::uint32_t ip) {
  auto in = [&](std::uint32_t net, int bits) { return (ip >> (32 - bits)) == (net >> (32 - bits)); };
  // RFC 1918, RFC 6598 (100.64/10) as AWS allows; loopback as ecslocal's own extension (host processes).
  return in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0x7F000000, 8);
}

struct TargetRef {
  std::string id;
  int port = 0;
  std::string zone;
};

std::vector<TargetRef> targets_from(const TargetGroup& g, const Json& input, bool need_valid) {
  std::vector<TargetRef> out;
  for (const auto& t : items(input, "Targets")) {
    TargetRef r{string_or_empty(t, "Id"), optional_int(t, "Port").value_or(g.port), string_or_empty(t, "AvailabilityZone")};
    if (need_valid) {
      if (g.target_type == "ip") {
        const auto ip = vpc::parse_ipv4(r.id);
        if (!ip || !usable_target_ip(*ip))
          throw InvalidTargetException("The IP address '" + r.id +
                                       "' is not a valid target: it must be an IPv4 address in the VPC or a private range");
      } else if (g.target_type == "instance") {
        throw InvalidTargetException("The following targets are not valid instances: '" + r.id +
                                     "' (ecslocal has no EC2 instances: use a target group of type ip)");
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Json register_targets(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  TargetGroup& g = require_group(state, string_or_empty(input, "TargetGroupArn"));
  const auto refs = targets_from(g, input, true);
  if (refs.empty()) throw ValidationError("At least one target must be specified");
  if (g.targets.size() + refs.size() > 1000) throw TooManyTargetsException("You have reached the limit on the number of targets");
  for (const auto& r : refs) p.add_target(g, r.id, r.port, r.zone, ctx.now);
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  for (const auto& lb : state.load_balancers_of(g.arn)) p.publish_routes(state, lb);
  return Json::object();
}

Json deregister_targets(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  TargetGroup& g = require_group(state, string_or_empty(input, "TargetGroupArn"));
  const auto refs = targets_from(g, input, false);
  if (refs.empty()) throw ValidationError("At least one target must be specified");
  for (const auto& r : refs) {
    auto it = g.targets.find(r.id + ":" + std::to_string(r.port));
    if (it == g.targets.end()) {
      throw InvalidTargetException("The target '" + r.id + ":" + std::to_string(r.port) +
                                   "' is not registered in the target group");
    }
    if (!it->second.draining_until) p.start_draining(ctx.account_id, ctx.region, g, it->second, ctx.now);
  }
  p.prune_drained(state, ctx.now);
  for (const auto& lb : state.load_balancers_of(g.arn)) p.publish_routes(state, lb);
  return Json::object();
}

Json describe_target_health(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  p.prune_drained(state, ctx.now);
  TargetGroup& g = require_group(state, string_or_empty(input, "TargetGroupArn"));
  Json list = Json::array();
  const auto refs = targets_from(g, input, false);
  if (refs.empty()) {
    for (const auto& [key, t] : g.targets)
      list.push_back(target_health_json(g, t.id, t.port, t.availability_zone,
                                        health_view(state, g, t, ctx.now, p.settings().registration_step)));
  } else {
    for (const auto& r : refs) {
      if (g.target_type == "ip") {
        if (!vpc::parse_ipv4(r.id)) throw InvalidTargetException("The IP address '" + r.id + "' is not a valid IPv4 address");
      }
      auto it = g.targets.find(r.id + ":" + std::to_string(r.port));
      if (it == g.targets.end()) {
        list.push_back(target_health_json(
            g, r.id, r.port, r.zone, {"unused", "Target.NotRegistered", "Target is not registered to the target group"}));
      } else {
        list.push_back(target_health_json(g, it->second.id, it->second.port, it->second.availability_zone,
                                          health_view(state, g, it->second, ctx.now, p.settings().registration_step)));
      }
    }
  }
  return {{"TargetHealthDescriptions", std::move(list)}};
}

}  // namespace

void register_target_group_operations(ElbProvider& p, OperationTable& table) {
  bind_operation(table, "CreateTargetGroup", p, create_target_group);
  bind_operation(table, "DescribeTargetGroups", p, describe_target_groups);
  bind_operation(table, "ModifyTargetGroup", p, modify_target_group);
  bind_operation(table, "DeleteTargetGroup", p, delete_target_group);
  bind_operation(table, "DescribeTargetGroupAttributes", p, describe_target_group_attributes);
  bind_operation(table, "ModifyTargetGroupAttributes", p, modify_target_group_attributes);
  bind_operation(table, "RegisterTargets", p, register_targets);
  bind_operation(table, "DeregisterTargets", p, deregister_targets);
  bind_operation(table, "DescribeTargetHealth", p, describe_target_health);
}

}  // namespace ecslocal::api::elbv2
