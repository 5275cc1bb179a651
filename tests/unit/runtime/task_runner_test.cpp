// TaskRunner against the fake Docker: the launch. Event order, what the pause container and the
// task containers are created with, dependsOn ordering (START, COMPLETE, SUCCESS, HEALTHY,
// startTimeout), pulls, and every failure path: TaskFailed with ECS's reason, then TaskStopped,
// nothing left behind.
#include <gtest/gtest.h>

#include <future>

#include "runtime/labels.hpp"
#include "tests/unit/runtime/task_runner_fixture.hpp"

namespace ecslocal::runtime::test {
namespace {

using Kind = TaskEvent::Kind;

std::string label(const Labels& of, std::string_view key) {
  auto it = of.find(std::string(key));
  return it == of.end() ? std::string() : it->second;
}

TEST(TaskRunner, LaunchReportsPullsNetworkAndStartInOrder) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  EXPECT_EQ(f.log.trace("t1"), "PullStarted PullStopped NetworkReady ContainerStarted:app");
  auto ready = f.log.find("t1", Kind::NetworkReady);
  EXPECT_EQ(ready->ipv4_address, "172.31.0.10");
  EXPECT_FALSE(ready->mac_address.empty());
  EXPECT_EQ(ready->runtime_id, f.docker.id_of("pause"));
  auto started = f.log.find("t1", Kind::ContainerStarted);
  EXPECT_EQ(started->runtime_id, f.docker.id_of("app"));
  EXPECT_EQ(started->image_digest.rfind("sha256:", 0), 0u);  // no repo digest: the image id
}

TEST(TaskRunner, PauseContainerOwnsTheNetworkSettings) {
  RunnerFixture f;
  auto spec = task("t1", {container("app")});
  spec.network.dns = {"10.0.0.2"};
  spec.network.extra_hosts = {"ip-172-31-0-10:172.31.0.10"};
  spec.network.publish_ip = "127.0.100.7";
  spec.network.published_ports = {PortBinding{8080, "tcp", "", 0}, PortBinding{53, "udp", "", 5353}};
  f.runner.launch(spec);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  auto pause = f.docker.container(f.docker.id_of("pause"));
  ASSERT_TRUE(pause);
  EXPECT_EQ(pause->spec.image, pause_ref);
  EXPECT_EQ(pause->spec.network_mode, "ecslocal-unit-vpc");
  ASSERT_TRUE(pause->spec.endpoint);
  EXPECT_EQ(pause->spec.endpoint->ipv4_address, "172.31.0.10");
  EXPECT_EQ(pause->spec.hostname, "ip-172-31-0-10.ec2.internal");
  EXPECT_EQ(pause->spec.dns, spec.network.dns);
  EXPECT_EQ(pause->spec.extra_hosts, spec.network.extra_hosts);
  ASSERT_EQ(pause->spec.port_bindings.size(), 2u);
  EXPECT_EQ(pause->spec.port_bindings[0].host_ip, "127.0.100.7");
  EXPECT_EQ(pause->spec.port_bindings[0].host_port, 8080);  // awsvpc: hostPort = containerPort
  EXPECT_EQ(pause->spec.port_bindings[1].host_port, 5353);
  EXPECT_EQ(pause->spec.port_bindings[1].protocol, "udp");
  EXPECT_EQ(label(pause->spec.labels, labels::managed), "true");
  EXPECT_EQ(label(pause->spec.labels, labels::role), "pause");
  EXPECT_EQ(label(pause->spec.labels, labels::task_arn), "t1");
}

TEST(TaskRunner, TaskContainersJoinThePauseNamespaceWithoutNetworkSettings) {
  RunnerFixture f;
  auto app = container("app");
  app.create.hostname = "mine";
  app.create.dns = {"1.1.1.1"};
  app.create.port_bindings = {PortBinding{80, "tcp", "", 80}};
  app.create.labels = {{"user.label", "x"}};
  f.runner.launch(task("t1", {app}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  auto created = f.docker.container(f.docker.id_of("app"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->spec.network_mode, "container:" + f.docker.id_of("pause"));
  EXPECT_TRUE(created->spec.hostname.empty());
  EXPECT_TRUE(created->spec.dns.empty());
  EXPECT_TRUE(created->spec.port_bindings.empty());
  EXPECT_FALSE(created->spec.endpoint);
  EXPECT_EQ(label(created->spec.labels, "user.label"), "x");
  EXPECT_EQ(label(created->spec.labels, labels::managed), "true");
  EXPECT_EQ(label(created->spec.labels, labels::role), "container");
  EXPECT_EQ(label(created->spec.labels, labels::container), "app");
  EXPECT_EQ(label(created->spec.labels, labels::task_arn), "t1");
  EXPECT_NE(created->info.name.find("-app"), std::string::npos);
}

// container_stats: Docker's document of each container asked for, in the order asked, the task's
// containers marked with the interface of the task's network; an unknown or stopped one says why.
TEST(TaskRunner, ContainerStatsAreDockersDocumentsInTheOrderAsked) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app"), container("side")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  const std::string app = f.docker.id_of("app"), side = f.docker.id_of("side");
  f.docker.simulate_exit(side, 0);
  std::promise<std::vector<ContainerStatsReading>> promise;
  f.runner.container_stats({app, "0123456789ab", side},
                           [&](std::vector<ContainerStatsReading> readings) { promise.set_value(std::move(readings)); });
  auto future = promise.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto readings = future.get();
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].id, app);
  ASSERT_TRUE(readings[0].ok) << readings[0].error;
  auto doc = nlohmann::json::parse(readings[0].document);
  EXPECT_EQ(doc["id"], app);
  EXPECT_EQ(doc["memory_stats"]["usage"], 4096);
  EXPECT_EQ(readings[0].task_interface, "eth0");
  EXPECT_EQ(readings[1].id, "0123456789ab");
  EXPECT_FALSE(readings[1].ok);
  EXPECT_NE(readings[1].error.find("No such container"), std::string::npos) << readings[1].error;
  EXPECT_EQ(readings[1].task_interface, "");  // not one of this runner's
  EXPECT_EQ(readings[2].id, side);
  EXPECT_FALSE(readings[2].ok);
  EXPECT_NE(readings[2].error.find("not running"), std::string::npos) << readings[2].error;
  f.runner.shutdown(true);
}

// Docker takes up to a second for a one-shot sample: a task's containers are read side by side.
TEST(TaskRunner, ContainerStatsReadTheContainersAtOnce) {
  struct SlowStats : ScriptedDocker {
    DockerResult<std::string> container_stats(const std::string& id) override {
      std::this_thread::sleep_for(300ms);
      return ScriptedDocker::container_stats(id);
    }
  };
  SlowStats docker;
  TaskRunner runner(docker, RunnerFixture::defaults());
  EventLog log;
  runner.set_event_sink(log.sink());
  runner.start();
  runner.launch(task("t1", {container("a"), container("b"), container("c")}));
  ASSERT_TRUE(log.wait_container("t1", Kind::ContainerStarted, "c"));
  std::promise<std::vector<ContainerStatsReading>> promise;
  const auto began = std::chrono::steady_clock::now();
  runner.container_stats({docker.id_of("a"), docker.id_of("b"), docker.id_of("c")},
                         [&](std::vector<ContainerStatsReading> readings) { promise.set_value(std::move(readings)); });
  auto readings = promise.get_future().get();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 800ms);
  ASSERT_EQ(readings.size(), 3u);
  for (const auto& r : readings) EXPECT_TRUE(r.ok) << r.id << ": " << r.error;
  EXPECT_EQ(readings[2].id, docker.id_of("c"));
  // Nothing asked: `done` all the same, with nothing.
  std::promise<std::size_t> none;
  runner.container_stats({}, [&](std::vector<ContainerStatsReading> r) { none.set_value(r.size()); });
  EXPECT_EQ(none.get_future().get(), 0u);
  runner.shutdown(true);
}

