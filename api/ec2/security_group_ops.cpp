// CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup, Authorize/Revoke ingress and
// egress, DescribeSecurityGroupRules. Rules are recorded and reported; ecslocal does not enforce
// them on the Docker bridge (see README).
#include <algorithm>

#include "api/ec2/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/ec2/provider.hpp"
#include "api/ec2/security_group_rules.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {
namespace {

constexpr size_t kMaxGroupText = 255;

[[noreturn]] void group_not_found(const std::string& id) {
  throw InvalidGroupNotFound("The security group '" + id + "' does not exist");
}

Json group_json(const vpc::VpcState& state, const vpc::SecurityGroup& g) {
  Json o = {{"GroupId", g.id},
            {"GroupName", g.name},
            {"Description", g.description},
            {"VpcId", g.vpc_id},
            {"OwnerId", state.account_id},
            {"IpPermissions", ip_permissions_json(g, false, state.account_id)},
            {"IpPermissionsEgress", ip_permissions_json(g, true, state.account_id)}};
  put_tags(o, state, g.id);
  return o;
}

// GroupId, else GroupName (a group of the default VPC, as EC2 reads names).
vpc::SecurityGroup& designated_group(vpc::VpcState& state, const Json& input) {
  const std::string id = json_read::string_or_empty(input, "GroupId");
  if (!id.empty()) {
    vpc::SecurityGroup* g = state.find_group(id);
    if (!g) group_not_found(id);
    return *g;
  }
  const std::string name = json_read::string_or_empty(input, "GroupName");
  if (name.empty()) missing_parameter("groupName or groupId");
  const vpc::SecurityGroup* g = state.find_group_by_name(state.default_vpc_id, name);
  if (!g)
    throw InvalidGroupNotFound(
                   "The security group '" + name + "' does not exist in default VPC '" + state.default_vpc_id + "'");
  return *state.find_group(g->id);
}

std::vector<std::string> group_field(const vpc::VpcState& state, const vpc::SecurityGroup& g, const std::string& name) {
  if (name == "group-id") return {g.id};
  if (name == "group-name") return {g.name};
  if (name == "vpc-id") return {g.vpc_id};
  if (name == "description") return {g.description};
  if (name == "owner-id") return {state.account_id};
  return {};
}

Json describe_security_groups(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"group-id", "group-name", "vpc-id", "description", "owner-id"});
  const auto ids = string_list(input, "GroupIds");
  std::vector<std::string> wanted = ids;
  for (const auto& id : ids)
    if (!state.find_group(id)) group_not_found(id);
  for (const auto& name : string_list(input, "GroupNames")) {
    Json by_name = {{"GroupName", name}};
    wanted.push_back(designated_group(state, by_name).id);
  }
  Json groups = Json::array();
  for (const auto& [id, g] : state.groups) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), id) == wanted.end()) continue;
    const auto tags = state.tags.count(id) ? state.tags.at(id) : vpc::ResourceTags{};
    if (all_match(filters, tags, [&](const std::string& name) { return group_field(state, g, name); }))
      groups.push_back(group_json(state, g));
  }
  return {{"SecurityGroups", groups}};
}

Json create_security_group(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const std::string name = json_read::string_or_empty(input, "GroupName");
  const std::string description = json_read::string_or_empty(input, "Description");
  if (name.empty()) missing_parameter("GroupName");
  if (description.empty()) missing_parameter("GroupDescription");
  if (name.size() > kMaxGroupText || description.size() > kMaxGroupText)
    invalid_parameter_value("Group name and description can have at most 255 characters.");
  if (name.rfind("sg-", 0) == 0) invalid_parameter_value("Group names may not be in the format sg-*.");
  const std::string vpc_id = json_read::optional_string(input, "VpcId").value_or(state.default_vpc_id);
  if (!state.find_vpc(vpc_id)) throw InvalidVpcIDNotFound("The vpc ID '" + vpc_id + "' does not exist");
  if (state.find_group_by_name(vpc_id, name))
    throw InvalidGroupDuplicate("The security group '" + name + "' already exists for VPC '" + vpc_id + "'");
  const auto tags = tags_from_specifications(input, "security-group");
  vpc::SecurityGroup& g = provider.networks().add_group(state, vpc_id, name, description);
  Json out = {{"GroupId", g.id}};
  if (!tags.empty()) {
    state.tags[g.id] = tags;
    out["Tags"] = tags_json(tags);
  }
  return out;
}

Json delete_security_group(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const vpc::SecurityGroup& g = designated_group(state, input);
  if (g.is_default())
    throw CannotDelete("the specified group: \"" + g.id + "\" name: \"default\" cannot be deleted by a user");
  if (state.group_in_use(g.id)) throw DependencyViolation("resource " + g.id + " has a dependent object");
  for (const auto& [id, other] : state.groups)
    for (const auto& rule : other.rules)
      if (id != g.id && rule.referenced_group_id == g.id)
        throw DependencyViolation("resource " + g.id + " has a dependent object");
  const std::string id = g.id;
  state.groups.erase(id);
  state.tags.erase(id);
  return Json::object();
}

