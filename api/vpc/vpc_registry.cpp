#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::vpc {
namespace {

constexpr std::uint32_t kDefaultVpcBase = (172u << 24) | (31u << 16);  // 172.31.0.0
constexpr int kDefaultSubnetPrefix = 20;

std::string seed_of(const std::string& account_id, const std::string& region) { return account_id + "/" + region + "/"; }

}  // namespace

const DefaultSubnet* DefaultVpc::find_subnet(const std::string& subnet_id) const {
  for (const auto& s : subnets)
    if (s.id == subnet_id) return &s;
  return nullptr;
}

Vpc DefaultVpc::vpc() const { return Vpc{id, *Cidr::parse(cidr), true}; }

DefaultVpc make_default_vpc(const std::string& account_id, const std::string& region) {
  DefaultVpc vpc;
  vpc.id = stable_resource_id("vpc-", seed_of(account_id, region) + "default-vpc");
  std::uint32_t network = kDefaultVpcBase;
  for (const auto& zone : availability_zones(region)) {
    DefaultSubnet subnet;
    subnet.id = stable_resource_id("subnet-", seed_of(account_id, region) + zone);
    subnet.availability_zone = zone;
    subnet.network = network;
    subnet.prefix_length = kDefaultSubnetPrefix;
    subnet.cidr = ipv4_text(network) + "/" + std::to_string(kDefaultSubnetPrefix);
    vpc.subnets.push_back(subnet);
    network += 1u << (32 - kDefaultSubnetPrefix);
  }
  return vpc;
}

std::string default_group_id(const std::string& account_id, const std::string& region, const std::string& vpc_id) {
  return stable_resource_id("sg-", seed_of(account_id, region) + vpc_id + "/default-group");
}

// --- VpcState ---

const Vpc* VpcState::find_vpc(const std::string& id) const {
  auto it = vpcs.find(id);
  return it == vpcs.end() ? nullptr : &it->second;
}

const Subnet* VpcState::find_subnet(const std::string& id) const {
  auto it = subnets.find(id);
  return it == subnets.end() ? nullptr : &it->second;
}

SecurityGroup* VpcState::find_group(const std::string& id) {
  auto it = groups.find(id);
  return it == groups.end() ? nullptr : &it->second;
}

const SecurityGroup* VpcState::find_group(const std::string& id) const {
  auto it = groups.find(id);
  return it == groups.end() ? nullptr : &it->second;
}

const SecurityGroup* VpcState::find_group_by_name(const std::string& vpc_id, const std::string& name) const {
  for (const auto& [id, group] : groups)
    if (group.vpc_id == vpc_id && group.name == name) return &group;
  return nullptr;
}

size_t VpcState::used(const std::string& subnet_id) const {
  const Subnet* subnet = find_subnet(subnet_id);
  if (!subnet || !pools) return 0;
  auto it = pools->find(subnet->cidr());
  return it == pools->end() ? 0 : it->second.used();
}

const NetworkInterface* VpcState::find_eni(const std::string& id) const {
  if (auto it = enis.find(id); it != enis.end()) return &it->second;
  if (auto it = released_enis.find(id); it != released_enis.end()) return &it->second;
  return nullptr;
}

bool VpcState::subnet_in_use(const std::string& subnet_id) const {
  for (const auto& [id, eni] : enis)
    if (eni.subnet_id == subnet_id) return true;
  return false;
}

bool VpcState::group_in_use(const std::string& group_id) const {
  for (const auto& [id, eni] : enis)
    for (const auto& g : eni.groups)
      if (g == group_id) return true;
  return false;
}

// --- PublicAddressPool ---

namespace {
constexpr std::uint32_t kFirstPublic = (127u << 24) | (100u << 8) | 1u;  // 127.0.100.1
constexpr std::uint32_t kLastPublic = (127u << 24) | (255u << 8) | 254u;  // 127.0.255.254
}  // namespace

PublicAddressPool::PublicAddressPool() : pool_(kFirstPublic, kLastPublic) {}

