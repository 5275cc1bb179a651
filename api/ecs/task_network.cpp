#include "api/ecs/task_network.hpp"

namespace ecslocal::api::ecs {
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
