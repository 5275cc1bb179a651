#include "api/vpc/addressing.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "api/common/hash.hpp"

namespace ecslocal::api::vpc {
namespace {

constexpr std::uint32_t kReservedAtStart = 4;  // network, router, DNS, reserved for future use

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

std::optional<Cidr> Cidr::parse(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  const std::string bits = text.substr(slash + 1);
  if (!address || bits.empty() || bits.size() > 2 || !std::isdigit(static_cast<unsigned char>(bits[0]))) return std::nullopt;
  int prefix = 0;
  auto [next, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (ec != std::errc() || next != bits.data() + bits.size() || prefix > 32) return std::nullopt;
  Cidr cidr{*address, prefix};
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  if ((*address & ~mask) != 0) return std::nullopt;
  return cidr;
}

std::string Cidr::text() const { return ipv4_text(network) + "/" + std::to_string(prefix); }

std::string private_dns_name(const std::string& region, const std::string& ipv4) {
  std::string name = "ip-" + ipv4;
  for (auto& ch : name)
    if (ch == '.') ch = '-';
  return region == "us-east-1" ? name + ".ec2.internal" : name + "." + region + ".compute.internal";
}

std::string stable_resource_id(const std::string& prefix, const std::string& seed) {
  const std::string digits = hex16(fnv1a64(seed)) + hex16(fnv1a64(seed, 0x84222325cbf29ce4ull));
  return prefix + digits.substr(0, 17);
}

std::vector<std::string> availability_zones(const std::string& region) {
  const std::string letters = region == "us-east-1" ? "abcdef" : "abc";
  std::vector<std::string> zones;
  for (char letter : letters) zones.push_back(region + letter);
  return zones;
}

std::string zone_id(const std::string& region, size_t zone_index) {
  // "us-east-1" → "use1": the part before the first '-', the first letter of each further word,
  // then the trailing digits.
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start <= region.size()) {
    size_t dash = region.find('-', start);
    const std::string word = region.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
    if (first)
      out += word;
    else if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0])))
      out += word;
    else if (word.size() > 5 && (word.rfind("north", 0) == 0 || word.rfind("south", 0) == 0))
      out += std::string{word[0], word[5]};  // "southeast" → "se"
    else if (!word.empty())
      out += word[0];
    first = false;
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return out + "-az" + std::to_string(zone_index + 1);
}

AddressPool AddressPool::for_subnet(const Cidr& subnet, std::uint32_t spread) {
  AddressPool pool(subnet.network + kReservedAtStart, subnet.last() - 1);
  if (pool.capacity() > 0) pool.cursor_ = pool.first_ + static_cast<std::uint32_t>(spread % pool.capacity());
  return pool;
}

std::optional<std::uint32_t> AddressPool::allocate(const std::string& owner) {
  if (used_.size() >= capacity()) return std::nullopt;
  std::uint32_t candidate = cursor_;
  while (used_.count(candidate)) candidate = candidate == last_ ? first_ : candidate + 1;
  used_.emplace(candidate, owner);
  cursor_ = candidate == last_ ? first_ : candidate + 1;
  return candidate;
}

bool AddressPool::claim(std::uint32_t address, const std::string& owner) {
  if (!contains(address)) return false;
  used_[address] = owner;
  return true;
}

bool AddressPool::release(std::uint32_t address, const std::string& owner) {
  auto it = used_.find(address);
  if (it == used_.end() || (!owner.empty() && it->second != owner)) return false;
  used_.erase(it);
  return true;
}

AddressPool AddressPool::restored(std::uint32_t first, std::uint32_t last, std::uint32_t cursor,
                                  std::map<std::uint32_t, std::string> used) {
  AddressPool pool(first, last);
  pool.cursor_ = cursor;
  pool.used_ = std::move(used);
  return pool;
}


}  // namespace ecslocal::api::vpc
