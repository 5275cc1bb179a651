#include "api/elbv2/mapping.hpp"

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"

namespace ecslocal::api::elbv2 {

using namespace json_read;

std::string elb_arn(const RequestContext& ctx, const std::string& resource) {
  return "arn:aws:elasticloadbalancing:" + ctx.region + ":" + ctx.account_id + ":" + resource;
}

std::string load_balancer_state(const LoadBalancer& lb, TimePoint now) {
  if (now < lb.active_at) return "provisioning";
  if (!lb.failure.empty()) return "active_impaired";
  return "active";
}

Json zones_json(const LoadBalancer& lb) {
  Json zones = Json::array();
  for (const auto& z : lb.zones) {
    Json zone{{"ZoneName", z.zone_name}, {"SubnetId", z.subnet_id}};
    if (!lb.application()) zone["LoadBalancerAddresses"] = Json::array({Json{{"IpAddress", lb.address}}});
    zones.push_back(std::move(zone));
  }
  return zones;
}

Json load_balancer_json(const LoadBalancer& lb, TimePoint now) {
  Json state{{"Code", load_balancer_state(lb, now)}};
  if (state["Code"] == "active_impaired") state["Reason"] = lb.failure;
  Json out{{"LoadBalancerArn", lb.arn},
           {"DNSName", lb.dns_name},
           {"CanonicalHostedZoneId", lb.canonical_hosted_zone_id},
           {"CreatedTime", epoch_seconds(lb.created)},
           {"LoadBalancerName", lb.name},
           {"Scheme", lb.scheme},
           {"VpcId", lb.vpc_id},
           {"State", std::move(state)},
           {"Type", lb.type},
           {"AvailabilityZones", zones_json(lb)},
           {"IpAddressType", lb.ip_address_type}};
  if (lb.application() || !lb.security_groups.empty()) out["SecurityGroups"] = lb.security_groups;
  return out;
}

Json target_group_json(const ElbState& state, const TargetGroup& g) {
  Json out{{"TargetGroupArn", g.arn},
           {"TargetGroupName", g.name},
           {"HealthCheckEnabled", g.health_check.enabled},
           {"HealthCheckIntervalSeconds", g.health_check.interval},
           {"HealthCheckTimeoutSeconds", g.health_check.timeout},
           {"HealthyThresholdCount", g.health_check.healthy_threshold},
           {"UnhealthyThresholdCount", g.health_check.unhealthy_threshold},
           {"LoadBalancerArns", state.load_balancers_of(g.arn)},
           {"TargetType", g.target_type}};
  if (!g.protocol.empty()) out["Protocol"] = g.protocol;
  if (g.port) out["Port"] = g.port;
  if (!g.vpc_id.empty()) out["VpcId"] = g.vpc_id;
  if (!g.health_check.protocol.empty()) out["HealthCheckProtocol"] = g.health_check.protocol;
  if (!g.health_check.port.empty()) out["HealthCheckPort"] = g.health_check.port;
  if (g.health_check.protocol == "HTTP" || g.health_check.protocol == "HTTPS" || g.target_type == "lambda")
    out["HealthCheckPath"] = g.health_check.path;
  if (!g.health_check.matcher_http.empty()) out["Matcher"] = {{"HttpCode", g.health_check.matcher_http}};
  if (!g.health_check.matcher_grpc.empty()) out["Matcher"] = {{"GrpcCode", g.health_check.matcher_grpc}};
  if (!g.protocol_version.empty()) out["ProtocolVersion"] = g.protocol_version;
  if (g.target_type != "lambda") out["IpAddressType"] = g.ip_address_type;
  return out;
}

Json listener_json(const Listener& l) {
  Json out{{"ListenerArn", l.arn},
           {"LoadBalancerArn", l.load_balancer_arn},
           {"Port", l.port},
           {"Protocol", l.protocol},
           {"DefaultActions", l.default_actions}};
  if (!l.certificates.empty()) out["Certificates"] = l.certificates;
  if (!l.ssl_policy.empty()) out["SslPolicy"] = l.ssl_policy;
  if (!l.alpn_policy.empty()) out["AlpnPolicy"] = Json::array({l.alpn_policy});
  return out;
}

Json rule_json(const Rule& r) {
  return Json{{"RuleArn", r.arn},
              {"Priority", std::to_string(r.priority)},
              {"Conditions", r.conditions},
              {"Actions", r.actions},
              {"IsDefault", false}};
}

Json default_rule_json(const Listener& l) {
  return Json{{"RuleArn", l.default_rule_arn},
              {"Priority", "default"},
              {"Conditions", Json::array()},
              {"Actions", l.default_actions},
              {"IsDefault", true}};
}

Json attributes_json(const Attributes& attributes) {
  Json out = Json::array();
  for (const auto& [k, v] : attributes) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

Json tags_json(const Tags& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

int health_check_port(const TargetGroup& group, int target_port) {
  if (group.health_check.port.empty() || group.health_check.port == "traffic-port") return target_port;
  try {
    return std::stoi(group.health_check.port);
  } catch (const std::exception&) {
    return target_port;
  }
}

HealthView health_view(const ElbState& state, const TargetGroup& group, const Target& t, TimePoint now,
                       std::chrono::seconds registration_step) {
  if (t.draining_until)
    return {"draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"};
  if (!group.health_check.enabled)
    return {"unavailable", "Target.HealthCheckDisabled", "Health checks are not enabled for this target"};
  if (!state.in_use(group.arn))
    return {"unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"};
  switch (t.health) {
    case TargetHealthState::Healthy: return {"healthy", "", ""};
    case TargetHealthState::Unhealthy: return {"unhealthy", t.reason, t.description};
    case TargetHealthState::Initial: break;
  }
  if (now < t.registered_at + registration_step)
    return {"initial", "Elb.RegistrationInProgress", "Target registration is in progress"};
  return {"initial", "Elb.InitialHealthChecking", "Initial health checks in progress"};
}

Json target_health_json(const TargetGroup& group, const std::string& id, int port, const std::string& zone,
                        const HealthView& view) {
  Json target{{"Id", id}};
  if (port) target["Port"] = port;
  if (!zone.empty()) target["AvailabilityZone"] = zone;
  Json health{{"State", view.state}};
  if (!view.reason.empty()) health["Reason"] = view.reason;
  if (!view.description.empty()) health["Description"] = view.description;
  Json out{{"Target", std::move(target)}, {"TargetHealth", std::move(health)}};
  if (port) out["HealthCheckPort"] = std::to_string(health_check_port(group, port));
  return out;
}

Tags tags_from(const Json& input) {
  Tags tags;
  for (const auto& t : items(input, "Tags")) tags.emplace_back(string_or_empty(t, "Key"), string_or_empty(t, "Value"));
  return tags;
}

std::vector<std::pair<std::string, std::string>> attributes_from(const Json& input) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : items(input, "Attributes")) out.emplace_back(string_or_empty(a, "Key"), string_or_empty(a, "Value"));
  return out;
}

Page elb_page(const std::vector<std::string>& keys, const Json& input) {
  return paginate(keys, {optional_string(input, "Marker"), optional_long(input, "PageSize"), 400, 400, "ValidationError"});
}

void add_marker(Json& out, const Page& page) {
  if (page.next_token) out["NextMarker"] = *page.next_token;
}

}  // namespace ecslocal::api::elbv2
