#pragma once
// The one VPC state EC2 and ECS share (owned by the app, handed to both providers): per account
// and region the default VPC, created VPCs and subnets, security groups, the ENIs of running
// tasks and tags; plus address management (IPAM) for every subnet.
//
// Default VPC: 172.31.0.0/16 with one /20 default subnet per Availability Zone (us-east-1a..f,
// <region>a..c elsewhere): 172.31.0.0/20 in the first zone, 172.31.16.0/20 in the second, ...
// The vpc, subnet and default security group ids are derived from account, region and zone by a
// stable hash, so they are the same after a restart. Every default VPC has the same CIDR, so they
// all live on one Docker bridge network (`ecslocal-default-vpc`) and share one address pool per
// subnet CIDR: two tasks never get the same address.
//
// Created VPCs: each is a Docker bridge of its own with the VPC's CIDR. Docker refuses two
// bridges that overlap, so a VPC may not overlap 172.31.0.0/16 or any other VPC of any account
// or region (overlapping_vpc). Pools are therefore keyed by subnet CIDR, process-wide.
//
// Addresses: as in AWS, the first four and the last address of each subnet are never given out.
// Allocation is next-fit (an address just released is not handed out again at once).
//
// Owned by the state strand: no locks.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"
#include "api/common/ids.hpp"
#include "api/vpc/vpc_model.hpp"

namespace ecslocal::api::vpc {

// The default VPC's layout, computed (no state): ids, subnets per zone.
struct DefaultSubnet {
  std::string id, availability_zone, cidr;
  std::uint32_t network = 0;  // first address
  int prefix_length = 20;
};
struct DefaultVpc {
  std::string id;
  std::string cidr = kDefaultVpcCidr;
  std::string gateway = "172.31.0.1";
  std::vector<DefaultSubnet> subnets;  // one per zone, in zone order

  std::string docker_network() const { return kDefaultVpcNetwork; }
  const DefaultSubnet* find_subnet(const std::string& subnet_id) const;
  Vpc vpc() const;
};
DefaultVpc make_default_vpc(const std::string& account_id, const std::string& region);
// The stable id of a VPC's `default` security group.
std::string default_group_id(const std::string& account_id, const std::string& region, const std::string& vpc_id);

// What a task got from its subnet.
struct AddressLease {
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string ipv4;
};

using AddressPools = std::map<std::string, AddressPool>;  // by subnet CIDR

// The networking objects of one account in one region.
struct VpcState {
  std::string account_id, region;
  std::string default_vpc_id;
  std::map<std::string, Vpc> vpcs;  // by id
  std::map<std::string, Subnet> subnets;
  std::map<std::string, SecurityGroup> groups;
  std::map<std::string, NetworkInterface> enis;  // in use: what EC2 lists
  // ENIs of stopped tasks: no longer EC2's, still described with the task until it is forgotten.
  std::map<std::string, NetworkInterface> released_enis;
  const NetworkInterface* find_eni(const std::string& id) const;  // in use or released
  std::map<std::string, ResourceTags> tags;  // by resource id

  const Vpc& default_vpc() const { return vpcs.at(default_vpc_id); }
  const Vpc* find_vpc(const std::string& id) const;
  const Subnet* find_subnet(const std::string& id) const;
  SecurityGroup* find_group(const std::string& id);
  const SecurityGroup* find_group(const std::string& id) const;
  const SecurityGroup* find_group_by_name(const std::string& vpc_id, const std::string& name) const;
  const SecurityGroup* default_group(const std::string& vpc_id) const { return find_group_by_name(vpc_id, "default"); }
  // Addresses in use in a subnet (0 for an unknown one).
  size_t used(const std::string& subnet_id) const;
  // ENIs in a subnet / using a group.
  bool subnet_in_use(const std::string& subnet_id) const;
  bool group_in_use(const std::string& group_id) const;

  const AddressPools* pools = nullptr;  // the registry's
};

// Loopback addresses 127.0.100.1 – 127.0.255.254 for tasks with assignPublicIp ENABLED: each
// task's ports are published on an address of its own. Process-wide: loopback is shared by every
// account and region.
class PublicAddressPool {
 public:
  PublicAddressPool();
  std::optional<std::string> allocate(const std::string& owner = {});
  void release(const std::string& ipv4, const std::string& owner = {});
  void clear();
  size_t used() const { return pool_.used(); }
  const AddressPool& pool() const { return pool_; }
  void restore(AddressPool pool) { pool_ = std::move(pool); }

