// The default VPC and its IPAM: stable ids, subnet layout, allocation, release, exhaustion,
// and the loopback pool behind assignPublicIp.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "api/ecs/task_network.hpp"

namespace ecslocal::api::ecs {
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

TEST(TaskNetwork, AllocationSkipsTheReservedAddresses) {
  SharedPools pools;
  VpcIpam ipam("000000000000", "us-east-1", pools);
  const auto& first = ipam.vpc().subnets[0];
  auto lease = ipam.allocate(first.id);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->ipv4, "172.31.0.4");  // .0-.3 are AWS's
  EXPECT_EQ(lease->subnet_id, first.id);
  EXPECT_EQ(lease->pool_subnet_id, first.id);
  EXPECT_EQ(lease->availability_zone, "us-east-1a");
  EXPECT_EQ(ipam.allocate(first.id)->ipv4, "172.31.0.5");
  auto second_zone = ipam.allocate(ipam.vpc().subnets[1].id);
  EXPECT_EQ(second_zone->ipv4, "172.31.16.4");
  EXPECT_EQ(second_zone->availability_zone, "us-east-1b");
  EXPECT_EQ(ipam.used(first.id), 2u);
}

TEST(TaskNetwork, ReleasedAddressesComeBackAfterTheOthers) {
  SharedPools pools;
  VpcIpam ipam("000000000000", "us-east-1", pools);
  const std::string subnet = ipam.vpc().subnets[0].id;
  auto a = ipam.allocate(subnet);
  auto b = ipam.allocate(subnet);
  ipam.release(subnet, a->ipv4);
  EXPECT_EQ(ipam.used(subnet), 1u);
  EXPECT_EQ(ipam.allocate(subnet)->ipv4, "172.31.0.6");  // next-fit: not .4 again at once
  ipam.release(subnet, b->ipv4);
  ipam.release(subnet, b->ipv4);        // twice: harmless
  ipam.release(subnet, "not an ip");    // harmless
  ipam.release("subnet-nope", "1.2.3.4");
  EXPECT_EQ(ipam.used(subnet), 1u);
}

TEST(TaskNetwork, AnUnknownSubnetDrawsFromTheFirstDefaultSubnet) {
  SharedPools pools;
  VpcIpam ipam("000000000000", "us-east-1", pools);
  auto lease = ipam.allocate("subnet-0123456789abcdef0");
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->subnet_id, "subnet-0123456789abcdef0");
  EXPECT_EQ(lease->pool_subnet_id, ipam.vpc().subnets[0].id);
  EXPECT_EQ(lease->availability_zone, "us-east-1a");
  EXPECT_EQ(lease->ipv4, "172.31.0.4");
}

TEST(TaskNetwork, ASubnetRunsOutAfterItsLastUsableAddress) {
  SharedPools pools;
  VpcIpam ipam("000000000000", "eu-west-1", pools);
  const std::string subnet = ipam.vpc().subnets[2].id;  // 172.31.32.0/20
  std::string last;
  for (int i = 0; i < 4096 - 5; ++i) {
    auto lease = ipam.allocate(subnet);
    ASSERT_TRUE(lease) << i;
    last = lease->ipv4;
  }
  EXPECT_EQ(last, "172.31.47.254");  // .255 (broadcast) is never given out
  EXPECT_FALSE(ipam.allocate(subnet));
  ipam.release(subnet, "172.31.40.1");
  EXPECT_EQ(ipam.allocate(subnet)->ipv4, "172.31.40.1");
  EXPECT_TRUE(ipam.allocate(ipam.vpc().subnets[0].id));  // other subnets unaffected
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

TEST(TaskNetwork, RegistryKeepsOneIpamPerAccountAndRegion) {
  NetworkRegistry networks;
  VpcIpam& a = networks.at("000000000000", "us-east-1");
  EXPECT_EQ(&a, &networks.at("000000000000", "us-east-1"));
  EXPECT_NE(&a, &networks.at("000000000000", "eu-west-1"));
  a.allocate(a.vpc().subnets[0].id);
  EXPECT_EQ(networks.at("000000000000", "us-east-1").used(a.vpc().subnets[0].id), 1u);
}

TEST(TaskNetwork, PublicAddressesAreLoopbackAndReleased) {
  PublicAddressPool pool;
  EXPECT_EQ(pool.allocate(), "127.0.100.1");
  EXPECT_EQ(pool.allocate(), "127.0.100.2");
  pool.release("127.0.100.1");
  EXPECT_EQ(pool.allocate(), "127.0.100.3");
  pool.clear();
  EXPECT_EQ(pool.allocate(), "127.0.100.1");
}

}  // namespace
}  // namespace ecslocal::api::ecs

namespace ecslocal::api::ecs {

TEST(TaskNetworkShared, DefaultVpcsOfAllAccountsShareOneBridgeAndNeverTheSameAddress) {
  NetworkRegistry registry;
  VpcIpam& a = registry.at("111111111111", "us-east-1");
  VpcIpam& b = registry.at("222222222222", "eu-west-1");
  EXPECT_NE(a.vpc().id, b.vpc().id);
  EXPECT_EQ(a.vpc().docker_network(), b.vpc().docker_network());
  auto first = a.allocate(a.vpc().subnets.front().id);
  auto second = b.allocate(b.vpc().subnets.front().id);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->ipv4, second->ipv4);  // same CIDR, one pool
  a.release(first->pool_subnet_id, first->ipv4);
  EXPECT_EQ(b.used(second->pool_subnet_id), 1u);
}

}  // namespace ecslocal::api::ecs
