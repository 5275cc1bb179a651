// Networks as awsvpc needs them: a bridge network with a subnet, a container at a fixed address,
// a second network joined later, and a container sharing another's namespace over localhost.
#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;

std::string address_in(const std::string& subnet, int host) {
  return subnet.substr(0, subnet.rfind(".0/")) + "." + std::to_string(host);
}

TEST_F(DockerTest, BridgeNetworkWithAFixedAddress) {
  std::string subnet, gateway;
  auto network = create_network(&subnet, &gateway);
  ASSERT_FALSE(network.empty());
  auto info = docker().inspect_network(network);
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_EQ(info->driver, "bridge");
  EXPECT_EQ(info->subnets, std::vector<std::string>{subnet});
  EXPECT_EQ(info->gateways, std::vector<std::string>{gateway});
  EXPECT_EQ(info->labels.at("ecslocal.managed"), "true");

  auto spec = container_spec({"sleep", "300"});
  spec.network_mode = info->name;
  spec.endpoint = runtime::EndpointSpec{info->name, address_in(subnet, 10), {"web"}};
  spec.hostname = "ip-10-213-0-10";
  spec.dns = {"10.213.0.2"};
  spec.extra_hosts = {"db.internal:10.213.0.99"};
  auto id = create_and_start(spec);
  auto c = docker().inspect_container(id);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  ASSERT_EQ(c->networks.count(info->name), 1u);
  const auto& endpoint = c->networks.at(info->name);
  EXPECT_EQ(endpoint.ipv4_address, address_in(subnet, 10));
  EXPECT_EQ(endpoint.ipv4_prefix_len, 24);
  EXPECT_EQ(endpoint.gateway, gateway);
  EXPECT_EQ(endpoint.network_id, network);
  EXPECT_EQ(c->mac_address.size(), 17u) << c->mac_address;
  EXPECT_EQ(c->mac_address, endpoint.mac_address);

  auto members = docker().inspect_network(network);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->containers.count(id), 1u);
  EXPECT_EQ(members->containers.at(id).ipv4_address, address_in(subnet, 10));

  auto listed = docker().list_networks({runtime::labels::filter(runtime::labels::test, docker_availability().run_label)});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);

  // Taken address: Docker refuses a second container there.
  auto clash = container_spec({"sleep", "300"});
  clash.network_mode = info->name;
  clash.endpoint = runtime::EndpointSpec{info->name, address_in(subnet, 10), {}};
  auto clash_id = create(clash);
  auto clash_start = docker().start_container(clash_id);
  EXPECT_FALSE(clash_start.ok()) << "two containers started at " << address_in(subnet, 10);

  // A network with containers cannot go; once they are gone it can.
  auto busy = docker().remove_network(network);
  EXPECT_FALSE(busy.ok());
}

TEST_F(DockerTest, ConnectsASecondNetworkAtAFixedAddress) {
  std::string subnet_a, subnet_b;
  auto a = create_network(&subnet_a);
  auto b = create_network(&subnet_b);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  auto name_b = docker().inspect_network(b)->name;
  auto spec = container_spec({"sleep", "300"});
  spec.network_mode = docker().inspect_network(a)->name;
  auto id = create_and_start(spec);
  auto connected = docker().connect_network(b, id, runtime::EndpointSpec{"", address_in(subnet_b, 20), {}});
  ASSERT_TRUE(connected.ok()) << connected.error().describe();
  auto c = docker().inspect_container(id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->networks.size(), 2u);
  EXPECT_EQ(c->networks.at(name_b).ipv4_address, address_in(subnet_b, 20));
  auto missing = docker().connect_network(b, "ecslocal-test-no-such-container", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, runtime::DockerErrorKind::not_found);
}

TEST_F(DockerTest, ASecondContainerJoinsTheFirstsNamespaceAndReachesItOnLocalhost) {
  std::string subnet;
  auto network = create_network(&subnet);
  ASSERT_FALSE(network.empty());
  auto net_name = docker().inspect_network(network)->name;

  // The "pause" side: owns the namespace, serves a page on 8080.
  auto owner_spec = container_spec(
      {"sh", "-c", "mkdir -p /tmp/www && echo ecslocal-shared-ns > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"});
  owner_spec.network_mode = net_name;
  owner_spec.endpoint = runtime::EndpointSpec{net_name, address_in(subnet, 30), {}};
  auto owner = create_and_start(owner_spec);
  ASSERT_FALSE(owner.empty());

  // The task container: no network of its own, reaches the page over 127.0.0.1 (retries while
  // httpd comes up).
  auto client_spec = container_spec(
      {"sh", "-c", "for i in $(seq 1 50); do wget -q -O- http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1"});
  client_spec.network_mode = "container:" + owner;
  auto client = create_and_start(client_spec);
  auto done = wait_exit(client, 30s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->network_mode, "container:" + owner);
  auto lines = log_lines(client);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "out:ecslocal-shared-ns"), lines.end()) << ::testing::PrintToString(lines);
}

}  // namespace
}  // namespace ecslocal::testing
