#include "api/ecs/task_network.hpp"

#include <charconv>
#include <cstdio>

namespace ecslocal::api::ecs {
namespace {

constexpr std::uint32_t kVpcBase = (172u << 24) | (31u << 16);  // 172.31.0.0
constexpr int kSubnetPrefix = 20;
constexpr std::uint32_t kSubnetSize = 1u << (32 - kSubnetPrefix);
constexpr std::uint32_t kReservedAtStart = 4;  // network, router, DNS, reserved for future use

std::uint64_t fnv1a(const std::string& text, std::uint64_t basis) {
  std::uint64_t hash = basis;
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string hex16(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

std::string ipv4_text(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) + "." +
         std::to_string(a & 0xff);
}

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  std::uint32_t out = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || next == p || value > 255) return std::nullopt;
    out = (out << 8) | value;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return out;
}

std::string private_dns_name(const std::string& region, const std::string& ipv4) {
  std::string name = "ip-" + ipv4;
  for (auto& ch : name)
    if (ch == '.') ch = '-';
  return region == "us-east-1" ? name + ".ec2.internal" : name + "." + region + ".compute.internal";
}

std::string stable_resource_id(const std::string& prefix, const std::string& seed) {
  const std::string digits = hex16(fnv1a(seed, 0xcbf29ce484222325ull)) + hex16(fnv1a(seed, 0x84222325cbf29ce4ull));
  return prefix + digits.substr(0, 17);
}

std::vector<std::string> availability_zones(const std::string& region) {
  const std::string letters = region == "us-east-1" ? "abcdef" : "abc";
  std::vector<std::string> zones;
  for (char letter : letters) zones.push_back(region + letter);
  return zones;
}

const DefaultSubnet* DefaultVpc::find_subnet(const std::string& subnet_id) const {
  for (const auto& s : subnets)
    if (s.id == subnet_id) return &s;
  return nullptr;
}

DefaultVpc make_default_vpc(const std::string& account_id, const std::string& region) {
  DefaultVpc vpc;
  vpc.id = stable_resource_id("vpc-", account_id + "/" + region + "/default-vpc");
  std::uint32_t network = kVpcBase;
  for (const auto& zone : availability_zones(region)) {
    DefaultSubnet subnet;
    subnet.id = stable_resource_id("subnet-", account_id + "/" + region + "/" + zone);
    subnet.availability_zone = zone;
    subnet.network = network;
    subnet.prefix_length = kSubnetPrefix;
    subnet.cidr = ipv4_text(network) + "/" + std::to_string(kSubnetPrefix);
    vpc.subnets.push_back(subnet);
    network += kSubnetSize;
  }
  return vpc;
}

std::optional<std::uint32_t> AddressPool::allocate() {
  if (used_.size() >= capacity()) return std::nullopt;
  std::uint32_t candidate = cursor_;
  while (used_.count(candidate)) candidate = candidate == last_ ? first_ : candidate + 1;
  used_.insert(candidate);
  cursor_ = candidate == last_ ? first_ : candidate + 1;
  return candidate;
}

bool AddressPool::release(std::uint32_t address) { return used_.erase(address) > 0; }

VpcIpam::VpcIpam(std::string account_id, std::string region, SharedPools& pools)
    : region_(std::move(region)), vpc_(make_default_vpc(account_id, region_)), pools_(&pools) {
  for (const auto& s : vpc_.subnets)
    pools_->try_emplace(s.cidr, AddressPool(s.network + kReservedAtStart, s.network + kSubnetSize - 2));
}

AddressPool& VpcIpam::pool_of(const DefaultSubnet& subnet) const { return pools_->at(subnet.cidr); }

std::optional<AddressLease> VpcIpam::allocate(const std::string& subnet_id) {
  const DefaultSubnet* subnet = vpc_.find_subnet(subnet_id);
  if (!subnet) subnet = &vpc_.subnets.front();
  auto address = pool_of(*subnet).allocate();
  if (!address) return std::nullopt;
  return AddressLease{subnet_id, subnet->id, subnet->availability_zone, ipv4_text(*address)};
}

void VpcIpam::release(const std::string& pool_subnet_id, const std::string& ipv4) {
  const DefaultSubnet* subnet = vpc_.find_subnet(pool_subnet_id);
  auto address = parse_ipv4(ipv4);
  if (subnet && address) pool_of(*subnet).release(*address);
}

size_t VpcIpam::used(const std::string& pool_subnet_id) const {
  const DefaultSubnet* subnet = vpc_.find_subnet(pool_subnet_id);
  return subnet ? pool_of(*subnet).used() : 0;
}

VpcIpam& NetworkRegistry::at(const std::string& account_id, const std::string& region) {
  auto key = std::make_pair(account_id, region);
  auto it = ipams_.find(key);
  if (it == ipams_.end()) it = ipams_.emplace(key, VpcIpam(account_id, region, pools_)).first;
  return it->second;
}

namespace {
constexpr std::uint32_t kFirstPublic = (127u << 24) | (100u << 8) | 1u;  // 127.0.100.1
constexpr std::uint32_t kLastPublic = (127u << 24) | (255u << 8) | 254u;  // 127.0.255.254
}  // namespace

PublicAddressPool::PublicAddressPool() : pool_(kFirstPublic, kLastPublic) {}

std::optional<std::string> PublicAddressPool::allocate() {
  auto address = pool_.allocate();
  if (!address) return std::nullopt;
  return ipv4_text(*address);
}

void PublicAddressPool::release(const std::string& ipv4) {
  if (auto address = parse_ipv4(ipv4)) pool_.release(*address);
}

void PublicAddressPool::clear() { pool_ = AddressPool(kFirstPublic, kLastPublic); }

}  // namespace ecslocal::api::ecs
