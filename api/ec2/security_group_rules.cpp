#include "api/ec2/errors.hpp"
#include "api/ec2/security_group_rules.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "api/common/json_read.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {
namespace {

std::string lower(std::string text) {
  for (auto& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// "tcp" | "udp" | "icmp" | "-1", from names or protocol numbers.
std::string normalize_protocol(const std::string& given) {
  const std::string p = lower(given);
  if (p == "tcp" || p == "6") return "tcp";
  if (p == "udp" || p == "17") return "udp";
  if (p == "icmp" || p == "1") return "icmp";
  if (p == "-1" || p == "all") return "-1";
  if (!p.empty() && std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }) && std::stoi(p) <= 255)
    return p;
  invalid_parameter_value("Invalid value '" + given + "' for IP protocol. Unknown protocol.");
}

void set_ports(vpc::SecurityGroupRule& rule, std::optional<int> from, std::optional<int> to) {
  if (rule.ip_protocol == "-1") return;  // all traffic: ports do not apply
  if (rule.ip_protocol == "tcp" || rule.ip_protocol == "udp") {
    if (!from || !to)
      invalid_parameter_value("Invalid value for portRange. Must specify both from and to ports with TCP/UDP.");
    if (*from < 0 || *to > 65535 || *from > *to)
      invalid_parameter_value("Invalid TCP/UDP port range " + std::to_string(*from) + "-" + std::to_string(*to) + ".");
  }
  rule.from_port = from.value_or(-1);
  rule.to_port = to.value_or(-1);
}

std::string checked_cidr(const std::string& text) {
  const auto block = vpc::Cidr::parse(text);
  if (!block) invalid_parameter_value("CIDR block " + text + " is malformed");
  return block->text();
}

const vpc::SecurityGroup& referenced_group(const vpc::VpcState& state, const vpc::SecurityGroup& group, const Json& pair) {
  const std::string id = json_read::string_or_empty(pair, "GroupId");
  const std::string name = json_read::string_or_empty(pair, "GroupName");
  const vpc::SecurityGroup* found = !id.empty() ? state.find_group(id) : state.find_group_by_name(group.vpc_id, name);
  if (!found) throw InvalidGroupNotFound("The security group '" + (id.empty() ? name : id) + "' does not exist");
  return *found;
}

void add_permission(std::vector<vpc::SecurityGroupRule>& out, const vpc::VpcState& state, const vpc::SecurityGroup& group,
                    const Json& permission, bool egress) {
  vpc::SecurityGroupRule base;
  base.egress = egress;
  base.ip_protocol = normalize_protocol(json_read::string_or_empty(permission, "IpProtocol"));
  set_ports(base, json_read::optional_int(permission, "FromPort"), json_read::optional_int(permission, "ToPort"));
  const size_t before = out.size();
  for (const auto& range : json_read::items(permission, "IpRanges")) {
    vpc::SecurityGroupRule rule = base;
    rule.cidr_ipv4 = checked_cidr(json_read::string_or_empty(range, "CidrIp"));
    rule.description = json_read::string_or_empty(range, "Description");
    out.push_back(rule);
  }
  for (const auto& pair : json_read::items(permission, "UserIdGroupPairs")) {
    vpc::SecurityGroupRule rule = base;
    rule.referenced_group_id = referenced_group(state, group, pair).id;
    rule.description = json_read::string_or_empty(pair, "Description");
    out.push_back(rule);
  }
  if (!json_read::items(permission, "Ipv6Ranges").empty() || !json_read::items(permission, "PrefixListIds").empty())
    throw InvalidParameterValue("ecslocal supports IPv4 ranges and security group pairs only.");
  if (out.size() == before) missing_parameter("ipPermissions (an IP range or a security group pair)");
}

}  // namespace