std::optional<std::string> PublicAddressPool::allocate(const std::string& owner) {
  auto address = pool_.allocate(owner);
  if (!address) return std::nullopt;
  return ipv4_text(*address);
}

void PublicAddressPool::release(const std::string& ipv4, const std::string& owner) {
  if (auto address = parse_ipv4(ipv4)) pool_.release(*address, owner);
}

void PublicAddressPool::clear() { pool_ = AddressPool(kFirstPublic, kLastPublic); }

// --- VpcRegistry ---

VpcRegistry::VpcRegistry(std::shared_ptr<IdSource> ids)
    : ids_(std::move(ids)),
      states_([this](VpcState& state, const std::string& account_id, const std::string& region) {
        lay_out_default_vpc(state, account_id, region);
      }) {}

VpcState& VpcRegistry::at(const std::string& account_id, const std::string& region) {
  return states_.at(account_id, region);
}

void VpcRegistry::lay_out_default_vpc(VpcState& state, const std::string& account_id, const std::string& region) {
  state.account_id = account_id;
  state.region = region;
  state.pools = &pools_;
  const DefaultVpc layout = make_default_vpc(account_id, region);
  state.default_vpc_id = layout.id;
  state.vpcs.emplace(layout.id, layout.vpc());
  const auto zones = availability_zones(region);
  for (size_t i = 0; i < layout.subnets.size(); ++i) {
    const auto& s = layout.subnets[i];
    Subnet subnet{s.id, layout.id, s.availability_zone, zone_id(region, i), *Cidr::parse(s.cidr), true};
    pools_.try_emplace(subnet.cidr(), AddressPool::for_subnet(subnet.block, spread_));
    state.subnets.emplace(subnet.id, subnet);
  }
  add_group(state, layout.id, "default", "default VPC security group", default_group_id(account_id, region, layout.id));
}

std::optional<AddressLease> VpcRegistry::allocate(const VpcState& state, const std::string& subnet_id,
                                                  const std::string& owner) {
  const Subnet* subnet = state.find_subnet(subnet_id);
  if (!subnet) return std::nullopt;
  auto pool = pools_.try_emplace(subnet->cidr(), AddressPool::for_subnet(subnet->block, spread_)).first;
  auto address = pool->second.allocate(owner);
  if (!address) return std::nullopt;
  return AddressLease{subnet->id, subnet->vpc_id, subnet->availability_zone, ipv4_text(*address)};
}

bool VpcRegistry::claim(const VpcState& state, const std::string& subnet_id, const std::string& ipv4,
                        const std::string& owner) {
  const Subnet* subnet = state.find_subnet(subnet_id);
  const auto address = parse_ipv4(ipv4);
  if (!subnet || !address) return false;
  auto pool = pools_.try_emplace(subnet->cidr(), AddressPool::for_subnet(subnet->block, spread_)).first;
  return pool->second.claim(*address, owner);
}

void VpcRegistry::release(const std::string& subnet_cidr, const std::string& ipv4, const std::string& owner) {
  auto it = pools_.find(subnet_cidr);
  auto address = parse_ipv4(ipv4);
  if (it != pools_.end() && address) it->second.release(*address, owner);
}

void VpcRegistry::release(const VpcState& state, const std::string& subnet_id, const std::string& ipv4,
                          const std::string& owner) {
  if (const Subnet* subnet = state.find_subnet(subnet_id)) release(subnet->cidr(), ipv4, owner);
}

const Vpc* VpcRegistry::overlapping_vpc(const Cidr& block) const {
  static const Cidr default_block = *Cidr::parse(kDefaultVpcCidr);
  const Vpc* found = nullptr;
  states_.for_each([&](const std::string&, const std::string&, const VpcState& state) {
    for (const auto& [id, vpc] : state.vpcs)
      if (!found && vpc.block.overlaps(block)) found = &vpc;
  });
  if (found) return found;
  if (default_block.overlaps(block)) {
    // No state made yet: still the default VPCs' bridge.
    static const Vpc any_default{"(the default VPC)", default_block, true};
    return &any_default;
  }
  return nullptr;
}

