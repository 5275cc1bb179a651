#include "api/ec2/provider.hpp"

#include <stdexcept>

#include "api/vpc/snapshot.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::api::ec2 {

Ec2Provider::Ec2Provider(std::shared_ptr<vpc::VpcRegistry> networks) : networks_(std::move(networks)) {
  register_vpc_operations(*this, table_);
  register_subnet_operations(*this, table_);
  register_security_group_operations(*this, table_);
  register_network_interface_operations(*this, table_);
  register_tag_operations(*this, table_);
}

runtime::TaskRuntime* Ec2Provider::task_runtime() const {
  if (task_runtime_override_) return task_runtime_override_;
  return ports_ ? ports_->find<runtime::TaskRuntime>() : nullptr;
}

void Ec2Provider::on_reset() {
  networks_->clear();
  const auto forgotten = networks_->take_forgotten_networks();
  if (runtime::TaskRuntime* runtime = task_runtime())
    for (const auto& network : forgotten) runtime->remove_network(network);
}

// EC2 owns the VPC state: its snapshot is the VPC registry's.
Json Ec2Provider::snapshot() const { return vpc::snapshot_vpc(*networks_); }
void Ec2Provider::restore(const Json& snapshot) { vpc::restore_vpc(*networks_, snapshot); }

// VPCs, subnets, security groups and ENIs of each account and region, with their tags.
Json Ec2Provider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  networks_->states().for_each([&](const std::string& account, const std::string& region, const vpc::VpcState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json vpcs = Json::array(), subnets = Json::array(), groups = Json::array(), enis = Json::array();
    for (const auto& [id, v] : state.vpcs)
      vpcs.push_back({{"VpcId", id}, {"CidrBlock", v.cidr()}, {"IsDefault", v.is_default}});
    for (const auto& [id, s] : state.subnets)
      subnets.push_back({{"SubnetId", id}, {"VpcId", s.vpc_id}, {"CidrBlock", s.cidr()},
                         {"AvailabilityZone", s.availability_zone}, {"DefaultForAz", s.default_for_az},
                         {"UsedAddresses", state.used(id)}});
    for (const auto& [id, g] : state.groups)
      groups.push_back({{"GroupId", id}, {"GroupName", g.name}, {"VpcId", g.vpc_id}, {"Rules", g.rules.size()}});
    for (const auto& [id, e] : state.enis)
      enis.push_back({{"NetworkInterfaceId", id}, {"SubnetId", e.subnet_id}, {"PrivateIpAddress", e.private_ipv4},
                      {"Description", e.description}});
    out.push_back({{"account", account}, {"region", region}, {"vpcs", std::move(vpcs)}, {"subnets", std::move(subnets)},
                   {"securityGroups", std::move(groups)}, {"networkInterfaces", std::move(enis)}});
  });
  return out;
}

const protocol::ServiceModel& Ec2Provider::model() const { return protocol::ServiceModel::get("ec2"); }

}  // namespace ecslocal::api::ec2
