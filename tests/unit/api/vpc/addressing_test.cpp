// CIDR blocks, zone ids and subnet pools of the shared VPC state.
#include <gtest/gtest.h>

#include "api/vpc/addressing.hpp"

namespace ecslocal::api::vpc {
namespace {

TEST(Cidr, ParsesCanonicalBlocksOnly) {
  auto block = Cidr::parse("10.10.1.0/24");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->text(), "10.10.1.0/24");
  EXPECT_EQ(block->size(), 256u);
  EXPECT_EQ(ipv4_text(block->last()), "10.10.1.255");
  EXPECT_EQ(Cidr::parse("0.0.0.0/0")->size(), std::uint64_t{1} << 32);
  for (const char* bad : {"", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.1/16", "10.0.0.0/-1", "10.0.0.0/1x", "x/16"})
    EXPECT_FALSE(Cidr::parse(bad)) << bad;
}

TEST(Cidr, ContainsAndOverlaps) {
  const Cidr vpc = *Cidr::parse("10.10.0.0/16");
  EXPECT_TRUE(vpc.contains(*Cidr::parse("10.10.1.0/24")));
  EXPECT_FALSE(vpc.contains(*Cidr::parse("10.11.0.0/24")));
  EXPECT_FALSE(vpc.contains(*Cidr::parse("10.0.0.0/8")));
  EXPECT_TRUE(vpc.overlaps(*Cidr::parse("10.0.0.0/8")));
  EXPECT_TRUE(vpc.overlaps(*Cidr::parse("10.10.255.240/28")));
  EXPECT_FALSE(vpc.overlaps(*Cidr::parse("10.11.0.0/16")));
  EXPECT_FALSE(vpc.overlaps(*Cidr::parse("172.31.0.0/16")));
}

TEST(Zones, ZoneIdsFollowAwsNaming) {
  EXPECT_EQ(zone_id("us-east-1", 0), "use1-az1");
  EXPECT_EQ(zone_id("us-east-1", 5), "use1-az6");
  EXPECT_EQ(zone_id("eu-west-1", 2), "euw1-az3");
  EXPECT_EQ(zone_id("ap-southeast-2", 0), "apse2-az1");
}

TEST(AddressPool, ASlash28SubnetHasElevenAddresses) {
  AddressPool pool = AddressPool::for_subnet(*Cidr::parse("10.10.1.0/28"));
  EXPECT_EQ(pool.capacity(), 11u);
  EXPECT_EQ(ipv4_text(*pool.allocate()), "10.10.1.4");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.allocate());
  EXPECT_FALSE(pool.allocate());
  EXPECT_TRUE(pool.in_use(*parse_ipv4("10.10.1.14")));
  EXPECT_FALSE(pool.in_use(*parse_ipv4("10.10.1.15")));  // broadcast: never given out
}

}  // namespace
}  // namespace ecslocal::api::vpc