Vpc& VpcRegistry::add_vpc(VpcState& state, const Cidr& block) {
  Vpc vpc{new_id("vpc-"), block, false};
  Vpc& stored = state.vpcs.emplace(vpc.id, vpc).first->second;
  add_group(state, stored.id, "default", "default VPC security group");
  return stored;
}

Subnet& VpcRegistry::add_subnet(VpcState& state, const Vpc& vpc, const Cidr& block, const std::string& availability_zone) {
  const auto zones = availability_zones(state.region);
  size_t index = 0;
  while (index < zones.size() && zones[index] != availability_zone) ++index;
  Subnet subnet{new_id("subnet-"), vpc.id, availability_zone, zone_id(state.region, index), block, false};
  pools_.insert_or_assign(subnet.cidr(), AddressPool::for_subnet(block, spread_));
  return state.subnets.emplace(subnet.id, subnet).first->second;
}

SecurityGroup& VpcRegistry::add_group(VpcState& state, const std::string& vpc_id, const std::string& name,
                                      const std::string& description, std::string id) {
  const bool stable = !id.empty();
  SecurityGroup group;
  group.id = stable ? std::move(id) : new_id("sg-");
  group.name = name;
  group.description = description;
  group.vpc_id = vpc_id;
  SecurityGroup& stored = state.groups.emplace(group.id, group).first->second;
  add_default_rules(stored, stable, seed_of(state.account_id, state.region) + stored.id);
  return stored;
}

// AWS's defaults: every group may send anywhere; a VPC's default group also admits its members.
void VpcRegistry::add_default_rules(SecurityGroup& group, bool stable, const std::string& seed) {
  auto rule_id = [&](const char* which) { return stable ? stable_resource_id("sgr-", seed + which) : new_id("sgr-"); };
  if (group.is_default()) {
    SecurityGroupRule self;
    self.id = rule_id("/ingress-self");
    self.referenced_group_id = group.id;
    group.rules.push_back(self);
  }
  SecurityGroupRule egress;
  egress.id = rule_id("/egress-all");
  egress.egress = true;
  egress.cidr_ipv4 = "0.0.0.0/0";
  group.rules.push_back(egress);
}

void VpcRegistry::clear() {
  states_.for_each([&](const std::string&, const std::string&, const VpcState& state) {
    for (const auto& [id, vpc] : state.vpcs)
      if (!vpc.is_default) forgotten_networks_.push_back(vpc.docker_network());
  });
  states_.clear();
  pools_.clear();
  public_ips_.clear();
}

void VpcRegistry::restore(std::vector<VpcState> states, AddressPools pools, AddressPool public_ips) {
  states_.clear();
  pools_ = std::move(pools);
  public_ips_.restore(std::move(public_ips));
  for (auto& state : states) {
    state.pools = &pools_;
    const std::string account = state.account_id, region = state.region;
    states_.put(account, region, std::move(state));
  }
}

void VpcRegistry::remove_subnet(VpcState& state, std::string subnet_id) {
  auto it = state.subnets.find(subnet_id);
  if (it == state.subnets.end()) return;
  if (!it->second.default_for_az) pools_.erase(it->second.cidr());  // default pools are shared
  state.subnets.erase(it);
  state.tags.erase(subnet_id);
}

void VpcRegistry::remove_vpc(VpcState& state, std::string vpc_id) {
  for (auto it = state.groups.begin(); it != state.groups.end();) {
    if (it->second.vpc_id == vpc_id) {
      state.tags.erase(it->first);
      it = state.groups.erase(it);
    } else {
      ++it;
    }
  }
  state.vpcs.erase(vpc_id);
  state.tags.erase(vpc_id);
}

std::uint32_t VpcRegistry::spread_for_instance(const std::string& instance) {
  if (instance == "default") return 0;
  std::uint32_t hash = 2166136261u;  // FNV-1a, 32 bits
  for (unsigned char c : instance) hash = (hash ^ c) * 16777619u;
  return hash;
}

}  // namespace ecslocal::api::vpc
