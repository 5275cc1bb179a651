#pragma once
// The network side of awsvpc tasks as ECS sees it. The VPCs, subnets, security groups, ENIs and
// the IPAM are EC2's and live in api/vpc (VpcRegistry, shared with the EC2 provider); the names
// ECS code used before that move are kept here as aliases.
//
// Public addresses (assignPublicIp ENABLED): each task gets a loopback address of its own from the
// VPC state's PublicAddressPool, on which its container ports are published.
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

using vpc::PublicAddressPool;

}  // namespace ecslocal::api::ecs
