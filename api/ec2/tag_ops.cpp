// CreateTags, DeleteTags, DescribeTags for the resources ecslocal emulates: VPCs, subnets,
// security groups, security group rules and network interfaces (by id prefix).
#include <algorithm>

#include "api/ec2/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/ec2/provider.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {
namespace {

constexpr size_t kMaxTags = 50;

// The EC2 resource type of an id this account holds; throws the NotFound EC2 answers.
std::string resource_type(const vpc::VpcState& state, const std::string& id) {
  auto starts = [&](const char* prefix) { return id.rfind(prefix, 0) == 0; };
  if (starts("vpc-")) {
    if (!state.find_vpc(id)) throw InvalidVpcIDNotFound("The vpc ID '" + id + "' does not exist");
    return "vpc";
  }
  if (starts("subnet-")) {
    if (!state.find_subnet(id)) throw InvalidSubnetIDNotFound("The subnet ID '" + id + "' does not exist");
    return "subnet";
  }
  if (starts("sgr-")) {
    for (const auto& [gid, g] : state.groups)
      for (const auto& r : g.rules)
        if (r.id == id) return "security-group-rule";
    throw InvalidSecurityGroupRuleIdNotFound("The security group rule ID '" + id + "' does not exist");
  }
  if (starts("sg-")) {
    if (!state.find_group(id)) throw InvalidGroupNotFound("The security group '" + id + "' does not exist");
    return "security-group";
  }
  if (starts("eni-")) {
    if (!state.enis.count(id))
      throw InvalidNetworkInterfaceIDNotFound("The networkInterface ID '" + id + "' does not exist");
    return "network-interface";
  }
  throw InvalidID("The ID '" + id + "' is not valid");
}

Json create_tags(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const auto resources = string_list(input, "Resources");
  for (const auto& id : resources) resource_type(state, id);
  vpc::ResourceTags given;
  for (const auto& tag : json_read::items(input, "Tags")) {
    const std::string key = json_read::string_or_empty(tag, "Key");
    if (key.empty()) invalid_parameter_value("Tag keys can not be empty.");
    if (key.rfind("aws:", 0) == 0) invalid_parameter_value("Tag keys starting with 'aws:' are reserved for internal use");
    given[key] = json_read::string_or_empty(tag, "Value");
  }
  for (const auto& id : resources) {
    auto merged = state.tags[id];
    for (const auto& [k, v] : given) merged[k] = v;
    if (merged.size() > kMaxTags) throw TagLimitExceeded("The maximum number of tags for a resource is 50.");
  }
  for (const auto& id : resources)
    for (const auto& [k, v] : given) state.tags[id][k] = v;
  return Json::object();
}

Json delete_tags(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const auto resources = string_list(input, "Resources");
  for (const auto& id : resources) resource_type(state, id);
  const bool all = !input.contains("Tags");
  for (const auto& id : resources) {
    auto it = state.tags.find(id);
    if (it == state.tags.end()) continue;
    if (all) {
      state.tags.erase(it);
      continue;
    }
    for (const auto& tag : json_read::items(input, "Tags")) {
      const std::string key = json_read::string_or_empty(tag, "Key");
      auto found = it->second.find(key);
      // A Value given must match; no Value deletes whatever the key holds.
      if (found != it->second.end() && (!tag.contains("Value") || json_read::string_or_empty(tag, "Value") == found->second))
        it->second.erase(found);
    }
  }
  return Json::object();
}

Json describe_tags(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"key", "value", "resource-id", "resource-type"});
  Json out = Json::array();
  for (const auto& [id, tags] : state.tags) {
    std::string type;
    try {
      type = resource_type(state, id);
    } catch (const AwsError&) {
      continue;  // the resource went away
    }
    for (const auto& [key, value] : tags) {
      auto field = [&](const std::string& name) -> std::vector<std::string> {
        if (name == "key") return {key};
        if (name == "value") return {value};
        if (name == "resource-id") return {id};
        if (name == "resource-type") return {type};
        return {};
      };
      if (all_match(filters, {}, field))
        out.push_back({{"ResourceId", id}, {"ResourceType", type}, {"Key", key}, {"Value", value}});
    }
  }
  return {{"Tags", out}};
}

}  // namespace

void register_tag_operations(Ec2Provider& provider, OperationTable& table) {
  bind_operation(table, "CreateTags", provider, create_tags);
  bind_operation(table, "DeleteTags", provider, delete_tags);
  bind_operation(table, "DescribeTags", provider, describe_tags);
}

}  // namespace ecslocal::api::ec2
