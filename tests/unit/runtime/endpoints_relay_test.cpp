// The task endpoints network and relay on the fake daemon: made at the first launch (internal
// 169.254.170.0/24, the relay at .2 running `pause --relay` with the socket folder mounted,
// shared labels), every pause container connected to it, its address reported with NetworkReady,
// and both removed at shutdown once no task is left on the network.
#include "tests/unit/runtime/task_runner_fixture.hpp"

namespace ecslocal::runtime::test {
namespace {

using Kind = TaskEvent::Kind;

TaskRunnerOptions with_endpoints() {
  TaskRunnerOptions options = RunnerFixture::defaults();
  options.endpoints_socket_dir = "/tmp/ecslocal-endpoints-unit";
  return options;
}

std::string label(const Labels& of, std::string_view key) {
  auto it = of.find(std::string(key));
  return it == of.end() ? std::string() : it->second;
}

// Another ecslocal's shutdown removes the relay between this one's create and start (a created
// relay is on no member list yet): it is made again and the task starts.
TEST(EndpointsRelay, ARelayRemovedBeforeItsStartIsMadeAgain) {
  struct RemovingDocker : ScriptedDocker {
    DockerStatus start_container(const std::string& id) override {
      auto c = container(id);
      if (c && c->spec.name == endpoints_container && !removed_once.exchange(true)) {
        remove_container(id, RemoveOptions{true, true});
        return DockerError{DockerErrorKind::not_found, 404, "No such container: " + std::string(endpoints_container)};
      }
      return ScriptedDocker::start_container(id);
    }
    std::atomic<bool> removed_once{false};
  };
  RemovingDocker docker;
  EventLog log;
  TaskRunner runner(docker, with_endpoints());
  runner.set_event_sink(log.sink());
  runner.start();
  runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(log.wait_container("t1", Kind::ContainerStarted, "app")) << "the launch failed";
  EXPECT_TRUE(docker.removed_once);
  auto relay = docker.inspect_container(endpoints_container);
  ASSERT_TRUE(relay);
  EXPECT_TRUE(relay->running);
  runner.shutdown(true);
}

// Another ecslocal's shutdown is force-removing the relay as this one starts it: Docker refuses
// the start ("marked for removal", a conflict) and shows it as removing for a while before it is
// gone. The launch waits for it to go, makes it again, and the task starts.
TEST(EndpointsRelay, ARelayBeingRemovedElsewhereIsWaitedForAndMadeAgain) {
  struct RemovalInProgressDocker : ScriptedDocker {
    DockerStatus start_container(const std::string& id) override {
      auto c = container(id);
      if (c && c->spec.name == endpoints_container && !refused_once.exchange(true)) {
        looks_left = 3;  // the next few looks see it removing, then it is gone
        return DockerError{DockerErrorKind::conflict, 409, "container is marked for removal and cannot be started"};
      }
      return ScriptedDocker::start_container(id);
    }
    DockerResult<ContainerInfo> inspect_container(const std::string& id) override {
      auto info = ScriptedDocker::inspect_container(id);
      if (!info || info->name != endpoints_container || looks_left == 0) return info;
      if (--looks_left == 0) {
        ScriptedDocker::remove_container(info->id, RemoveOptions{true, true});
        return ScriptedDocker::inspect_container(id);
      }
      info->status = "removing";
      info->running = false;
      return info;
    }
    std::atomic<bool> refused_once{false};
    std::atomic<int> looks_left{0};
  };
  RemovalInProgressDocker docker;
  EventLog log;
  TaskRunner runner(docker, with_endpoints());
  runner.set_event_sink(log.sink());
  runner.start();
  runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(log.wait_container("t1", Kind::ContainerStarted, "app")) << "the launch failed";
  EXPECT_TRUE(docker.refused_once);
  EXPECT_EQ(docker.looks_left, 0);
  auto relay = docker.inspect_container(endpoints_container);
  ASSERT_TRUE(relay);
  EXPECT_TRUE(relay->running);
  runner.shutdown(true);
}

TEST(EndpointsRelay, TheFirstLaunchMakesTheNetworkAndTheRelayAndConnectsThePause) {
  RunnerFixture f(with_endpoints());
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  auto network = f.docker.inspect_network(endpoints_network);
  ASSERT_TRUE(network);
  EXPECT_TRUE(network->internal);
  EXPECT_EQ(network->subnets, std::vector<std::string>{"169.254.170.0/24"});
  EXPECT_EQ(label(network->labels, labels::shared), "true");
  EXPECT_EQ(label(network->labels, labels::instance), "");
  auto relay = f.docker.inspect_container(endpoints_container);
  ASSERT_TRUE(relay);
  EXPECT_TRUE(relay->running);
  auto created = f.docker.container(relay->id);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->spec.image, pause_ref);
  EXPECT_EQ(created->spec.cmd, (std::vector<std::string>{"/pause", "--relay", endpoints_mount}));
  ASSERT_TRUE(created->spec.endpoint);
  EXPECT_EQ(created->spec.endpoint->ipv4_address, "169.254.170.2");
  ASSERT_EQ(created->spec.mounts.size(), 1u);
  EXPECT_EQ(created->spec.mounts[0].source, "/tmp/ecslocal-endpoints-unit");
  EXPECT_EQ(created->spec.mounts[0].target, endpoints_mount);
  EXPECT_EQ(label(created->spec.labels, labels::role), "endpoints");
  EXPECT_EQ(label(created->spec.labels, labels::shared), "true");
  EXPECT_EQ(label(created->spec.labels, labels::endpoints_dir), "/tmp/ecslocal-endpoints-unit");
  // The pause container: the VPC network first, the endpoints network beside it.
  auto pause = f.docker.inspect_container(f.docker.id_of("pause"));
  ASSERT_TRUE(pause);
  EXPECT_TRUE(pause->networks.count("ecslocal-unit-vpc"));
  EXPECT_TRUE(pause->networks.count(endpoints_network));
  auto ready = f.log.find("t1", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->ipv4_address, "172.31.0.10");
  EXPECT_EQ(ready->endpoints_address, pause->networks.at(endpoints_network).ipv4_address);

