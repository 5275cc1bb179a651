// DockerNetworks on the fake: create with labels, reuse, a subnet that does not match, a create
// that loses a race to another process, removal of unused networks only.
#include "runtime/docker/docker_networks.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "runtime/labels.hpp"
#include "tests/fakes/fake_docker_client.hpp"

namespace ecslocal::runtime {
namespace {

// The network appears between our inspect and our create, as when another process makes it.
class RacingDocker : public testing::FakeDockerClient {
 public:
  DockerResult<std::string> create_network(const NetworkCreateSpec& spec) override {
    if (race_.exchange(false)) {
      FakeDockerClient::create_network(spec);  // the other process wins
      return DockerError{DockerErrorKind::conflict, 409, "network with name " + spec.name + " already exists"};
    }
    return FakeDockerClient::create_network(spec);
  }
  std::atomic<bool> race_{false};
};

TEST(DockerNetworks, CreatesOnceWithTheManagedLabelAndReuses) {
  testing::FakeDockerClient docker;
  DockerNetworks networks(docker);
  NetworkRequest request{"vpc-a", "172.31.0.0/16", "172.31.0.1", {{"ecslocal.vpc", "vpc-1"}}};
  auto first = networks.ensure(request);
  ASSERT_TRUE(first.ok());
  auto second = networks.ensure(request);
  EXPECT_EQ(second.value(), first.value());
  EXPECT_EQ(docker.count(DockerOp::create_network), 1);
  auto info = docker.inspect_network("vpc-a");
  EXPECT_EQ(info->labels.at(std::string(labels::managed)), "true");
  EXPECT_EQ(info->labels.at("ecslocal.vpc"), "vpc-1");
  EXPECT_EQ(info->subnets, std::vector<std::string>{"172.31.0.0/16"});
  EXPECT_EQ(info->gateways, std::vector<std::string>{"172.31.0.1"});
}

TEST(DockerNetworks, AnExistingNetworkWithAnotherSubnetIsAConflict) {
  testing::FakeDockerClient docker;
  DockerNetworks networks(docker);
  ASSERT_TRUE(networks.ensure({"vpc-a", "10.0.0.0/16", "", {}}).ok());
  auto clash = networks.ensure({"vpc-a", "172.31.0.0/16", "", {}});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, DockerErrorKind::conflict);
  EXPECT_EQ(clash.error().message, "the Docker network vpc-a exists with subnet 10.0.0.0/16, not 172.31.0.0/16");
}

TEST(DockerNetworks, ACreateThatLosesARaceAdoptsTheWinnersNetwork) {
  RacingDocker docker;
  docker.race_ = true;
  DockerNetworks networks(docker);
  auto id = networks.ensure({"vpc-a", "172.31.0.0/16", "", {}});
  ASSERT_TRUE(id.ok()) << id.error().describe();
  EXPECT_EQ(id.value(), docker.inspect_network("vpc-a")->id);
}

TEST(DockerNetworks, DockerErrorsComeBack) {
  testing::FakeDockerClient docker;
  docker.set_down(true);
  DockerNetworks networks(docker);
  auto id = networks.ensure({"vpc-a", "172.31.0.0/16", "", {}});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, DockerErrorKind::unavailable);
}

TEST(DockerNetworks, RemovesOnlyUnusedMatchingNetworks) {
  testing::FakeDockerClient docker;
  docker.add_image("busybox");
  DockerNetworks networks(docker);
  ASSERT_TRUE(networks.ensure({"unused", "10.1.0.0/16", "", {}}).ok());
  ASSERT_TRUE(networks.ensure({"busy", "10.2.0.0/16", "", {}}).ok());
  ASSERT_TRUE(docker.create_network(NetworkCreateSpec{"not-ours", "bridge", "", "", false, false, {}, {}}).ok());
  ContainerCreateSpec spec;
  spec.image = "busybox";
  auto id = docker.create_container(spec).value();
  ASSERT_TRUE(docker.connect_network("busy", id).ok());
  auto removed = networks.remove_unused({labels::managed_filter()});
  EXPECT_EQ(removed, std::vector<std::string>{"unused"});
  EXPECT_TRUE(docker.inspect_network("busy").ok());
  EXPECT_TRUE(docker.inspect_network("not-ours").ok());
}

