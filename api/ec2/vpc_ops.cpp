// CreateVpc, DescribeVpcs, DeleteVpc. A created VPC becomes a Docker bridge of its own (made by
// the runtime when its first task starts, removed on DeleteVpc or at shutdown); as Docker refuses
// overlapping bridges, its CIDR may not overlap 172.31.0.0/16 or another VPC.
#include <algorithm>

#include "api/ec2/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/ec2/provider.hpp"
#include "api/protocol/aws_error.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::api::ec2 {
namespace {

constexpr int kMinVpcPrefix = 16, kMaxVpcPrefix = 28;

Json vpc_json(const vpc::VpcState& state, const vpc::Vpc& v) {
  Json o = {{"VpcId", v.id},
            {"CidrBlock", v.cidr()},
            {"State", "available"},
            {"DhcpOptionsId", vpc::stable_resource_id("dopt-", state.account_id + "/" + state.region)},
            {"OwnerId", state.account_id},
            {"InstanceTenancy", "default"},
            {"IsDefault", v.is_default},
            {"CidrBlockAssociationSet",
             Json::array({{{"AssociationId", vpc::stable_resource_id("vpc-cidr-assoc-", v.id)},
                           {"CidrBlock", v.cidr()},
                           {"CidrBlockState", {{"State", "associated"}}}}})}};
  put_tags(o, state, v.id);
  return o;
}

std::vector<std::string> vpc_field(const vpc::VpcState& state, const vpc::Vpc& v, const std::string& name) {
  if (name == "vpc-id") return {v.id};
  if (name == "cidr" || name == "cidr-block-association.cidr-block") return {v.cidr()};
  if (name == "is-default" || name == "isDefault") return {v.is_default ? "true" : "false"};
  if (name == "state") return {"available"};
  if (name == "owner-id") return {state.account_id};
  return {};
}

Json describe_vpcs(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default",
                                            "isDefault", "state", "owner-id"});
  const auto ids = string_list(input, "VpcIds");
  for (const auto& id : ids)
    if (!state.find_vpc(id)) throw InvalidVpcIDNotFound("The vpc ID '" + id + "' does not exist");
  Json vpcs = Json::array();
  for (const auto& [id, v] : state.vpcs) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    const auto tags = state.tags.count(id) ? state.tags.at(id) : vpc::ResourceTags{};
    if (all_match(filters, tags, [&](const std::string& name) { return vpc_field(state, v, name); }))
      vpcs.push_back(vpc_json(state, v));
  }
  return {{"Vpcs", vpcs}};
}

vpc::Cidr vpc_block(const Json& input) {
  const auto text = json_read::optional_string(input, "CidrBlock");
  if (!text) throw MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  const auto block = vpc::Cidr::parse(*text);
  if (!block) invalid_parameter_value("Value (" + *text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block.");
  if (block->prefix < kMinVpcPrefix || block->prefix > kMaxVpcPrefix)
    throw InvalidVpcRange("The CIDR '" + *text + "' is invalid.");
  return *block;
}

Json create_vpc(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const vpc::Cidr block = vpc_block(input);
  const auto tags = tags_from_specifications(input, "vpc");
  if (const vpc::Vpc* other = provider.networks().overlapping_vpc(block))
    throw InvalidVpcRange("The CIDR '" + block.text() + "' overlaps " + other->cidr() + " of " + other->id +
                                           ": ecslocal makes each VPC a Docker bridge network, and Docker refuses "
                                           "overlapping bridges. Choose a CIDR that overlaps no other VPC (of any account "
                                           "or region) and not the default VPCs' 172.31.0.0/16.");
  vpc::Vpc& v = provider.networks().add_vpc(state, block);
  if (!tags.empty()) state.tags[v.id] = tags;
  return {{"Vpc", vpc_json(state, v)}};
}

Json delete_vpc(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const std::string id = json_read::string_or_empty(input, "VpcId");
  const vpc::Vpc* v = state.find_vpc(id);
  if (!v) throw InvalidVpcIDNotFound("The vpc ID '" + id + "' does not exist");
  if (v->is_default)  // ecslocal's tasks fall back on it; AWS would allow this
    throw OperationNotPermitted("ecslocal does not delete the default VPC " + id + ".");
  bool dependencies = false;
  for (const auto& [sid, subnet] : state.subnets) dependencies = dependencies || subnet.vpc_id == id;
  for (const auto& [gid, group] : state.groups) dependencies = dependencies || (group.vpc_id == id && !group.is_default());
  for (const auto& [eid, eni] : state.enis) dependencies = dependencies || eni.vpc_id == id;
  if (dependencies) throw DependencyViolation("The vpc '" + id + "' has dependencies and cannot be deleted.");
  const std::string network = v->docker_network();
  const bool shared_bridge = v->is_default;  // every default VPC shares one bridge
  provider.networks().remove_vpc(state, id);
  if (!shared_bridge)
    if (runtime::TaskRuntime* runtime = provider.task_runtime()) runtime->remove_network(network);
  return Json::object();
}

}  // namespace

void register_vpc_operations(Ec2Provider& provider, OperationTable& table) {
  bind_operation(table, "DescribeVpcs", provider, describe_vpcs);
  bind_operation(table, "CreateVpc", provider, create_vpc);
  bind_operation(table, "DeleteVpc", provider, delete_vpc);
}

}  // namespace ecslocal::api::ec2