TEST(TaskRunner, NetworkIsCreatedOnceWithItsLabelsAndShared) {
  RunnerFixture f;
  auto first = task("t1", {container("app")});
  first.network.network_labels = {{std::string(labels::vpc), "vpc-1"}};
  auto second = task("t2", {container("app")});
  second.network.ipv4_address = "172.31.0.11";
  f.runner.launch(first);
  f.runner.launch(second);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  ASSERT_TRUE(f.log.wait_kind("t2", Kind::ContainerStarted));
  auto networks = f.docker.networks();
  ASSERT_EQ(networks.size(), 1u);
  EXPECT_EQ(networks[0].name, "ecslocal-unit-vpc");
  EXPECT_EQ(networks[0].subnets, std::vector<std::string>{"172.31.0.0/16"});
  EXPECT_EQ(label(networks[0].labels, labels::managed), "true");
  EXPECT_EQ(f.docker.count(DockerOp::create_network), 1);
}

TEST(TaskRunner, StartsContainersInDependsOnOrder) {
  RunnerFixture f;
  auto init = container("init");
  auto db = container("db", {{"init", DependencyCondition::Success}});
  auto app = container("app", {{"db", DependencyCondition::Start}});
  auto side = container("side", {{"init", DependencyCondition::Complete}});
  f.runner.launch(task("t1", {app, side, db, init}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "init"));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(f.docker.id_of("db"), "");  // held back until init succeeded
  EXPECT_EQ(f.docker.id_of("side"), "");
  f.docker.simulate_exit(f.docker.id_of("init"), 0);
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  auto trace = f.log.trace("t1");
  EXPECT_LT(trace.find("ContainerStopped:init"), trace.find("ContainerStarted:db")) << trace;
  EXPECT_LT(trace.find("ContainerStarted:db"), trace.find("ContainerStarted:app")) << trace;
  EXPECT_EQ(f.log.count("t1", Kind::TaskFailed), 0);
}

