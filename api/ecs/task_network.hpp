#pragma once
// The network side of awsvpc tasks until EC2 is emulated: the account's default VPC in a region
// and address management (IPAM) for its subnets, plus the loopback addresses that stand in for
// public IPs.
//
// Default VPC: 172.31.0.0/16 with one /20 default subnet per Availability Zone (us-east-1a..f,
// <region>a..c elsewhere): 172.31.0.0/20 in the first zone, 172.31.16.0/20 in the second, ...
// The vpc and subnet ids are derived from account, region and zone by a stable hash, so they are
// the same after a restart. Every account's and region's default VPC has the same CIDR, so they
// all live on one Docker bridge network, `ecslocal-default-vpc` (Docker refuses overlapping
// bridges), and share one address pool per subnet CIDR: two tasks never get the same address.
//
// Addresses: as in AWS, the first four and the last address of each subnet are never given out.
// Allocation is next-fit (an address just released is not handed out again at once). A subnet id
// that is not a default subnet is accepted for now and draws from the first default subnet while
// the task reports the id it was given (a later EC2 issue refuses unknown subnets).
//
// Public addresses (assignPublicIp ENABLED): each task gets a loopback address of its own,
// 127.0.100.1 upward, on which its container ports are published; process-wide, since loopback
// addresses are shared by every account and region.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ecslocal::api::ecs {

// --- IPv4 text ---
std::string ipv4_text(std::uint32_t address);
std::optional<std::uint32_t> parse_ipv4(const std::string& text);

// "ip-172-31-0-4.ec2.internal" in us-east-1, "ip-172-31-0-4.<region>.compute.internal" elsewhere.
std::string private_dns_name(const std::string& region, const std::string& ipv4);

// prefix + 17 lowercase hex digits derived from `seed` (FNV-1a): the same seed, the same id.
std::string stable_resource_id(const std::string& prefix, const std::string& seed);

std::vector<std::string> availability_zones(const std::string& region);

struct DefaultSubnet {
  std::string id, availability_zone, cidr;
  std::uint32_t network = 0;  // first address
  int prefix_length = 20;
};

struct DefaultVpc {
  std::string id;
  std::string cidr = "172.31.0.0/16";
  std::string gateway = "172.31.0.1";
  std::vector<DefaultSubnet> subnets;  // one per zone, in zone order

  std::string docker_network() const { return "ecslocal-default-vpc"; }
  const DefaultSubnet* find_subnet(const std::string& subnet_id) const;
};

DefaultVpc make_default_vpc(const std::string& account_id, const std::string& region);

// Next-fit allocation in [first, last].
class AddressPool {
 public:
  AddressPool(std::uint32_t first, std::uint32_t last) : first_(first), last_(last), cursor_(first) {}
  std::optional<std::uint32_t> allocate();
  bool release(std::uint32_t address);  // false when it was not allocated
  bool in_use(std::uint32_t address) const { return used_.count(address) > 0; }
  size_t used() const { return used_.size(); }
  size_t capacity() const { return static_cast<size_t>(last_ - first_) + 1; }

 private:
  std::uint32_t first_, last_, cursor_;
  std::set<std::uint32_t> used_;
};

// What a task got from its subnet.
struct AddressLease {
  std::string subnet_id;       // as the caller named it
  std::string pool_subnet_id;  // the default subnet the address came from
  std::string availability_zone;
  std::string ipv4;
};

// Address pools by subnet CIDR, shared by every default VPC (they overlap by design).
using SharedPools = std::map<std::string, AddressPool>;

// The default VPC of one account in one region, drawing addresses from the shared pools.
class VpcIpam {
 public:
  VpcIpam(std::string account_id, std::string region, SharedPools& pools);
  const DefaultVpc& vpc() const { return vpc_; }
  const std::string& region() const { return region_; }
  // An address from `subnet_id` (an unknown id draws from the first default subnet); nullopt when
  // that subnet has no free address.
  std::optional<AddressLease> allocate(const std::string& subnet_id);
  void release(const std::string& pool_subnet_id, const std::string& ipv4);
  size_t used(const std::string& pool_subnet_id) const;

 private:
  AddressPool& pool_of(const DefaultSubnet& subnet) const;

  std::string region_;
  DefaultVpc vpc_;
  SharedPools* pools_;  // by subnet CIDR, owned by the NetworkRegistry
};

// Every account's and region's VpcIpam, built on first use.
class NetworkRegistry {
 public:
  VpcIpam& at(const std::string& account_id, const std::string& region);
  void clear() {
    ipams_.clear();
    pools_.clear();
  }

 private:
  SharedPools pools_;
  std::map<std::pair<std::string, std::string>, VpcIpam> ipams_;
};

// Loopback addresses 127.0.100.1 – 127.0.255.254 for tasks with assignPublicIp ENABLED.
class PublicAddressPool {
 public:
  PublicAddressPool();
  std::optional<std::string> allocate();
  void release(const std::string& ipv4);
  void clear();
  size_t used() const { return pool_.used(); }

 private:
  AddressPool pool_;
};

}  // namespace ecslocal::api::ecs
