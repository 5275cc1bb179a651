#pragma once
// The EC2 networking objects ECS tasks live in: VPCs, subnets, security groups (with their rules)
// and the ENIs of running awsvpc tasks. Plain data; VpcRegistry owns them.
#include <map>
#include <string>
#include <vector>

#include "api/vpc/addressing.hpp"

namespace ecslocal::api::vpc {

inline constexpr const char* kDefaultVpcCidr = "172.31.0.0/16";
inline constexpr const char* kDefaultVpcNetwork = "ecslocal-default-vpc";

struct Vpc {
  std::string id;
  Cidr block;
  bool is_default = false;

  std::string cidr() const { return block.text(); }
  // The bridge's gateway: the VPC's first host address (AWS's router sits at .1 of every subnet).
  std::string gateway() const { return ipv4_text(block.network + 1); }
  // Every default VPC shares one bridge (same CIDR everywhere); a created VPC has its own.
  std::string docker_network() const { return is_default ? kDefaultVpcNetwork : "ecslocal-" + id; }
};

struct Subnet {
  std::string id, vpc_id, availability_zone, availability_zone_id;
  Cidr block;
  bool default_for_az = false;
  std::string cidr() const { return block.text(); }
};

// One rule of a security group, IPv4 CIDR or group source/destination.
struct SecurityGroupRule {
  std::string id;  // sgr-...
  bool egress = false;
  std::string ip_protocol = "-1";  // "tcp", "udp", "icmp", "-1" (all) or a number
  int from_port = -1, to_port = -1;
  std::string cidr_ipv4;            // either this ...
  std::string referenced_group_id;  // ... or this
  std::string description;

  bool same_permission(const SecurityGroupRule& other) const {
    return egress == other.egress && ip_protocol == other.ip_protocol && from_port == other.from_port &&
           to_port == other.to_port && cidr_ipv4 == other.cidr_ipv4 && referenced_group_id == other.referenced_group_id;
  }
};

struct SecurityGroup {
  std::string id, name, description, vpc_id;
  std::vector<SecurityGroupRule> rules;  // ingress and egress, in creation order
  bool is_default() const { return name == "default"; }
};

// An ENI: of an awsvpc task (requester-managed by ECS) or, later, of a load balancer.
struct NetworkInterface {
  std::string id;  // eni-...
  std::string owner;  // who holds it and its addresses (a task ARN)
  std::string subnet_id, vpc_id, availability_zone;
  std::string private_ipv4, private_dns_name, mac_address;
  std::string public_ipv4;  // the task's loopback "public" address, if any
  std::string description;  // "arn:aws:ecs:<region>:<account>:attachment/<attachment id>"
  std::vector<std::string> groups;
};

using ResourceTags = std::map<std::string, std::string>;

}  // namespace ecslocal::api::vpc
