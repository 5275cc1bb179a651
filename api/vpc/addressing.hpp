#pragma once
// IPv4 arithmetic shared by the VPC state, EC2 and ECS: dotted text, CIDR blocks, the address
// pools of subnets (IPAM), stable resource ids, Availability Zones and private DNS names.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api::vpc {

// --- IPv4 text ---
std::string ipv4_text(std::uint32_t address);
std::optional<std::uint32_t> parse_ipv4(const std::string& text);

// A CIDR block in canonical form (no host bits set).
struct Cidr {
  std::uint32_t network = 0;
  int prefix = 32;

  // "10.0.0.0/16"; nullopt when malformed or when host bits are set ("10.0.0.1/16").
  static std::optional<Cidr> parse(const std::string& text);
  std::string text() const;
  std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
  std::uint32_t last() const { return static_cast<std::uint32_t>(network + size() - 1); }
  bool contains(std::uint32_t address) const { return address >= network && address <= last(); }
  bool contains(const Cidr& other) const { return contains(other.network) && contains(other.last()); }
  bool overlaps(const Cidr& other) const { return network <= other.last() && other.network <= last(); }
};

// "ip-172-31-0-4.ec2.internal" in us-east-1, "ip-172-31-0-4.<region>.compute.internal" elsewhere.
std::string private_dns_name(const std::string& region, const std::string& ipv4);

// prefix + 17 lowercase hex digits derived from `seed` (FNV-1a): the same seed, the same id.
std::string stable_resource_id(const std::string& prefix, const std::string& seed);

// us-east-1a..f, <region>a..c elsewhere.
std::vector<std::string> availability_zones(const std::string& region);
// The zone id AWS pairs with a zone name: "use1-az1" for the first zone of us-east-1.
std::string zone_id(const std::string& region, size_t zone_index);

// Next-fit allocation in [first, last]. Each address in use has an owner (a task ARN, say): an
// address another owner has claimed since is not given back by the first one's release.
class AddressPool {
 public:
  AddressPool(std::uint32_t first, std::uint32_t last) : first_(first), last_(last), cursor_(first) {}
  // A subnet's pool: as in AWS, the first four and the last address are never given out. The
  // search starts `spread` addresses in (modulo the pool's size): see VpcRegistry::set_spread.
  static AddressPool for_subnet(const Cidr& subnet, std::uint32_t spread = 0);
  std::optional<std::uint32_t> allocate(const std::string& owner = {});
  // Marks `address` used by `owner` (whoever held it before); false when outside the pool.
  bool claim(std::uint32_t address, const std::string& owner = {});
  // Frees `address` when `owner` holds it (an empty owner frees it whoever holds it); false when
  // it was not allocated to that owner.
  bool release(std::uint32_t address, const std::string& owner = {});
  bool in_use(std::uint32_t address) const { return used_.count(address) > 0; }
  size_t used() const { return used_.size(); }
  size_t capacity() const { return last_ < first_ ? 0 : static_cast<size_t>(last_ - first_) + 1; }
  bool contains(std::uint32_t address) const { return address >= first_ && address <= last_; }
  // Snapshots: the range, where the next search starts and the addresses in use with their
  // owners; restored() makes the same pool again.
  std::uint32_t first() const { return first_; }
  std::uint32_t last() const { return last_; }
  std::uint32_t cursor() const { return cursor_; }
  const std::map<std::uint32_t, std::string>& in_use_addresses() const { return used_; }
  static AddressPool restored(std::uint32_t first, std::uint32_t last, std::uint32_t cursor,
                              std::map<std::uint32_t, std::string> used);

 private:
  std::uint32_t first_, last_, cursor_;
  std::map<std::uint32_t, std::string> used_;  // address → owner
};

}  // namespace ecslocal::api::vpc