 private:
  AddressPool pool_;
};

class VpcRegistry {
 public:
  explicit VpcRegistry(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  // The account's state in the region, with its default VPC, subnets and group on first use.
  VpcState& at(const std::string& account_id, const std::string& region);
  IdSource& ids() { return *ids_; }

  // --- IPAM ---
  // Where each subnet's next-fit search starts, as a count of addresses into the subnet. Several
  // ecslocal processes on one Docker daemon share the default VPC's bridge but not their IPAMs:
  // starting each at its own point (derived from its --instance) keeps them from handing out the
  // same addresses. 0 (the default instance): from the first usable address.
  void set_spread(std::uint32_t spread) { spread_ = spread; }
  // The spread of an ecslocal instance name: 0 for "default", else a hash of the name.
  static std::uint32_t spread_for_instance(const std::string& instance);
  // An address from the subnet; nullopt when the subnet is unknown here or has no free address.
  // `owner` (a task ARN) holds the address until it releases it or another owner claims it.
  std::optional<AddressLease> allocate(const VpcState& state, const std::string& subnet_id,
                                       const std::string& owner = {});
  // The address is used by `owner` from now on (the runtime found the planned one taken by a
  // container of another process and got this one instead); false when outside the subnet.
  bool claim(const VpcState& state, const std::string& subnet_id, const std::string& ipv4, const std::string& owner);
  void release(const std::string& subnet_cidr, const std::string& ipv4, const std::string& owner = {});
  void release(const VpcState& state, const std::string& subnet_id, const std::string& ipv4,
               const std::string& owner = {});
  PublicAddressPool& public_ips() { return public_ips_; }
  const PublicAddressPool& public_ips() const { return public_ips_; }
  const AddressPools& pools() const { return pools_; }
  AddressPools& pools() { return pools_; }

  // Every account's and region's state (EC2 views, snapshots).
  AccountRegionStore<VpcState>& states() { return states_; }
  const AccountRegionStore<VpcState>& states() const { return states_; }
  const VpcState* find(const std::string& account_id, const std::string& region) const {
    return states_.find(account_id, region);
  }

  // --- objects (the caller checked the rules) ---
  // A VPC of any account or region whose CIDR overlaps `block` (Docker refuses such bridges).
  const Vpc* overlapping_vpc(const Cidr& block) const;
  Vpc& add_vpc(VpcState& state, const Cidr& block);  // with its default security group
  Subnet& add_subnet(VpcState& state, const Vpc& vpc, const Cidr& block, const std::string& availability_zone);
  SecurityGroup& add_group(VpcState& state, const std::string& vpc_id, const std::string& name, const std::string& description,
                           std::string id = "");
  void remove_subnet(VpcState& state, std::string subnet_id);
  void remove_vpc(VpcState& state, std::string vpc_id);  // and its default group
  std::string new_id(const std::string& prefix) { return prefix + ids_->hex(17); }

  // Forgets everything (EC2's reset: EC2 owns the network state). The Docker networks of created
  // VPCs are remembered for the EC2 provider to remove (take_forgotten_networks).
  void clear();
  std::vector<std::string> take_forgotten_networks() { return std::exchange(forgotten_networks_, {}); }

  // --- snapshots (api/vpc/snapshot.hpp) ---
  // f(account_id, region, state) in (account, region) order.
  template <typename F>
  void for_each(F&& f) const {
    states_.for_each(f);
  }
  // Replaces every state and pool, the public ones too (nothing is forgotten: the Docker networks stay).
  void restore(std::vector<VpcState> states, AddressPools pools, AddressPool public_ips);

 private:
  void add_default_rules(SecurityGroup& group, bool stable, const std::string& seed);

  void lay_out_default_vpc(VpcState& state, const std::string& account_id, const std::string& region);

  std::shared_ptr<IdSource> ids_;
  AccountRegionStore<VpcState> states_;
  AddressPools pools_;
  PublicAddressPool public_ips_;
  std::uint32_t spread_ = 0;
  std::vector<std::string> forgotten_networks_;
};

}  // namespace ecslocal::api::vpc
