// CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, Describe/ModifyLoadBalancerAttributes,
// SetSecurityGroups, SetSubnets, SetIpAddressType, DescribeAccountLimits.
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

// Route 53 hosted zone ids of ALBs / NLBs per region (AWS's; others fall back to us-east-1's).
std::string hosted_zone(const std::string& region, bool application) {
  static const std::map<std::string, std::pair<const char*, const char*>> kZones{
      {"us-east-1", {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"}}, {"us-east-2", {"Z3AADJGX6KTTL2", "ZLMOA37VPKANP"}},
      {"us-west-1", {"Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"}}, {"us-west-2", {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"}},
      {"eu-west-1", {"Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"}}, {"eu-central-1", {"Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"}}};
  auto it = kZones.find(region);
  const auto& z = it == kZones.end() ? kZones.at("us-east-1") : it->second;
  return application ? z.first : z.second;
}

bool strings_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) == v.end();
}

struct Placement {
  std::string vpc_id;
  std::vector<Zone> zones;
};

std::vector<std::string> subnet_ids(const Json& input) {
  std::vector<std::string> ids = strings(input, "Subnets");
  for (const auto& m : items(input, "SubnetMappings")) {
    if (m.contains("AllocationId") || m.contains("PrivateIPv4Address") || m.contains("IPv6Address"))
      throw InvalidConfigurationRequestException("ecslocal does not emulate Elastic IP or fixed addresses in subnet mappings");
    ids.push_back(string_or_empty(m, "SubnetId"));
  }
  return ids;
}

Placement place(ElbProvider& p, const RequestContext& ctx, const std::vector<std::string>& ids, bool application) {
  if (!strings_unique(ids)) throw InvalidConfigurationRequestException("A subnet can be specified only once");
  const vpc::VpcState& net = p.networks().at(ctx.account_id, ctx.region);
  Placement out;
  std::set<std::string> zones;
  for (const auto& id : ids) {
    const vpc::Subnet* s = net.find_subnet(id);
    if (!s) throw SubnetNotFoundException("The subnet ID '" + id + "' is not valid");
    if (out.vpc_id.empty()) out.vpc_id = s->vpc_id;
    if (s->vpc_id != out.vpc_id) throw InvalidConfigurationRequestException("All subnets must belong to the same VPC");
    if (!zones.insert(s->availability_zone).second)
      throw InvalidConfigurationRequestException(
          "A load balancer cannot be attached to multiple subnets in the same Availability Zone");
    out.zones.push_back({s->availability_zone, s->id});
  }
  if (application && zones.size() < 2)
    throw ValidationError("At least two subnets in two different Availability Zones must be specified");
  if (!application && zones.empty()) throw ValidationError("At least one subnet must be specified");
  std::sort(out.zones.begin(), out.zones.end(), [](const Zone& a, const Zone& b) { return a.zone_name < b.zone_name; });
  return out;
}

std::vector<std::string> resolve_groups(ElbProvider& p, const RequestContext& ctx, const std::string& vpc_id,
                                        const std::vector<std::string>& groups) {
  const vpc::VpcState& net = p.networks().at(ctx.account_id, ctx.region);
  for (const auto& id : groups) {
    const vpc::SecurityGroup* g = net.find_group(id);
    if (!g || g->vpc_id != vpc_id) throw InvalidSecurityGroupException("One or more security groups are invalid");
  }
  return groups;
}

LoadBalancer& require_load_balancer(ElbState& state, const std::string& arn) {
  auto it = state.load_balancers.find(arn);
  if (it == state.load_balancers.end()) throw LoadBalancerNotFoundException("One or more load balancers not found");
  return it->second;
}

std::string decimal_id(const std::string& hex_id) {
  const unsigned long long n = std::stoull(hex_id.substr(0, 12), nullptr, 16) % 10000000000ULL;
  return std::to_string(n);
}

Json create_load_balancer(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const std::string name = string_or_empty(input, "Name");
  check_name("Load balancer", name);
  const std::string type = optional_string(input, "Type").value_or("application");
  if (type == "gateway") throw ValidationError("ecslocal does not emulate gateway load balancers");
  const std::string scheme = optional_string(input, "Scheme").value_or("internet-facing");
  const std::string ip_type = optional_string(input, "IpAddressType").value_or("ipv4");
  if (ip_type != "ipv4") throw InvalidConfigurationRequestException("ecslocal load balancers are IPv4 only");
  if (input.contains("CustomerOwnedIpv4Pool")) throw InvalidConfigurationRequestException("ecslocal does not emulate Outposts");
  const Placement placement = place(p, ctx, subnet_ids(input), type == "application");
  std::vector<std::string> groups = resolve_groups(p, ctx, placement.vpc_id, strings(input, "SecurityGroups"));
  if (groups.empty() && type == "application") {
    const auto* g = p.networks().at(ctx.account_id, ctx.region).default_group(placement.vpc_id);
    if (g) groups.push_back(g->id);
  }
  const Tags tags = tags_from(input);
  check_new_tags(tags);

  if (LoadBalancer* existing = state.find_load_balancer_by_name(name)) {
    std::vector<std::string> a, b;
    for (const auto& z : existing->zones) a.push_back(z.subnet_id);
    for (const auto& z : placement.zones) b.push_back(z.subnet_id);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::string> ga = existing->security_groups, gb = groups;
    std::sort(ga.begin(), ga.end());
    std::sort(gb.begin(), gb.end());
    if (existing->type != type || existing->scheme != scheme || a != b || ga != gb || existing->ip_address_type != ip_type)
      throw DuplicateLoadBalancerNameException("A load balancer with the same name '" + name +
                                               "' exists, but with different settings");
    return {{"LoadBalancers", Json::array({load_balancer_json(*existing, ctx.now)})}};
  }

  LoadBalancer lb;
  lb.name = name;
  lb.id = p.ids().hex(16);
  lb.type = type;
  lb.arn = elb_arn(ctx, "loadbalancer/" + lb.dimension());
  lb.scheme = scheme;
  lb.ip_address_type = ip_type;
  lb.vpc_id = placement.vpc_id;
  lb.zones = placement.zones;
  lb.security_groups = groups;
  lb.address = p.allocate_address();
  if (p.settings().dns_mode == "localhost")
    lb.dns_name = std::string(scheme == "internal" ? "internal-" : "") + name + "-" + decimal_id(lb.id) + "." + ctx.region +
                  ".elb.localhost";
  else
    lb.dns_name = lb.address;
  lb.canonical_hosted_zone_id = hosted_zone(ctx.region, type == "application");
  lb.created = ctx.now;
  lb.active_at = ctx.now + p.settings().provisioning;
  lb.attributes = default_load_balancer_attributes(type);
  if (!tags.empty()) state.tags[lb.arn] = tags;
  const std::string arn = lb.arn;
  LoadBalancer& stored = state.load_balancers.emplace(arn, std::move(lb)).first->second;
  return {{"LoadBalancers", Json::array({load_balancer_json(stored, ctx.now)})}};
}

Json describe_load_balancers(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const auto names = optional_strings(input, "Names");
  const auto arns = optional_strings(input, "LoadBalancerArns");
  if (names && arns && !names->empty() && !arns->empty())
    throw ValidationError("Load balancer names and load balancer ARNs cannot be specified at the same time");
  std::vector<const LoadBalancer*> found;
  if (names && !names->empty()) {
    std::vector<std::string> missing;
    for (const auto& n : *names) {
      const LoadBalancer* lb = state.find_load_balancer_by_name(n);
      if (lb)
        found.push_back(lb);
      else
        missing.push_back(n);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      throw LoadBalancerNotFoundException("Load balancers '[" + list + "]' not found");
    }
  } else if (arns && !arns->empty()) {
    for (const auto& a : *arns) found.push_back(&require_load_balancer(state, a));
  } else {
    for (const auto& [arn, lb] : state.load_balancers) found.push_back(&lb);
  }
  std::sort(found.begin(), found.end(), [](const LoadBalancer* a, const LoadBalancer* b) { return a->name < b->name; });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<std::string> keys;
  for (const auto* lb : found) keys.push_back(lb->name);
  const Page page = elb_page(keys, input);
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(load_balancer_json(*found[i], ctx.now));
  Json out{{"LoadBalancers", std::move(list)}};
  add_marker(out, page);
  return out;
}

Json delete_load_balancer(ElbProvider& p, const RequestContext& ctx, Json& input) {
  ElbState& state = p.state(ctx);
  const std::string arn = string_or_empty(input, "LoadBalancerArn");
  auto it = state.load_balancers.find(arn);
  if (it == state.load_balancers.end()) return Json::object();  // already deleted: success, as AWS
  LoadBalancer& lb = it->second;
  if (lb.attributes["deletion_protection.enabled"] == "true")
    throw OperationNotPermittedException("Load balancer '" + arn + "' cannot be deleted because deletion protection is enabled");
  for (auto l = state.listeners.begin(); l != state.listeners.end();) {
    if (l->second.load_balancer_arn != arn) {
      ++l;
      continue;
    }
    p.close_listener(l->second);
    for (auto r = state.rules.begin(); r != state.rules.end();) {
      if (r->second.listener_arn == l->first) {
        state.tags.erase(r->first);
        r = state.rules.erase(r);
      } else {
        ++r;
      }
    }
    state.tags.erase(l->first);
    l = state.listeners.erase(l);
  }
  p.release_address(lb.address);
  state.tags.erase(arn);
  state.load_balancers.erase(it);
  p.sync_probes(ctx.account_id, ctx.region, ctx.now);
  return Json::object();
}

Json describe_load_balancer_attributes(ElbProvider& p, const RequestContext& ctx, Json& input) {
  const LoadBalancer& lb = require_load_balancer(p.state(ctx), string_or_empty(input, "LoadBalancerArn"));
  return {{"Attributes", attributes_json(lb.attributes)}};
}

Json modify_load_balancer_attributes(ElbProvider& p, const RequestContext& ctx, Json& input) {
  LoadBalancer& lb = require_load_balancer(p.state(ctx), string_or_empty(input, "LoadBalancerArn"));
  const auto changes = attributes_from(input);
  for (const auto& [k, v] : changes) check_load_balancer_attribute(lb.type, k, v);
  for (const auto& [k, v] : changes) lb.attributes[k] = v;
  p.publish_routes(p.state(ctx), lb.arn);
  return {{"Attributes", attributes_json(lb.attributes)}};
}

Json set_security_groups(ElbProvider& p, const RequestContext& ctx, Json& input) {
  LoadBalancer& lb = require_load_balancer(p.state(ctx), string_or_empty(input, "LoadBalancerArn"));
  const auto groups = strings(input, "SecurityGroups");
  if (!lb.application() && lb.security_groups.empty())
    throw InvalidConfigurationRequestException(
        "You cannot set security groups on a Network Load Balancer which was created without any security groups.");
  lb.security_groups = resolve_groups(p, ctx, lb.vpc_id, groups);
  return {{"SecurityGroupIds", lb.security_groups}};
}

Json set_subnets(ElbProvider& p, const RequestContext& ctx, Json& input) {
  LoadBalancer& lb = require_load_balancer(p.state(ctx), string_or_empty(input, "LoadBalancerArn"));
  const Placement placement = place(p, ctx, subnet_ids(input), lb.application());
  if (placement.vpc_id != lb.vpc_id)
    throw InvalidSubnetException("The subnets must be in the VPC of the load balancer (" + lb.vpc_id + ")");
  if (auto ip = optional_string(input, "IpAddressType"); ip && *ip != "ipv4")
    throw InvalidConfigurationRequestException("ecslocal load balancers are IPv4 only");
  lb.zones = placement.zones;
  return {{"AvailabilityZones", zones_json(lb)}, {"IpAddressType", lb.ip_address_type}};
}

Json set_ip_address_type(ElbProvider& p, const RequestContext& ctx, Json& input) {
  LoadBalancer& lb = require_load_balancer(p.state(ctx), string_or_empty(input, "LoadBalancerArn"));
  if (string_or_empty(input, "IpAddressType") != "ipv4")
    throw InvalidConfigurationRequestException("ecslocal load balancers are IPv4 only");
  return {{"IpAddressType", lb.ip_address_type}};
}

Json describe_account_limits(ElbProvider&, const RequestContext&, Json&) {
  static const std::pair<const char*, const char*> kLimits[] = {
      {"application-load-balancers", "50"}, {"target-groups", "3000"},      {"targets-per-application-load-balancer", "1000"},
      {"listeners-per-application-load-balancer", "50"}, {"rules-per-application-load-balancer", "100"},
      {"network-load-balancers", "50"},     {"listeners-per-network-load-balancer", "50"},
      {"targets-per-network-load-balancer", "3000"}, {"target-groups-per-action-on-application-load-balancer", "5"}};
  Json limits = Json::array();
  for (const auto& [n, m] : kLimits) limits.push_back({{"Name", n}, {"Max", m}});
  return {{"Limits", std::move(limits)}};
}

}  // namespace

void register_load_balancer_operations(ElbProvider& p, OperationTable& table) {
  bind_operation(table, "CreateLoadBalancer", p, create_load_balancer);
  bind_operation(table, "DescribeLoadBalancers", p, describe_load_balancers);
  bind_operation(table, "DeleteLoadBalancer", p, delete_load_balancer);
  bind_operation(table, "DescribeLoadBalancerAttributes", p, describe_load_balancer_attributes);
  bind_operation(table, "ModifyLoadBalancerAttributes", p, modify_load_balancer_attributes);
  bind_operation(table, "SetSecurityGroups", p, set_security_groups);
  bind_operation(table, "SetSubnets", p, set_subnets);
  bind_operation(table, "SetIpAddressType", p, set_ip_address_type);
  bind_operation(table, "DescribeAccountLimits", p, describe_account_limits);
}

}  // namespace ecslocal::api::elbv2
