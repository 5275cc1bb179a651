// CreateSubnet, DescribeSubnets, DeleteSubnet and DescribeAvailabilityZones. A subnet's
// addresses come from ecslocal's IPAM (the first four and the last are AWS's).
#include <algorithm>

#include "api/ec2/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/ec2/provider.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {
namespace {

constexpr int kMinSubnetPrefix = 16, kMaxSubnetPrefix = 28;
constexpr std::uint64_t kAwsReserved = 5;

[[noreturn]] void subnet_not_found(const std::string& id) {
  throw InvalidSubnetIDNotFound("The subnet ID '" + id + "' does not exist");
}

Json subnet_json(const vpc::VpcState& state, const vpc::Subnet& s) {
  const auto available = s.block.size() - kAwsReserved - state.used(s.id);
  Json o = {{"SubnetId", s.id},
            {"SubnetArn", "arn:aws:ec2:" + state.region + ":" + state.account_id + ":subnet/" + s.id},
            {"VpcId", s.vpc_id},
            {"CidrBlock", s.cidr()},
            {"AvailabilityZone", s.availability_zone},
            {"AvailabilityZoneId", s.availability_zone_id},
            {"AvailableIpAddressCount", static_cast<long long>(available)},
            {"DefaultForAz", s.default_for_az},
            {"MapPublicIpOnLaunch", s.default_for_az},
            {"State", "available"},
            {"OwnerId", state.account_id},
            {"AssignIpv6AddressOnCreation", false},
            {"Ipv6CidrBlockAssociationSet", Json::array()}};
  put_tags(o, state, s.id);
  return o;
}

std::vector<std::string> subnet_field(const vpc::VpcState& state, const vpc::Subnet& s, const std::string& name) {
  if (name == "subnet-id") return {s.id};
  if (name == "vpc-id") return {s.vpc_id};
  if (name == "availability-zone" || name == "availabilityZone") return {s.availability_zone};
  if (name == "availability-zone-id") return {s.availability_zone_id};
  if (name == "cidr-block" || name == "cidrBlock" || name == "cidr") return {s.cidr()};
  if (name == "default-for-az" || name == "defaultForAz") return {s.default_for_az ? "true" : "false"};
  if (name == "state") return {"available"};
  if (name == "owner-id") return {state.account_id};
  return {};
}

Json describe_subnets(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"subnet-id", "vpc-id", "availability-zone", "availabilityZone",
                                            "availability-zone-id", "cidr-block", "cidrBlock", "cidr", "default-for-az",
                                            "defaultForAz", "state", "owner-id"});
  const auto ids = string_list(input, "SubnetIds");
  for (const auto& id : ids)
    if (!state.find_subnet(id)) subnet_not_found(id);
  Json subnets = Json::array();
  for (const auto& [id, s] : state.subnets) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    const auto tags = state.tags.count(id) ? state.tags.at(id) : vpc::ResourceTags{};
    if (all_match(filters, tags, [&](const std::string& name) { return subnet_field(state, s, name); }))
      subnets.push_back(subnet_json(state, s));
  }
  return {{"Subnets", subnets}};
}

std::string zone_for(const vpc::VpcState& state, const Json& input, const vpc::Vpc& v) {
  const auto zones = vpc::availability_zones(state.region);
  if (auto zone = json_read::optional_string(input, "AvailabilityZone")) {
    if (std::find(zones.begin(), zones.end(), *zone) == zones.end())
      invalid_parameter_value("Value (" + *zone + ") for parameter availabilityZone is invalid. Subnets can currently only be "
                              "created in the following availability zones: " + [&] {
                                std::string list;
                                for (const auto& z : zones) list += (list.empty() ? "" : ", ") + z;
                                return list;
                              }() + ".");
    return *zone;
  }
  if (auto zone_id = json_read::optional_string(input, "AvailabilityZoneId")) {
    for (size_t i = 0; i < zones.size(); ++i)
      if (vpc::zone_id(state.region, i) == *zone_id) return zones[i];
    invalid_parameter_value("Value (" + *zone_id + ") for parameter availabilityZoneId is invalid.");
  }
  // AWS picks one; spread the VPC's subnets over the zones.
  size_t count = 0;
  for (const auto& [id, s] : state.subnets) count += s.vpc_id == v.id;
  return zones[count % zones.size()];
}

