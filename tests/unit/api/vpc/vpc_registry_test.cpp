// The shared VPC state's default VPC and IPAM (moved from api/ecs/task_network): stable ids,
// subnet layout, allocation, release, exhaustion, and the loopback pool behind assignPublicIp.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "api/ecs/task_network.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::vpc {
namespace {

const std::regex kSubnetId("subnet-[0-9a-f]{17}");

TEST(TaskNetwork, Ipv4TextRoundTrips) {
  EXPECT_EQ(ipv4_text(*parse_ipv4("172.31.16.4")), "172.31.16.4");
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.x", "1..2.3", "1.2.3.4 "})
    EXPECT_FALSE(parse_ipv4(bad)) << bad;
}

TEST(TaskNetwork, PrivateDnsNamesFollowTheRegion) {
  EXPECT_EQ(private_dns_name("us-east-1", "172.31.0.4"), "ip-172-31-0-4.ec2.internal");
  EXPECT_EQ(private_dns_name("eu-west-1", "172.31.17.9"), "ip-172-31-17-9.eu-west-1.compute.internal");
}

TEST(TaskNetwork, DefaultVpcHasOneSlash20PerZone) {
  const DefaultVpc vpc = make_default_vpc("000000000000", "us-east-1");
  EXPECT_EQ(vpc.cidr, "172.31.0.0/16");
  EXPECT_EQ(vpc.gateway, "172.31.0.1");
  EXPECT_TRUE(std::regex_match(vpc.id, std::regex("vpc-[0-9a-f]{17}"))) << vpc.id;
  EXPECT_EQ(vpc.docker_network(), "ecslocal-default-vpc");
  ASSERT_EQ(vpc.subnets.size(), 6u);
  const char* cidrs[] = {"172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20",
                         "172.31.48.0/20", "172.31.64.0/20", "172.31.80.0/20"};
  std::set<std::string> ids;
  for (size_t i = 0; i < vpc.subnets.size(); ++i) {
    EXPECT_EQ(vpc.subnets[i].cidr, cidrs[i]);
    EXPECT_EQ(vpc.subnets[i].availability_zone, std::string("us-east-1") + char('a' + i));
    EXPECT_TRUE(std::regex_match(vpc.subnets[i].id, kSubnetId)) << vpc.subnets[i].id;
    ids.insert(vpc.subnets[i].id);
  }
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(make_default_vpc("000000000000", "eu-west-1").subnets.size(), 3u);
  EXPECT_EQ(availability_zones("eu-west-1"), (std::vector<std::string>{"eu-west-1a", "eu-west-1b", "eu-west-1c"}));
}

TEST(TaskNetwork, IdsAreStableAndDifferPerAccountAndRegion) {
  const DefaultVpc a = make_default_vpc("000000000000", "us-east-1");
  const DefaultVpc again = make_default_vpc("000000000000", "us-east-1");
  EXPECT_EQ(a.id, again.id);
  EXPECT_EQ(a.subnets[0].id, again.subnets[0].id);
  EXPECT_NE(a.id, make_default_vpc("111111111111", "us-east-1").id);
  EXPECT_NE(a.subnets[0].id, make_default_vpc("000000000000", "us-west-2").subnets[0].id);
  EXPECT_EQ(stable_resource_id("subnet-", "x"), stable_resource_id("subnet-", "x"));
  EXPECT_NE(stable_resource_id("subnet-", "x"), stable_resource_id("subnet-", "y"));
}

TEST(VpcRegistry, AllocationSkipsTheReservedAddresses) {
  VpcRegistry registry;
  VpcState& state = registry.at("000000000000", "us-east-1");
  const DefaultVpc layout = make_default_vpc("000000000000", "us-east-1");
  const DefaultSubnet& first = layout.subnets[0];
  auto lease = registry.allocate(state, first.id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->ipv4, "172.31.0.4");  // .0-.3 are AWS's
  EXPECT_EQ(lease->subnet_id, first.id);
  EXPECT_EQ(lease->vpc_id, state.default_vpc_id);
  EXPECT_EQ(lease->availability_zone, "us-east-1a");
  EXPECT_EQ(registry.allocate(state, first.id)->ipv4, "172.31.0.5");
  auto second_zone = registry.allocate(state, make_default_vpc("000000000000", "us-east-1").subnets[1].id);
  EXPECT_EQ(second_zone->ipv4, "172.31.16.4");
  EXPECT_EQ(second_zone->availability_zone, "us-east-1b");
  EXPECT_EQ(state.used(first.id), 2u);
}

TEST(VpcRegistry, EachInstanceStartsItsSearchElsewhereInTheSubnet) {
  EXPECT_EQ(VpcRegistry::spread_for_instance("default"), 0u);
  EXPECT_NE(VpcRegistry::spread_for_instance("e2e-101"), VpcRegistry::spread_for_instance("e2e-102"));
  VpcRegistry registry;
  registry.set_spread(300);
  VpcState& state = registry.at("000000000000", "us-east-1");
  const std::string first = make_default_vpc("000000000000", "us-east-1").subnets[0].id;
  EXPECT_EQ(registry.allocate(state, first)->ipv4, "172.31.1.48");  // .4 + 300
  EXPECT_EQ(registry.allocate(state, first)->ipv4, "172.31.1.49");
  VpcRegistry wrapped;
  wrapped.set_spread(4091 + 1);  // modulo the /20's 4091 usable addresses
  VpcState& other = wrapped.at("111111111111", "us-west-2");
  EXPECT_EQ(wrapped.allocate(other, make_default_vpc("111111111111", "us-west-2").subnets[1].id)->ipv4, "172.31.16.5");
}

TEST(VpcRegistry, ReleasedAddressesComeBackAfterTheOthers) {
  VpcRegistry registry;
  VpcState& state = registry.at("000000000000", "us-east-1");
  const std::string subnet = make_default_vpc("000000000000", "us-east-1").subnets[0].id;
  auto a = registry.allocate(state, subnet);
  auto b = registry.allocate(state, subnet);
  registry.release(state, subnet, a->ipv4);
  EXPECT_EQ(state.used(subnet), 1u);
  EXPECT_EQ(registry.allocate(state, subnet)->ipv4, "172.31.0.6");  // next-fit: not .4 again at once
  registry.release(state, subnet, b->ipv4);
  registry.release(state, subnet, b->ipv4);      // twice: harmless
  registry.release(state, subnet, "not an ip");  // harmless
  registry.release(state, "subnet-nope", "1.2.3.4");
  EXPECT_EQ(state.used(subnet), 1u);
}

TEST(VpcRegistry, AnUnknownSubnetGivesNoAddress) {
  VpcRegistry registry;
  VpcState& state = registry.at("000000000000", "us-east-1");
  EXPECT_FALSE(registry.allocate(state, "subnet-0123456789abcdef0"));
  EXPECT_EQ(state.used(make_default_vpc("000000000000", "us-east-1").subnets[0].id), 0u);
}

TEST(VpcRegistry, ASubnetRunsOutAfterItsLastUsableAddress) {
  VpcRegistry registry;
  VpcState& state = registry.at("000000000000", "eu-west-1");
  const auto layout = make_default_vpc("000000000000", "eu-west-1");
  const std::string subnet = layout.subnets[2].id;  // 172.31.32.0/20
  std::string last;
  for (int i = 0; i < 4096 - 5; ++i) {
    auto lease = registry.allocate(state, subnet);
    ASSERT_TRUE(lease) << i;
    last = lease->ipv4;
  }
  EXPECT_EQ(last, "172.31.47.254");  // .255 (broadcast) is never given out
  EXPECT_FALSE(registry.allocate(state, subnet));
  registry.release(state, subnet, "172.31.40.1");
  EXPECT_EQ(registry.allocate(state, subnet)->ipv4, "172.31.40.1");
  EXPECT_TRUE(registry.allocate(state, layout.subnets[0].id));  // other subnets unaffected
}

TEST(TaskNetwork, AddressPoolWrapsAround) {
  AddressPool pool(10, 12);
  EXPECT_EQ(pool.capacity(), 3u);
  EXPECT_EQ(pool.allocate(), 10u);
  EXPECT_EQ(pool.allocate(), 11u);
  EXPECT_TRUE(pool.release(10));
  EXPECT_FALSE(pool.release(10));
  EXPECT_EQ(pool.allocate(), 12u);
  EXPECT_EQ(pool.allocate(), 10u);
  EXPECT_FALSE(pool.allocate());
  EXPECT_TRUE(pool.in_use(11));
}

TEST(VpcRegistry, KeepsOneStatePerAccountAndRegion) {
  VpcRegistry registry;
  VpcState& a = registry.at("000000000000", "us-east-1");
  EXPECT_EQ(&a, &registry.at("000000000000", "us-east-1"));
  EXPECT_NE(&a, &registry.at("000000000000", "eu-west-1"));
  const std::string subnet = make_default_vpc("000000000000", "us-east-1").subnets[0].id;
  registry.allocate(a, subnet);
  EXPECT_EQ(registry.at("000000000000", "us-east-1").used(subnet), 1u);
}

TEST(TaskNetwork, PublicAddressesAreLoopbackAndReleased) {
  ecs::PublicAddressPool pool;
  EXPECT_EQ(pool.allocate(), "127.0.100.1");
  EXPECT_EQ(pool.allocate(), "127.0.100.2");
  pool.release("127.0.100.1");
  EXPECT_EQ(pool.allocate(), "127.0.100.3");
  pool.clear();
  EXPECT_EQ(pool.allocate(), "127.0.100.1");
}

}  // namespace
}  // namespace ecslocal::api::vpc