  // A second task reuses both.
  f.runner.launch(task("t2", {container("app")}));
  ASSERT_TRUE(f.log.wait_container("t2", Kind::ContainerStarted, "app"));
  EXPECT_EQ(f.docker.inspect_container(endpoints_container)->id, relay->id);

  f.runner.shutdown(true);
  EXPECT_FALSE(f.docker.inspect_container(endpoints_container));
  EXPECT_FALSE(f.docker.inspect_network(endpoints_network));
}

// The pause container joins the endpoints network once it runs: an interface joined to a running
// container is named after the ones it has, so the task's network stays task_network_interface.
TEST(EndpointsRelay, APauseContainerJoinsTheNetworkOnlyOnceItRuns) {
  struct RecordingDocker : ScriptedDocker {
    DockerStatus connect_network(const std::string& network, const std::string& id,
                                 const EndpointSpec& endpoint) override {
      auto c = container(id);
      std::lock_guard lock(mutex);
      running_at_connect.push_back(c && c->info.running);
      return ScriptedDocker::connect_network(network, id, endpoint);
    }
    std::mutex mutex;
    std::vector<bool> running_at_connect;
  };
  RecordingDocker docker;
  EventLog log;
  TaskRunner runner(docker, with_endpoints());
  runner.set_event_sink(log.sink());
  runner.start();
  runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(log.wait_container("t1", Kind::ContainerStarted, "app"));
  {
    std::lock_guard lock(docker.mutex);
    EXPECT_EQ(docker.running_at_connect, std::vector<bool>{true});
  }
  auto pause = docker.inspect_container(docker.id_of("pause"));
  ASSERT_TRUE(pause);
  EXPECT_TRUE(pause->networks.count(endpoints_network));
  auto ready = log.find("t1", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->endpoints_address, pause->networks.at(endpoints_network).ipv4_address);
  runner.shutdown(true);
}

// A failed join fails the launch with the reason, and the started pause container goes.
TEST(EndpointsRelay, AFailedJoinFailsTheLaunchAndRemovesThePauseContainer) {
  RunnerFixture f(with_endpoints());
  f.docker.fail_next(DockerOp::connect_network, DockerError{DockerErrorKind::server, 500, "no more interfaces"}, 10);
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskFailed));
  auto failed = f.log.find("t1", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->reason.find("cannot connect the task to the task metadata endpoint"), std::string::npos)
      << failed->reason;
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_FALSE(f.log.find("t1", Kind::ContainerStarted));
  EXPECT_TRUE(f.log.wait_for([&](const auto&) { return f.docker.id_of("pause").empty(); }));
  f.runner.shutdown(true);
}