TEST(TaskRunner, SuccessDependencyExitingNonZeroFailsTheTask) {
  RunnerFixture f;
  auto init = container("init");
  auto app = container("app", {{"init", DependencyCondition::Success}});
  f.runner.launch(task("t1", {init, app}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "init"));
  f.docker.simulate_exit(f.docker.id_of("init"), 3);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  auto failed = f.log.find("t1", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason, "CannotStartContainerError: dependency init exited with code 3");
  EXPECT_EQ(failed->container, "app");
  EXPECT_EQ(f.log.trace("t1"),
            "PullStarted PullStopped NetworkReady ContainerStarted:init ContainerStopped:init TaskFailed:app "
            "TaskStopped");
  f.runner.drain_events();
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunner, HealthyDependencyHoldsBackTheDependent) {
  RunnerFixture f;
  auto db = container("db");
  db.create.health_check = health_check();
  auto app = container("app", {{"db", DependencyCondition::Healthy}});
  f.runner.launch(task("t1", {app, db}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "db"));
  f.docker.set_health(f.docker.id_of("db"), "starting");
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerHealth, "db"));
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(f.docker.id_of("app"), "");
  f.docker.set_health(f.docker.id_of("db"), "healthy");
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  auto events = f.log.of("t1");
  auto health = std::find_if(events.rbegin(), events.rend(), [](auto& e) { return e.kind == Kind::ContainerHealth; });
  EXPECT_EQ(health->health, "healthy");
}

TEST(TaskRunner, UnhealthyDependencyFailsTheTask) {
  RunnerFixture f;
  auto db = container("db");
  db.create.health_check = health_check();
  auto app = container("app", {{"db", DependencyCondition::Healthy}});
  f.runner.launch(task("t1", {db, app}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "db"));
  f.docker.set_health(f.docker.id_of("db"), "unhealthy");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason, "CannotStartContainerError: dependency db is UNHEALTHY");
}

TEST(TaskRunner, HealthyDependencyWithoutAHealthCheckCanNeverStart) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("db"), container("app", {{"db", DependencyCondition::Healthy}})}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason,
            "CannotStartContainerError: dependency db has no health check, so it can never be HEALTHY");
}