Json create_subnet(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const std::string vpc_id = json_read::string_or_empty(input, "VpcId");
  const vpc::Vpc* v = state.find_vpc(vpc_id);
  if (!v) throw InvalidVpcIDNotFound("The vpc ID '" + vpc_id + "' does not exist");
  const auto text = json_read::optional_string(input, "CidrBlock");
  if (!text) missing_parameter("CidrBlock");
  const auto block = vpc::Cidr::parse(*text);
  if (!block) invalid_parameter_value("Value (" + *text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block.");
  if (block->prefix < kMinSubnetPrefix || block->prefix > kMaxSubnetPrefix || !v->block.contains(*block))
    throw InvalidSubnetRange("The CIDR '" + *text + "' is invalid.");
  for (const auto& [id, s] : state.subnets)
    if (s.vpc_id == v->id && s.block.overlaps(*block))
      throw InvalidSubnetConflict("The CIDR '" + *text + "' conflicts with another subnet");
  const std::string zone = zone_for(state, input, *v);
  const auto tags = tags_from_specifications(input, "subnet");
  vpc::Subnet& s = provider.networks().add_subnet(state, *v, *block, zone);
  if (!tags.empty()) state.tags[s.id] = tags;
  return {{"Subnet", subnet_json(state, s)}};
}

Json delete_subnet(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  vpc::VpcState& state = provider.state(ctx);
  const std::string id = json_read::string_or_empty(input, "SubnetId");
  if (!state.find_subnet(id)) subnet_not_found(id);
  if (state.subnet_in_use(id) || state.used(id) > 0)
    throw DependencyViolation("The subnet '" + id + "' has dependencies and cannot be deleted.");
  provider.networks().remove_subnet(state, id);
  return Json::object();
}

Json describe_availability_zones(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const auto filters = read_filters(input, {"zone-name", "zone-id", "region-name", "state", "zone-type", "group-name"});
  const auto names = string_list(input, "ZoneNames");
  const auto ids = string_list(input, "ZoneIds");
  const auto zones = vpc::availability_zones(ctx.region);
  for (const auto& name : names)
    if (std::find(zones.begin(), zones.end(), name) == zones.end())
      invalid_parameter_value("The zone '" + name + "' does not exist.");
  Json out = Json::array();
  for (size_t i = 0; i < zones.size(); ++i) {
    const std::string zone_id = vpc::zone_id(ctx.region, i);
    if (!names.empty() && std::find(names.begin(), names.end(), zones[i]) == names.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), zone_id) == ids.end()) continue;
    auto field = [&](const std::string& name) -> std::vector<std::string> {
      if (name == "zone-name") return {zones[i]};
      if (name == "zone-id") return {zone_id};
      if (name == "region-name" || name == "group-name") return {ctx.region};
      if (name == "state") return {"available"};
      if (name == "zone-type") return {"availability-zone"};
      return {};
    };
    if (!all_match(filters, {}, field)) continue;
    out.push_back({{"State", "available"},
                   {"OptInStatus", "opt-in-not-required"},
                   {"Messages", Json::array()},
                   {"RegionName", ctx.region},
                   {"ZoneName", zones[i]},
                   {"ZoneId", zone_id},
                   {"GroupName", ctx.region},
                   {"NetworkBorderGroup", ctx.region},
                   {"ZoneType", "availability-zone"}});
  }
  return {{"AvailabilityZones", out}};
}

}  // namespace

void register_subnet_operations(Ec2Provider& provider, OperationTable& table) {
  bind_operation(table, "DescribeSubnets", provider, describe_subnets);
  bind_operation(table, "CreateSubnet", provider, create_subnet);
  bind_operation(table, "DeleteSubnet", provider, delete_subnet);
  bind_operation(table, "DescribeAvailabilityZones", provider, describe_availability_zones);
}

}  // namespace ecslocal::api::ec2
