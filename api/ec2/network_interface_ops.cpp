// DescribeNetworkInterfaces: the ENIs of running awsvpc tasks (requester-managed by ECS), as the
// ECS layer records them in the shared VPC state from RunTask until the task is STOPPED.
#include <algorithm>

#include "api/ec2/errors.hpp"
#include "api/ec2/ec2_common.hpp"
#include "api/ec2/provider.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {
namespace {

// The account AWS services act from when they manage an ENI for you (ECS on Fargate). The value is
// a stand-in (unconfirmed): clients read RequesterManaged, not the number.
constexpr const char* kEcsRequesterId = "578734482556";

Json groups_json(const vpc::VpcState& state, const std::vector<std::string>& ids) {
  Json out = Json::array();
  for (const auto& id : ids) {
    const vpc::SecurityGroup* g = state.find_group(id);
    out.push_back({{"GroupId", id}, {"GroupName", g ? g->name : ""}});
  }
  return out;
}

Json eni_json(const vpc::VpcState& state, const vpc::NetworkInterface& eni) {
  Json address = {{"Primary", true}, {"PrivateDnsName", eni.private_dns_name}, {"PrivateIpAddress", eni.private_ipv4}};
  Json o = {{"NetworkInterfaceId", eni.id},
            {"SubnetId", eni.subnet_id},
            {"VpcId", eni.vpc_id},
            {"AvailabilityZone", eni.availability_zone},
            {"Description", eni.description},
            {"Groups", groups_json(state, eni.groups)},
            {"InterfaceType", "interface"},
            {"Ipv6Addresses", Json::array()},
            {"OwnerId", state.account_id},
            {"PrivateDnsName", eni.private_dns_name},
            {"PrivateIpAddress", eni.private_ipv4},
            {"RequesterId", kEcsRequesterId},
            {"RequesterManaged", true},
            {"SourceDestCheck", true},
            {"Status", "in-use"},
            {"TagSet", tags_json(state.tags.count(eni.id) ? state.tags.at(eni.id) : vpc::ResourceTags{})}};
  if (!eni.mac_address.empty()) o["MacAddress"] = eni.mac_address;
  if (!eni.public_ipv4.empty()) {
    Json association = {{"IpOwnerId", "amazon"}, {"PublicIp", eni.public_ipv4}};
    o["Association"] = association;
    address["Association"] = association;
  }
  o["PrivateIpAddresses"] = Json::array({address});
  return o;
}

std::vector<std::string> eni_field(const vpc::VpcState& state, const vpc::NetworkInterface& eni, const std::string& name) {
  if (name == "network-interface-id") return {eni.id};
  if (name == "subnet-id") return {eni.subnet_id};
  if (name == "vpc-id") return {eni.vpc_id};
  if (name == "availability-zone") return {eni.availability_zone};
  if (name == "group-id") return eni.groups;
  if (name == "addresses.private-ip-address" || name == "private-ip-address") return {eni.private_ipv4};
  if (name == "description") return {eni.description};
  if (name == "status") return {"in-use"};
  if (name == "requester-managed") return {"true"};
  if (name == "mac-address") return {eni.mac_address};
  if (name == "association.public-ip") return {eni.public_ipv4};
  if (name == "owner-id") return {state.account_id};
  if (name == "interface-type") return {"interface"};
  return {};
}

Json describe_network_interfaces(Ec2Provider& provider, const RequestContext& ctx, Json& input) {
  const vpc::VpcState& state = provider.state(ctx);
  const auto filters = read_filters(input, {"network-interface-id", "subnet-id", "vpc-id", "availability-zone", "group-id",
                                            "addresses.private-ip-address", "private-ip-address", "description", "status",
                                            "requester-managed", "mac-address", "association.public-ip", "owner-id",
                                            "interface-type"});
  const auto ids = string_list(input, "NetworkInterfaceIds");
  for (const auto& id : ids)
    if (!state.enis.count(id))
      throw InvalidNetworkInterfaceIDNotFound("The networkInterface ID '" + id + "' does not exist");
  Json out = Json::array();
  for (const auto& [id, eni] : state.enis) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    const auto tags = state.tags.count(id) ? state.tags.at(id) : vpc::ResourceTags{};
    if (all_match(filters, tags, [&](const std::string& name) { return eni_field(state, eni, name); }))
      out.push_back(eni_json(state, eni));
  }
  return {{"NetworkInterfaces", out}};
}

}  // namespace

void register_network_interface_operations(Ec2Provider& provider, OperationTable& table) {
  bind_operation(table, "DescribeNetworkInterfaces", provider, describe_network_interfaces);
}

}  // namespace ecslocal::api::ec2