std::vector<vpc::SecurityGroupRule> requested_rules(const vpc::VpcState& state, const vpc::SecurityGroup& group,
                                                    const Json& input, bool egress) {
  std::vector<vpc::SecurityGroupRule> out;
  for (const auto& permission : json_read::items(input, "IpPermissions")) add_permission(out, state, group, permission, egress);
  // The older flat form: one CIDR (or, for ingress, a source group by name) with protocol and ports.
  const auto cidr = json_read::optional_string(input, "CidrIp");
  const auto source = json_read::optional_string(input, "SourceSecurityGroupName");
  if (cidr || source || json_read::optional_string(input, "IpProtocol")) {
    Json permission = {{"IpProtocol", json_read::string_or_empty(input, "IpProtocol")}};
    if (auto from = json_read::optional_int(input, "FromPort")) permission["FromPort"] = *from;
    if (auto to = json_read::optional_int(input, "ToPort")) permission["ToPort"] = *to;
    if (cidr) permission["IpRanges"] = Json::array({{{"CidrIp", *cidr}}});
    if (source) permission["UserIdGroupPairs"] = Json::array({{{"GroupName", *source}}});
    if (!permission.contains("IpProtocol") || permission["IpProtocol"] == "") permission["IpProtocol"] = "-1";
    add_permission(out, state, group, permission, egress);
  }
  if (out.empty()) missing_parameter("ipPermissions");
  return out;
}

std::string describe_rule(const vpc::SecurityGroupRule& rule) {
  std::string protocol = rule.ip_protocol == "-1" ? "ALL" : rule.ip_protocol;
  for (auto& ch : protocol) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string text = "peer: " + (rule.cidr_ipv4.empty() ? rule.referenced_group_id : rule.cidr_ipv4) + ", " + protocol;
  if (rule.ip_protocol != "-1")
    text += ", from port: " + std::to_string(rule.from_port) + ", to port: " + std::to_string(rule.to_port);
  return text + ", ALLOW";
}

Json ip_permissions_json(const vpc::SecurityGroup& group, bool egress, const std::string& owner_id) {
  // One IpPermission per (protocol, from, to), in the order the first rule of each appeared.
  std::vector<std::tuple<std::string, int, int>> order;
  std::map<std::tuple<std::string, int, int>, Json> permissions;
  for (const auto& rule : group.rules) {
    if (rule.egress != egress) continue;
    const auto key = std::make_tuple(rule.ip_protocol, rule.from_port, rule.to_port);
    auto [it, fresh] = permissions.try_emplace(key);
    if (fresh) {
      order.push_back(key);
      it->second = {{"IpProtocol", rule.ip_protocol},
                    {"IpRanges", Json::array()},
                    {"Ipv6Ranges", Json::array()},
                    {"PrefixListIds", Json::array()},
                    {"UserIdGroupPairs", Json::array()}};
      if (rule.ip_protocol != "-1") {
        it->second["FromPort"] = rule.from_port;
        it->second["ToPort"] = rule.to_port;
      }
    }
    Json entry = Json::object();
    if (!rule.description.empty()) entry["Description"] = rule.description;
    if (!rule.cidr_ipv4.empty()) {
      entry["CidrIp"] = rule.cidr_ipv4;
      it->second["IpRanges"].push_back(entry);
    } else {
      entry["GroupId"] = rule.referenced_group_id;
      entry["UserId"] = owner_id;
      it->second["UserIdGroupPairs"].push_back(entry);
    }
  }
  Json out = Json::array();
  for (const auto& key : order) out.push_back(permissions[key]);
  return out;
}

Json rule_json(const vpc::VpcState& state, const vpc::SecurityGroup& group, const vpc::SecurityGroupRule& rule) {
  Json o = {{"SecurityGroupRuleId", rule.id},
            {"GroupId", group.id},
            {"GroupOwnerId", state.account_id},
            {"IsEgress", rule.egress},
            {"IpProtocol", rule.ip_protocol},
            {"FromPort", rule.from_port},
            {"ToPort", rule.to_port},
            {"Tags", Json::array()}};
  if (!rule.cidr_ipv4.empty())
    o["CidrIpv4"] = rule.cidr_ipv4;
  else
    o["ReferencedGroupInfo"] = {{"GroupId", rule.referenced_group_id}, {"UserId", state.account_id}};
  if (!rule.description.empty()) o["Description"] = rule.description;
  return o;
}

}  // namespace ecslocal::api::ec2