TEST(EndpointsRelay, AStoppedRelayIsReplacedAndWithoutTheFolderNothingIsMade) {
  {
    RunnerFixture f(with_endpoints());
    f.runner.launch(task("t1", {container("app")}));
    ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
    const std::string first = f.docker.inspect_container(endpoints_container)->id;
    ASSERT_TRUE(f.docker.stop_container(first, std::chrono::seconds(0)));
    f.runner.launch(task("t2", {container("app")}));
    ASSERT_TRUE(f.log.wait_container("t2", Kind::ContainerStarted, "app"));
    auto relay = f.docker.inspect_container(endpoints_container);
    ASSERT_TRUE(relay);
    EXPECT_NE(relay->id, first);
    EXPECT_TRUE(relay->running);
  }
  RunnerFixture plain;
  plain.runner.launch(task("t3", {container("app")}));
  ASSERT_TRUE(plain.log.wait_container("t3", Kind::ContainerStarted, "app"));
  EXPECT_FALSE(plain.docker.inspect_network(endpoints_network));
  EXPECT_FALSE(plain.docker.inspect_container(endpoints_container));
  EXPECT_TRUE(plain.log.find("t3", Kind::NetworkReady)->endpoints_address.empty());
}

TEST(EndpointsRelay, AWarmPauseContainerJoinsTheNetworkWhenATaskTakesIt) {
  auto options = with_endpoints();
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
  auto warm = f.docker.inspect_container(ready->runtime_id);
  ASSERT_TRUE(warm);
  EXPECT_EQ(label(warm->labels, labels::role), "pause-pool");
  ASSERT_TRUE(warm->networks.count(endpoints_network));
  EXPECT_EQ(ready->endpoints_address, warm->networks.at(endpoints_network).ipv4_address);
  f.runner.shutdown(true);
  EXPECT_FALSE(f.docker.inspect_container(endpoints_container));
}

TEST(EndpointsRelay, ARelayOfAnotherFolderFailsTheLaunchWithTheReason) {
  RunnerFixture f(with_endpoints());
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  TaskRunnerOptions other = with_endpoints();
  other.endpoints_socket_dir = "/tmp/elsewhere";
  TaskRunner second(f.docker, other);
  EventLog log;
  second.set_event_sink(log.sink());
  second.launch(task("t2", {container("app")}));
  ASSERT_TRUE(log.wait_kind("t2", Kind::TaskStopped));
  auto failed = log.find("t2", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->reason.find("give every ecslocal on the daemon the same --task-endpoints-dir"), std::string::npos)
      << failed->reason;
  EXPECT_EQ(failed->reason.rfind("ResourceInitializationError: cannot start the task metadata endpoint", 0), 0u);
  second.shutdown(true);
}

}  // namespace
}  // namespace ecslocal::runtime::test
