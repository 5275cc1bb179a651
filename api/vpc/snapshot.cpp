#include "api/vpc/snapshot.hpp"

#include <stdexcept>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::vpc {
namespace snap = ecslocal::api::snapshot;

// --- serializers (ADL, internal linkage; see api/common/snapshot_json.hpp) ---

[[maybe_unused]] static void to_json(Json& j, const Cidr& cidr) { j = cidr.text(); }
[[maybe_unused]] static void from_json(const Json& j, Cidr& cidr) {
  auto parsed = j.is_string() ? Cidr::parse(j.get<std::string>()) : std::nullopt;
  if (!parsed) throw std::runtime_error("not a CIDR block: " + j.dump());
  cidr = *parsed;
}

ECSLOCAL_SNAPSHOT_FIELDS(Vpc, id, block, is_default)
ECSLOCAL_SNAPSHOT_FIELDS(Subnet, id, vpc_id, availability_zone, availability_zone_id, block, default_for_az)
ECSLOCAL_SNAPSHOT_FIELDS(SecurityGroupRule, id, egress, ip_protocol, from_port, to_port, cidr_ipv4, referenced_group_id,
                         description)
ECSLOCAL_SNAPSHOT_FIELDS(SecurityGroup, id, name, description, vpc_id, rules)
ECSLOCAL_SNAPSHOT_FIELDS(NetworkInterface, id, owner, subnet_id, vpc_id, availability_zone, private_ipv4,
                         private_dns_name, mac_address, public_ipv4, description, groups)

namespace {

std::uint32_t address_from(const Json& j) {
  auto address = j.is_string() ? parse_ipv4(j.get<std::string>()) : std::nullopt;
  if (!address) throw std::runtime_error("not an IPv4 address: " + j.dump());
  return *address;
}

// Keys of a map-valued member must match the ids inside (they index the map).
template <typename T>
void check_keys(const std::map<std::string, T>& items, const char* what) {
  for (const auto& [key, item] : items)
    if (key != item.id)
      throw std::runtime_error(std::string(what) + " stored under '" + key + "' has the id '" + item.id + "'");
}

}  // namespace

Json snapshot_state(const VpcState& state) {
  return Json{{"default_vpc_id", state.default_vpc_id},
              {"vpcs", state.vpcs},
              {"subnets", state.subnets},
              {"groups", state.groups},
              {"enis", state.enis},
              {"released_enis", state.released_enis},
              {"tags", state.tags}};
}

void restore_state(VpcState& state, const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("a VPC state must be an object");
  VpcState fresh;
  fresh.account_id = state.account_id;
  fresh.region = state.region;
  fresh.pools = state.pools;
  fresh.default_vpc_id = snapshot.value("default_vpc_id", std::string());
  fresh.vpcs = snapshot.value("vpcs", decltype(fresh.vpcs){});
  fresh.subnets = snapshot.value("subnets", decltype(fresh.subnets){});
  fresh.groups = snapshot.value("groups", decltype(fresh.groups){});
  fresh.enis = snapshot.value("enis", decltype(fresh.enis){});
  fresh.released_enis = snapshot.value("released_enis", decltype(fresh.released_enis){});
  fresh.tags = snapshot.value("tags", decltype(fresh.tags){});
  check_keys(fresh.vpcs, "a VPC");
  check_keys(fresh.subnets, "a subnet");
  check_keys(fresh.groups, "a security group");
  check_keys(fresh.enis, "a network interface");
  check_keys(fresh.released_enis, "a released network interface");
  if (!fresh.find_vpc(fresh.default_vpc_id))
    throw std::runtime_error("the default VPC '" + fresh.default_vpc_id + "' is not among the VPCs");
  state = std::move(fresh);
}

Json snapshot_pool(const AddressPool& pool) {
  Json in_use = Json::array();  // [address, owner] pairs
  for (const auto& [address, owner] : pool.in_use_addresses()) in_use.push_back(Json::array({ipv4_text(address), owner}));
  return Json{{"first", ipv4_text(pool.first())},
              {"last", ipv4_text(pool.last())},
              {"cursor", ipv4_text(pool.cursor())},
              {"in_use", std::move(in_use)}};
}

AddressPool pool_from_snapshot(const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("an address pool must be an object");
  for (const char* key : {"first", "last", "cursor"})
    if (!snapshot.contains(key)) throw std::runtime_error(std::string("an address pool needs ") + key);
  const std::uint32_t first = address_from(snapshot["first"]), last = address_from(snapshot["last"]);
  const std::uint32_t cursor = address_from(snapshot["cursor"]);
  if (first <= last && (cursor < first || cursor > last))
    throw std::runtime_error("the cursor " + ipv4_text(cursor) + " is outside the pool " + ipv4_text(first) + "-" +
                             ipv4_text(last));
  std::map<std::uint32_t, std::string> used;
  for (const auto& a : snap::array_member(snapshot, "in_use")) {
    // [address, owner], or a bare address (no owner).
    const bool pair = a.is_array() && a.size() == 2 && a[1].is_string();
    const std::uint32_t address = address_from(pair ? a[0] : a);
    if (address < first || address > last)
      throw std::runtime_error("the address " + ipv4_text(address) + " is outside its pool");
    used[address] = pair ? a[1].get<std::string>() : std::string();
  }
  return AddressPool::restored(first, last, cursor, std::move(used));
}

Json snapshot_vpc(const VpcRegistry& registry) {
  Json pools = Json::object();
  for (const auto& [cidr, pool] : registry.pools()) pools[cidr] = snapshot_pool(pool);
  return snap::document(
      "vpc", Json{{"states", snap::states_to_json(registry, [](const VpcState& s) { return snapshot_state(s); })},
                  {"pools", std::move(pools)},
                  {"public_ips", snapshot_pool(registry.public_ips().pool())}});
}

void restore_vpc(VpcRegistry& registry, const Json& snapshot) {
  snap::check_document("vpc", snapshot);
  auto keyed = snap::states_from_json<VpcState>("vpc", snap::array_member(snapshot, "states"),
                                                [](VpcState& s, const Json& j) { restore_state(s, j); });
  AddressPools pools;
  auto pool_docs = snapshot.find("pools");
  if (pool_docs != snapshot.end()) {
    if (!pool_docs->is_object()) throw std::runtime_error("vpc snapshot: member pools is not an object");
    for (auto it = pool_docs->begin(); it != pool_docs->end(); ++it)
      pools.emplace(it.key(),
                    snap::reading("vpc", "the address pool of " + it.key(), [&] { return pool_from_snapshot(*it); }));
  }
  std::vector<VpcState> states;
  for (auto& [account, region, state] : keyed) {
    state.account_id = account;
    state.region = region;
    states.push_back(std::move(state));
  }
  AddressPool public_ips = registry.public_ips().pool();
  if (auto it = snapshot.find("public_ips"); it != snapshot.end())
    public_ips = snap::reading("vpc", "the public address pool", [&] { return pool_from_snapshot(*it); });
  registry.restore(std::move(states), std::move(pools), std::move(public_ips));
}

}  // namespace ecslocal::api::vpc
