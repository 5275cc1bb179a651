#pragma once
// The network side of awsvpc tasks as ECS sees it. The VPCs, subnets, security groups, ENIs and
// the IPAM are EC2's and live in api/vpc (VpcRegistry, shared with the EC2 provider); the names
// ECS code used before that move are kept here as aliases.
//
// Public addresses (assignPublicIp ENABLED): each task gets a loopback address of its own,
// 127.0.100.1 upward, on which its container ports are published; process-wide, since loopback
// addresses are shared by every account and region.
#include <optional>
#include <string>

#include "api/vpc/addressing.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::ecs {

using vpc::AddressLease;
using vpc::AddressPool;
using vpc::availability_zones;
using vpc::DefaultSubnet;
using vpc::DefaultVpc;
using vpc::ipv4_text;
using vpc::make_default_vpc;
using vpc::parse_ipv4;
using vpc::private_dns_name;
using vpc::stable_resource_id;
using NetworkRegistry = vpc::VpcRegistry;

// Loopback addresses 127.0.100.1 – 127.0.255.254 for tasks with assignPublicIp ENABLED.
class PublicAddressPool {
 public:
  PublicAddressPool();
  std::optional<std::string> allocate();
  void release(const std::string& ipv4);
  void clear();
  size_t used() const { return pool_.used(); }
  // Snapshots: the pool itself, and putting one back.
  const AddressPool& pool() const { return pool_; }
  void restore(AddressPool pool) { pool_ = std::move(pool); }

 private:
  AddressPool pool_;
};

}  // namespace ecslocal::api::ecs