TEST(DockerNetworks, RemovesOneNamedNetworkOnlyWhenOursAndUnused) {
  testing::FakeDockerClient docker;
  docker.add_image("busybox");
  DockerNetworks networks(docker);
  const std::vector<std::string> ours = {labels::managed_filter(), labels::filter(labels::instance, "i-1")};
  ASSERT_TRUE(networks.ensure({"ecslocal-vpc-a", "10.10.0.0/16", "10.10.0.1", {{"ecslocal.instance", "i-1"}}}).ok());
  ASSERT_TRUE(networks.ensure({"ecslocal-vpc-b", "10.11.0.0/16", "", {{"ecslocal.instance", "i-2"}}}).ok());
  ASSERT_TRUE(networks.ensure({"ecslocal-vpc-c", "10.12.0.0/16", "", {{"ecslocal.instance", "i-1"}}}).ok());
  ContainerCreateSpec spec;
  spec.image = "busybox";
  ASSERT_TRUE(docker.connect_network("ecslocal-vpc-c", docker.create_container(spec).value()).ok());
  EXPECT_TRUE(networks.remove_if_unused("ecslocal-vpc-a", ours));
  EXPECT_FALSE(docker.inspect_network("ecslocal-vpc-a").ok());
  EXPECT_FALSE(networks.remove_if_unused("ecslocal-vpc-b", ours));  // another instance's
  EXPECT_TRUE(docker.inspect_network("ecslocal-vpc-b").ok());
  EXPECT_FALSE(networks.remove_if_unused("ecslocal-vpc-c", ours));  // in use
  EXPECT_TRUE(docker.inspect_network("ecslocal-vpc-c").ok());
  EXPECT_TRUE(networks.remove_if_unused("ecslocal-vpc-never", ours));  // nothing to remove
}

TEST(DockerNetworks, TheNextFreeAddressSkipsHeldReservedAndTriedOnes) {
  testing::FakeDockerClient docker;
  docker.add_image("busybox");
  DockerNetworks networks(docker);
  ASSERT_TRUE(networks.ensure({"vpc-n", "10.9.0.0/28", "10.9.0.1", {}}).ok());
  ContainerCreateSpec spec;
  spec.image = "busybox";
  // Another process's container holds .11.
  ASSERT_TRUE(docker.connect_network("vpc-n", docker.create_container(spec).value(), EndpointSpec{"vpc-n", "10.9.0.11", {}}).ok());
  EXPECT_EQ(networks.next_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", "10.9.0.10", {"10.9.0.10"}), "10.9.0.12");
  EXPECT_EQ(networks.next_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", "10.9.0.12", {"10.9.0.13"}), "10.9.0.14");
  // .14 is the last one handed out (.15 is the block's last): it wraps to .4, past the reserved ones.
  EXPECT_EQ(networks.next_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", "10.9.0.14", {}), "10.9.0.4");
  std::set<std::string> all;
  for (int host = 4; host <= 14; ++host) all.insert("10.9.0." + std::to_string(host));
  EXPECT_EQ(networks.next_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", "10.9.0.5", all), std::nullopt);
  EXPECT_EQ(networks.next_free_address("vpc-missing", "10.9.0.0/28", "", "10.9.0.5", {}), std::nullopt);
  EXPECT_EQ(networks.next_free_address("vpc-n", "not-a-cidr", "", "10.9.0.5", {}), std::nullopt);
}

TEST(DockerNetworks, TheHighestFreeAddressCountsDownFromTheBlocksLastUsableOne) {
  testing::FakeDockerClient docker;
  docker.add_image("busybox");
  DockerNetworks networks(docker);
  ASSERT_TRUE(networks.ensure({"vpc-n", "10.9.0.0/28", "10.9.0.1", {}}).ok());
  ContainerCreateSpec spec;
  spec.image = "busybox";
  ASSERT_TRUE(docker.connect_network("vpc-n", docker.create_container(spec).value(), EndpointSpec{"vpc-n", "10.9.0.14", {}}).ok());
  EXPECT_EQ(networks.highest_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", {}), "10.9.0.13");
  EXPECT_EQ(networks.highest_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", {"10.9.0.13"}), "10.9.0.12");
  std::set<std::string> all;
  for (int host = 4; host <= 13; ++host) all.insert("10.9.0." + std::to_string(host));
  EXPECT_EQ(networks.highest_free_address("vpc-n", "10.9.0.0/28", "10.9.0.1", all), std::nullopt);
}

}  // namespace
}  // namespace ecslocal::runtime