TEST(TaskRunner, StartTimeoutBoundsTheWaitForADependency) {
  RunnerFixture f;
  auto db = container("db");
  db.start_timeout_s = 1;
  auto app = container("app", {{"db", DependencyCondition::Complete}});
  auto started = std::chrono::steady_clock::now();
  f.runner.launch(task("t1", {db, app}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped, 5s));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason,
            "CannotStartContainerError: dependency db did not reach COMPLETE within 1 seconds (startTimeout)");
}

TEST(TaskRunner, ADependencyExitMissedByTheEventsIsFoundByPolling) {
  RunnerFixture f;
  f.docker.mute("init");
  auto app = container("app", {{"init", DependencyCondition::Success}});
  f.runner.launch(task("t1", {container("init"), app}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "init"));
  f.docker.simulate_exit(f.docker.id_of("init"), 0);
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app", 2s));
}

TEST(TaskRunner, InvalidDependenciesFailBeforeAnythingIsCreated) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app", {{"nope", DependencyCondition::Start}})}));
  f.runner.launch(task("t2", {container("a", {{"b", DependencyCondition::Start}}),
                              container("b", {{"a", DependencyCondition::Start}})}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  ASSERT_TRUE(f.log.wait_kind("t2", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason,
            "CannotStartContainerError: container app depends on unknown container nope");
  EXPECT_NE(f.log.find("t2", Kind::TaskFailed)->reason.find("dependency cycle"), std::string::npos);
  EXPECT_EQ(f.docker.count(DockerOp::create_container), 0);
}

TEST(TaskRunner, MissingImageIsPulled) {
  RunnerFixture f;
  f.docker.make_pullable("registry.example/team/app:1");
  auto app = container("app");
  app.create.image = "registry.example/team/app:1";
  f.runner.launch(task("t1", {app, container("side")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  EXPECT_EQ(f.docker.count(DockerOp::pull_image), 1);  // busybox was there already
  auto trace = f.log.trace("t1");
  EXPECT_EQ(trace.find("PullStarted PullStopped NetworkReady"), 0u) << trace;
}

TEST(TaskRunner, FailedPullFailsTheTaskWithDockersMessage) {
  RunnerFixture f;
  auto app = container("app");
  app.create.image = "registry.example/missing:1";
  f.runner.launch(task("t1", {container("side"), app}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  auto failed = f.log.find("t1", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason,
            "CannotPullContainerError: Get \"https://registry.example/v2/\": dial tcp: lookup registry.example: no "
            "such host");
  EXPECT_EQ(failed->container, "app");
  EXPECT_EQ(f.log.trace("t1"), "PullStarted TaskFailed:app TaskStopped");
  EXPECT_EQ(f.docker.count(DockerOp::create_container), 0);
}

TEST(TaskRunner, PauseContainerFailuresAreResourceInitializationErrors) {
  RunnerFixture f;
  f.docker.fail_create_of("pause", DockerError{DockerErrorKind::server, 500, "no space left on device"});
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason,
            "ResourceInitializationError: cannot create the task's network container: no space left on device");

  // (A start refused for "Address already in use" is retried at the next free address instead.)
  const std::string refused = "driver failed programming external connectivity on endpoint: port is already allocated";
  f.docker.fail_start_of("pause", DockerError{DockerErrorKind::server, 500, refused});
  f.runner.launch(task("t2", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t2", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t2", Kind::TaskFailed)->reason,
            "ResourceInitializationError: cannot start the task's network container: " + refused);
  EXPECT_EQ(f.log.trace("t2"), "PullStarted PullStopped TaskFailed TaskStopped");
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunner, CreateFailureOfATaskContainerFailsTheTaskAndCleansUp) {
  RunnerFixture f;
  f.docker.fail_create_of("app", DockerError{DockerErrorKind::bad_request, 400, "invalid mount config"});
  f.runner.launch(task("t1", {container("db"), container("app", {{"db", DependencyCondition::Start}})}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  auto failed = f.log.find("t1", Kind::TaskFailed);
  EXPECT_EQ(failed->reason, "CannotCreateContainerError: invalid mount config");
  EXPECT_EQ(failed->container, "app");
  // db had started: it is stopped (and reported) before the task is.
  EXPECT_EQ(f.log.trace("t1"),
            "PullStarted PullStopped NetworkReady ContainerStarted:db TaskFailed:app ContainerStopped:db TaskStopped");
  EXPECT_EQ(f.docker.stops(), (std::vector<std::string>{"db", "pause"}));
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunner, StartFailureOfATaskContainerIsCannotStartContainerError) {
  RunnerFixture f;
  f.docker.fail_start_of("app", DockerError{DockerErrorKind::bad_request, 400,
                                            "exec: \"nope\": executable file not found in $PATH"});
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.find("t1", Kind::TaskFailed)->reason,
            "CannotStartContainerError: exec: \"nope\": executable file not found in $PATH");
  EXPECT_EQ(f.log.count("t1", Kind::ContainerStarted), 0);
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunner, DockerDownFailsTheLaunchWithAClearReason) {
  RunnerFixture f;
  f.docker.set_down(true);
  auto started = std::chrono::steady_clock::now();
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped, 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  auto failed = f.log.find("t1", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason,
            "ResourceInitializationError: cannot reach the Docker daemon at unix:///var/run/docker.sock: "
            "cannot connect to the Docker daemon");
  EXPECT_EQ(failed->container, "");  // nothing wrong with the container itself
  EXPECT_EQ(f.log.trace("t1"), "PullStarted TaskFailed TaskStopped");
}

TEST(TaskRunner, TaskVolumesAreCreatedWithLabelsAndRemovedAfterTheStop) {
  RunnerFixture f;
  auto spec = task("t1", {container("app")});
  spec.volumes = {"ecslocal-t1-data"};
  spec.containers[0].create.mounts = {Mount{Mount::Type::volume, "ecslocal-t1-data", "/data", false, {}}};
  f.runner.launch(spec);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  auto volumes = f.docker.volumes();
  ASSERT_EQ(volumes.count("ecslocal-t1-data"), 1u);
  EXPECT_EQ(label(volumes["ecslocal-t1-data"].labels, labels::managed), "true");
  EXPECT_EQ(label(volumes["ecslocal-t1-data"].labels, labels::task_arn), "t1");
  f.runner.stop("t1");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.volumes().empty() && f.runner.active_tasks() == 0; }));
}

TEST(TaskRunner, TenTasksWaitingOnHealthAtOnceAllStart) {
  RunnerFixture f;
  for (int i = 0; i < 10; ++i) {
    auto db = container("db");
    db.create.health_check = health_check();
    auto spec = task("t" + std::to_string(i), {db, container("app", {{"db", DependencyCondition::Healthy}})});
    spec.network.ipv4_address = "172.31.0." + std::to_string(20 + i);
    f.runner.launch(spec);
  }
  ASSERT_TRUE(f.log.wait_for([&](const std::vector<TaskEvent>& events) {
    return std::count_if(events.begin(), events.end(), [](auto& e) {
             return e.kind == Kind::ContainerStarted && e.container == "db";
           }) == 10;
  }));
  auto listed = f.docker.list_containers(ContainerListQuery{true, {labels::filter(labels::container, "db")}});
  for (const auto& c : *listed) f.docker.set_health(c.id, "healthy");
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(f.log.wait_container("t" + std::to_string(i), Kind::ContainerStarted, "app")) << i;
  }
}

TEST(TaskRunner, AnAddressAnotherProcessHoldsMovesTheTaskToTheNextFreeOne) {
  RunnerFixture f;
  f.docker.fail_start_of("pause", DockerError{DockerErrorKind::server, 500, "Address already in use"});
  auto spec = task("t-moved", {container("app")});
  spec.network.extra_hosts = {"ip-172-31-0-10.ec2.internal:172.31.0.10"};
  f.runner.launch(spec);
  ASSERT_TRUE(f.log.wait_kind("t-moved", TaskEvent::Kind::ContainerStarted)) << f.log.trace("t-moved");
  EXPECT_EQ(f.log.count("t-moved", TaskEvent::Kind::TaskFailed), 0);
  auto ready = f.log.find("t-moved", TaskEvent::Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->ipv4_address, "172.31.0.11");
  auto pause = f.docker.container(ready->runtime_id);
  ASSERT_TRUE(pause);
  EXPECT_EQ(pause->spec.hostname, "ip-172-31-0-11.ec2.internal");
  EXPECT_EQ(pause->spec.extra_hosts, std::vector<std::string>{"ip-172-31-0-11.ec2.internal:172.31.0.11"});
  EXPECT_EQ(f.docker.managed_containers(), 2u) << "the refused pause container was not removed";
}

TEST(TaskRunner, TaskNetworksAreSharedNotOwnedByAnInstance) {
  auto options = RunnerFixture::defaults();
  options.instance = "unit-a";
  RunnerFixture f(options);
  auto spec = task("t-net", {container("app")});
  spec.network.network_labels = {{"ecslocal.vpc", "vpc-1"}, {std::string(labels::instance), "someone"}};
  f.runner.launch(spec);
  ASSERT_TRUE(f.log.wait_kind("t-net", TaskEvent::Kind::ContainerStarted)) << f.log.trace("t-net");
  auto network = f.docker.inspect_network("ecslocal-unit-vpc");
  ASSERT_TRUE(network.ok());
  EXPECT_EQ(network->labels.at(std::string(labels::shared)), "true");
  EXPECT_EQ(network->labels.at("ecslocal.vpc"), "vpc-1");
  EXPECT_EQ(network->labels.count(std::string(labels::instance)), 0u);
  f.runner.stop("t-net");
  ASSERT_TRUE(f.log.wait_kind("t-net", TaskEvent::Kind::TaskStopped)) << f.log.trace("t-net");
  // Unused now: another instance's runner may remove it (as its last user).
  auto other = RunnerFixture::defaults();
  other.instance = "unit-b";
  TaskRunner second(f.docker, other);
  auto cleaned = second.cleanup_leftovers();
  ASSERT_TRUE(cleaned.ok());
  EXPECT_EQ(cleaned->networks, 1u);
  EXPECT_FALSE(f.docker.inspect_network("ecslocal-unit-vpc").ok());
}

TEST(TaskRunner, LaunchesWaitingOnDependenciesHoldNoWorker) {
  // Two workers, five tasks whose app waits on a db that is not healthy yet: every db starts,
  // because a waiting launch holds no worker (it is a timer until the db's health event).
  auto options = RunnerFixture::defaults();
  options.workers = 2;
  options.dependency_poll = 10s;  // the wake-ups come from the health events
  RunnerFixture f(options);
  auto make = [](const std::string& key) {
    auto db = container("db");
    db.create.health_check = health_check();
    return task(key, {db, container("app", {{"db", DependencyCondition::Healthy}})});
  };
  for (int i = 0; i < 5; ++i) f.runner.launch(make("t-wait-" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) {
    auto key = "t-wait-" + std::to_string(i);
    ASSERT_TRUE(f.log.wait_container(key, TaskEvent::Kind::ContainerStarted, "db")) << f.log.trace(key);
    EXPECT_FALSE(f.log.received_at(key, TaskEvent::Kind::ContainerStarted, "app")) << f.log.trace(key);
  }
  auto listed = f.docker.list_containers(ContainerListQuery{true, {labels::filter(labels::container, "db")}});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 5u);
  for (const auto& db : *listed) f.docker.set_health(db.id, "healthy");
  for (int i = 0; i < 5; ++i) {
    auto key = "t-wait-" + std::to_string(i);
    EXPECT_TRUE(f.log.wait_container(key, TaskEvent::Kind::ContainerStarted, "app")) << f.log.trace(key);
  }
  for (int i = 0; i < 5; ++i) f.runner.stop("t-wait-" + std::to_string(i));
  for (int i = 0; i < 5; ++i) {
    auto key = "t-wait-" + std::to_string(i);
    EXPECT_TRUE(f.log.wait_kind(key, TaskEvent::Kind::TaskStopped)) << f.log.trace(key);
  }
}

}  // namespace
}  // namespace ecslocal::runtime::test