namespace ecslocal::api::vpc {

TEST(VpcRegistryShared, DefaultVpcsOfAllAccountsShareOneBridgeAndNeverTheSameAddress) {
  VpcRegistry registry;
  VpcState& a = registry.at("111111111111", "us-east-1");
  VpcState& b = registry.at("222222222222", "eu-west-1");
  EXPECT_NE(a.default_vpc_id, b.default_vpc_id);
  EXPECT_EQ(a.default_vpc().docker_network(), b.default_vpc().docker_network());
  auto first = registry.allocate(a, make_default_vpc("111111111111", "us-east-1").subnets.front().id);
  auto second = registry.allocate(b, make_default_vpc("222222222222", "eu-west-1").subnets.front().id);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->ipv4, second->ipv4);  // same CIDR, one pool
  registry.release(a, first->subnet_id, first->ipv4);
  EXPECT_EQ(b.used(second->subnet_id), 1u);
}

}  // namespace ecslocal::api::vpc

namespace ecslocal::api::vpc {

TEST(VpcRegistryObjects, EveryVpcHasADefaultGroupWithAwsRules) {
  VpcRegistry registry(std::make_shared<IdSource>(7));
  VpcState& state = registry.at("000000000000", "us-east-1");
  const SecurityGroup* group = state.default_group(state.default_vpc_id);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->id, default_group_id("000000000000", "us-east-1", state.default_vpc_id));
  ASSERT_EQ(group->rules.size(), 2u);
  EXPECT_FALSE(group->rules[0].egress);
  EXPECT_EQ(group->rules[0].referenced_group_id, group->id);  // members reach each other
  EXPECT_TRUE(group->rules[1].egress);
  EXPECT_EQ(group->rules[1].cidr_ipv4, "0.0.0.0/0");
  EXPECT_EQ(group->rules[1].ip_protocol, "-1");
  // Stable over restarts, like the VPC's id.
  VpcRegistry again(std::make_shared<IdSource>(99));
  EXPECT_EQ(again.at("000000000000", "us-east-1").default_group(state.default_vpc_id)->rules[1].id, group->rules[1].id);