Json authorize(Ec2Provider& provider, const RequestContext& ctx, Json& input, bool egress) {
  vpc::VpcState& state = provider.state(ctx);
  vpc::SecurityGroup& g = designated_group(state, input);
  auto rules = requested_rules(state, g, input, egress);
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto same = [&](const vpc::SecurityGroupRule& r) { return r.same_permission(rules[i]); };
    if (std::any_of(g.rules.begin(), g.rules.end(), same) || std::any_of(rules.begin(), rules.begin() + i, same))
      throw InvalidPermissionDuplicate(
                     "the specified rule \"" + describe_rule(rules[i]) + "\" already exists");
  }
  Json out = Json::array();
  for (auto& rule : rules) {
    rule.id = provider.networks().new_id("sgr-");
    g.rules.push_back(rule);
    out.push_back(rule_json(state, g, rule));
  }
  return {{"Return", true}, {"SecurityGroupRules", out}};
}

Json revoke(Ec2Provider& provider, const RequestContext& ctx, Json& input, bool egress) {
  vpc::VpcState& state = provider.state(ctx);
  vpc::SecurityGroup& g = designated_group(state, input);
  std::vector<std::string> doomed;
  for (const auto& id : string_list(input, "SecurityGroupRuleIds")) {
    auto it = std::find_if(g.rules.begin(), g.rules.end(),
                           [&](const vpc::SecurityGroupRule& r) { return r.id == id && r.egress == egress; });
    if (it == g.rules.end())
      throw InvalidSecurityGroupRuleIdNotFound("The security group rule ID '" + id + "' does not exist");
    doomed.push_back(id);
  }
  const bool by_permission = !json_read::items(input, "IpPermissions").empty() || input.contains("CidrIp") ||
                             input.contains("IpProtocol") || input.contains("SourceSecurityGroupName");
  if (by_permission || doomed.empty()) {
    for (const auto& wanted : requested_rules(state, g, input, egress)) {
      auto it = std::find_if(g.rules.begin(), g.rules.end(), [&](const vpc::SecurityGroupRule& r) { return r.same_permission(wanted); });
      if (it == g.rules.end())
        throw InvalidPermissionNotFound("The specified rule does not exist in this security group.");
      doomed.push_back(it->id);
    }
  }
  std::erase_if(g.rules, [&](const vpc::SecurityGroupRule& r) {
    return std::find(doomed.begin(), doomed.end(), r.id) != doomed.end();
  });
  return {{"Return", true}};
}

Json describe_security_group_rules(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"group-id", "security-group-rule-id"});
  const auto ids = string_list(input, "SecurityGroupRuleIds");
  for (const auto& id : ids) {
    bool found = false;
    for (const auto& [gid, g] : state.groups)
      for (const auto& r : g.rules) found = found || r.id == id;
    if (!found) throw InvalidSecurityGroupRuleIdNotFound("The security group rule ID '" + id + "' does not exist");
  }
  Json out = Json::array();
  for (const auto& [gid, g] : state.groups)
    for (const auto& r : g.rules) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), r.id) == ids.end()) continue;
      auto field = [&](const std::string& name) -> std::vector<std::string> {
        if (name == "group-id") return {g.id};
        if (name == "security-group-rule-id") return {r.id};
        return {};
      };
      if (all_match(filters, {}, field)) out.push_back(rule_json(state, g, r));
    }
  return {{"SecurityGroupRules", out}};
}

Json authorize_ingress(Ec2Provider& p, const RequestContext& ctx, Json& in) { return authorize(p, ctx, in, false); }
Json authorize_egress(Ec2Provider& p, const RequestContext& ctx, Json& in) { return authorize(p, ctx, in, true); }
Json revoke_ingress(Ec2Provider& p, const RequestContext& ctx, Json& in) { return revoke(p, ctx, in, false); }
Json revoke_egress(Ec2Provider& p, const RequestContext& ctx, Json& in) { return revoke(p, ctx, in, true); }

}  // namespace

void register_security_group_operations(Ec2Provider& provider, OperationTable& table) {
  bind_operation(table, "DescribeSecurityGroups", provider, describe_security_groups);
  bind_operation(table, "CreateSecurityGroup", provider, create_security_group);
  bind_operation(table, "DeleteSecurityGroup", provider, delete_security_group);
  bind_operation(table, "AuthorizeSecurityGroupIngress", provider, authorize_ingress);
  bind_operation(table, "AuthorizeSecurityGroupEgress", provider, authorize_egress);
  bind_operation(table, "RevokeSecurityGroupIngress", provider, revoke_ingress);
  bind_operation(table, "RevokeSecurityGroupEgress", provider, revoke_egress);
  bind_operation(table, "DescribeSecurityGroupRules", provider, describe_security_group_rules);
}

}  // namespace ecslocal::api::ec2
