// PausePool on the fake: warm containers modelled on a task's pause container, at addresses from
// the top of the subnet; a take of the same shape gets one, another shape none; a drain removes
// them; a TaskRunner with a pool hands the next launch a warm container, and stop_all removes it.
#include "runtime/task/pause_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>

#include "runtime/labels.hpp"
#include "tests/unit/runtime/task_runner_fixture.hpp"

namespace ecslocal::runtime::test {
namespace {

using Kind = TaskEvent::Kind;

std::string label_of(const Labels& labels, std::string_view key) {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? std::string() : it->second;
}

ContainerCreateSpec pause_for(const std::string& ip) {
  ContainerCreateSpec pause;
  pause.image = pause_ref;
  pause.network_mode = "vpc-p";
  pause.endpoint = EndpointSpec{"vpc-p", ip, {}};
  std::string dashed = ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  pause.hostname = "ip-" + dashed + ".ec2.internal";
  pause.extra_hosts = {"ip-" + dashed + ":" + ip};
  pause.dns = {"10.9.0.2"};
  return pause;
}

std::vector<std::string> warm_ids(testing::FakeDockerClient& docker) {
  ContainerListQuery query;
  query.labels = {std::string(labels::role) + "=pause-pool"};
  std::vector<std::string> out;
  auto listed = docker.list_containers(query);
  EXPECT_TRUE(listed.ok());
  if (listed)
    for (const auto& c : *listed) out.push_back(c.id);
  return out;
}

struct PoolFixture {
  PoolFixture() : networks(docker), pool(docker, networks, 2, {{"ecslocal.managed", "true"}}, [](const std::string&) {}) {
    docker.add_image(pause_ref);
    EXPECT_TRUE(networks.ensure({"vpc-p", "10.9.0.0/28", "10.9.0.1", {}}).ok());
  }
  testing::FakeDockerClient docker;
  DockerNetworks networks;
  PausePool pool;
};

TEST(PausePool, FillsFromTheTopOfTheSubnetModelledOnTheTask) {
  PoolFixture f;
  f.pool.fill(pause_for("10.9.0.4"), "10.9.0.0/28", "10.9.0.1");
  ASSERT_EQ(f.pool.size(), 2u);
  std::set<std::string> addresses;
  for (const auto& id : warm_ids(f.docker)) {
    auto warm = f.docker.container(id);
    ASSERT_TRUE(warm);
    ASSERT_TRUE(warm->spec.endpoint);
    const std::string address = warm->spec.endpoint->ipv4_address;
    addresses.insert(address);
    std::string dashed = address;
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    EXPECT_EQ(warm->spec.hostname, "ip-" + dashed + ".ec2.internal");
    EXPECT_EQ(warm->spec.extra_hosts, std::vector<std::string>{"ip-" + dashed + ":" + address});
    EXPECT_EQ(warm->spec.dns, std::vector<std::string>{"10.9.0.2"});
    EXPECT_EQ(label_of(warm->spec.labels, labels::role), "pause-pool");
    EXPECT_EQ(label_of(warm->spec.labels, labels::managed), "true");
    EXPECT_TRUE(warm->info.running);
  }
  EXPECT_EQ(addresses, (std::set<std::string>{"10.9.0.14", "10.9.0.13"})) << ".15 is the block's last: never taken";
  f.pool.fill(pause_for("10.9.0.5"), "10.9.0.0/28", "10.9.0.1");
  EXPECT_EQ(f.pool.size(), 2u) << "already full";
}

TEST(PausePool, ATakeOfTheSameShapeGetsARunningOneAndOtherShapesNone) {
  PoolFixture f;
  f.pool.fill(pause_for("10.9.0.4"), "10.9.0.0/28", "10.9.0.1");
  auto other = pause_for("10.9.0.6");
  other.dns = {"1.1.1.1"};
  EXPECT_FALSE(f.pool.take(other, "10.9.0.0/28")) << "another DNS: not this pool's shape";
  auto published = pause_for("10.9.0.6");
  published.port_bindings.push_back(PortBinding{80, "tcp", "127.0.0.1", 80});
  EXPECT_FALSE(PausePool::eligible(published));
  EXPECT_FALSE(f.pool.take(published, "10.9.0.0/28"));
  auto warm = f.pool.take(pause_for("10.9.0.6"), "10.9.0.0/28");
  ASSERT_TRUE(warm);
  EXPECT_TRUE(warm->ipv4_address == "10.9.0.14" || warm->ipv4_address == "10.9.0.13") << warm->ipv4_address;
  EXPECT_FALSE(warm->mac_address.empty());
  EXPECT_EQ(f.pool.size(), 1u);
  // One that died while it waited is not handed out.
  for (const auto& id : warm_ids(f.docker)) {
    if (id != warm->id) {
      ASSERT_TRUE(f.docker.kill_container(id).ok());
    }
  }
  EXPECT_FALSE(f.pool.take(pause_for("10.9.0.6"), "10.9.0.0/28"));
  EXPECT_EQ(f.pool.size(), 0u);
}

TEST(PausePool, DrainRemovesThemAndACloseStopsFills) {
  PoolFixture f;
  f.pool.fill(pause_for("10.9.0.4"), "10.9.0.0/28", "10.9.0.1");
  EXPECT_EQ(f.pool.drain("vpc-other"), 0u);
  EXPECT_EQ(f.pool.drain(), 2u);
  EXPECT_EQ(f.docker.container_count(), 0u);
  f.pool.close();
  f.pool.fill(pause_for("10.9.0.4"), "10.9.0.0/28", "10.9.0.1");
  EXPECT_EQ(f.docker.container_count(), 0u);
}

TEST(PausePool, ADisabledPoolMakesNothing) {
  testing::FakeDockerClient docker;
  DockerNetworks networks(docker);
  PausePool pool(docker, networks, 0, {}, [](const std::string&) {});
  pool.fill(pause_for("10.9.0.4"), "10.9.0.0/28", "10.9.0.1");
  EXPECT_EQ(docker.container_count(), 0u);
  EXPECT_FALSE(pool.take(pause_for("10.9.0.4"), "10.9.0.0/28"));
}

TEST(TaskRunnerPausePool, TheNextLaunchTakesAWarmPauseContainerAndStopAllRemovesThePool) {
  auto options = RunnerFixture::defaults();
  options.pause_pool = 1;
  RunnerFixture f(options);
  auto first = task("t1", {container("app")});
  first.network.subnet_cidr = "172.31.16.0/20";
  f.runner.launch(first);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  ASSERT_TRUE(f.log.wait_for([&](const auto&) { return f.runner.warm_pause_containers() == 1; }));
  auto second = task("t2", {container("app")});
  second.network.ipv4_address = "172.31.0.11";
  second.network.hostname = "ip-172-31-0-11.ec2.internal";
  second.network.subnet_cidr = "172.31.16.0/20";
  f.runner.launch(second);
  ASSERT_TRUE(f.log.wait_kind("t2", Kind::ContainerStarted));
  auto ready = f.log.find("t2", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->ipv4_address, "172.31.31.254") << "the warm container's address, from the top of the task's subnet";
  auto pause = f.docker.container(ready->runtime_id);
  ASSERT_TRUE(pause);
  EXPECT_EQ(label_of(pause->spec.labels, labels::role), "pause-pool");
  EXPECT_EQ(pause->spec.hostname, "ip-172-31-31-254.ec2.internal");
  auto app = f.docker.container(f.docker.id_of("app"));
  ASSERT_TRUE(app);
  // A refill follows the take; then everything goes with stop_all.
  ASSERT_TRUE(f.log.wait_for([&](const auto&) { return f.runner.warm_pause_containers() == 1; }));
  std::promise<void> stopped;
  f.runner.stop_all([&] { stopped.set_value(); });
  ASSERT_EQ(stopped.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.runner.warm_pause_containers(), 0u);
  EXPECT_EQ(f.docker.container_count(), 0u) << "the tasks' containers and the warm ones are gone";
}

}  // namespace
}  // namespace ecslocal::runtime::test