  Vpc& created = registry.add_vpc(state, *Cidr::parse("10.10.0.0/16"));
  const SecurityGroup* own = state.default_group(created.id);
  ASSERT_NE(own, nullptr);
  EXPECT_NE(own->id, group->id);
  EXPECT_EQ(created.docker_network(), "ecslocal-" + created.id);
  EXPECT_EQ(created.gateway(), "10.10.0.1");
}

TEST(VpcRegistryObjects, OverlapsAreFoundAcrossAccountsAndRegions) {
  VpcRegistry registry;
  EXPECT_NE(registry.overlapping_vpc(*Cidr::parse("172.31.128.0/24")), nullptr);  // default VPCs, even before use
  VpcState& a = registry.at("111111111111", "us-east-1");
  registry.add_vpc(a, *Cidr::parse("10.10.0.0/16"));
  EXPECT_NE(registry.overlapping_vpc(*Cidr::parse("10.10.5.0/24")), nullptr);
  EXPECT_NE(registry.overlapping_vpc(*Cidr::parse("10.0.0.0/8")), nullptr);
  EXPECT_EQ(registry.overlapping_vpc(*Cidr::parse("10.11.0.0/16")), nullptr);
}

TEST(VpcRegistryObjects, ACreatedSubnetHasItsOwnPoolUntilDeleted) {
  VpcRegistry registry;
  VpcState& state = registry.at("000000000000", "us-east-1");
  Vpc& created = registry.add_vpc(state, *Cidr::parse("10.10.0.0/16"));
  const Subnet& subnet = registry.add_subnet(state, created, *Cidr::parse("10.10.1.0/24"), "us-east-1b");
  EXPECT_EQ(subnet.availability_zone_id, "use1-az2");
  auto lease = registry.allocate(state, subnet.id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->ipv4, "10.10.1.4");
  EXPECT_EQ(lease->vpc_id, created.id);
  EXPECT_EQ(state.used(subnet.id), 1u);
  registry.release(state, subnet.id, lease->ipv4);
  const std::string id = subnet.id;
  registry.remove_subnet(state, id);
  EXPECT_EQ(state.find_subnet(id), nullptr);
  EXPECT_FALSE(registry.allocate(state, id));
  registry.remove_vpc(state, created.id);
  EXPECT_EQ(state.find_vpc(created.id), nullptr);
  EXPECT_EQ(state.default_group(created.id), nullptr);
}

}  // namespace ecslocal::api::vpc
