// TaskRunner against the fake Docker: stopping (reverse dependsOn order, the pause container
// last, TaskStopped before the removals, idempotence, a stop during the launch), Docker's events
// (die, oom, health, the pause container dying), the resync after a broken events stream, and
// the start-up / shutdown housekeeping.
#include <gtest/gtest.h>

#include "runtime/labels.hpp"
#include "tests/unit/runtime/task_runner_fixture.hpp"

namespace ecslocal::runtime::test {
namespace {

using Kind = TaskEvent::Kind;

std::size_t position(const std::vector<std::string>& order, const std::string& name) {
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), name) - order.begin());
}

TEST(TaskRunnerStop, StopsInReverseDependsOnOrderThenThePause) {
  RunnerFixture f;
  // app -> db -> cache; side is independent.
  auto spec = task("t1", {container("cache"), container("db", {{"cache", DependencyCondition::Start}}),
                          container("app", {{"db", DependencyCondition::Start}}), container("side")});
  f.runner.launch(spec);
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "app"));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  f.runner.stop("t1");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  auto order = f.docker.stops();
  ASSERT_EQ(order.size(), 5u);
  EXPECT_LT(position(order, "app"), position(order, "db"));
  EXPECT_LT(position(order, "db"), position(order, "cache"));
  EXPECT_EQ(order.back(), "pause");
  // Every started container is reported stopped, with its exit code, before the task.
  auto events = f.log.of("t1");
  EXPECT_EQ(events.back().kind, Kind::TaskStopped);
  EXPECT_EQ(f.log.count("t1", Kind::ContainerStopped), 4);
  for (const auto& e : events) {
    if (e.kind == Kind::ContainerStopped) {
      EXPECT_EQ(e.exit_code, 143) << e.container;
    }
  }
  // Then everything is removed and the task forgotten.
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0 && f.runner.active_tasks() == 0; }));
}

TEST(TaskRunnerStop, StopIsIdempotentAndAnUnknownKeyIsReportedStopped) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  f.runner.stop("t1");
  f.runner.stop("t1");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.runner.active_tasks() == 0; }));
  f.runner.stop("t1");  // long gone: nothing more
  f.runner.stop("never-launched");
  ASSERT_TRUE(f.log.wait_kind("never-launched", Kind::TaskStopped));
  f.runner.drain_events();
  EXPECT_EQ(f.log.count("t1", Kind::TaskStopped), 1);
  EXPECT_EQ(f.log.count("t1", Kind::ContainerStopped), 1);
}

TEST(TaskRunnerStop, StopDuringAPullIsReportedAtOnceAndNothingIsCreated) {
  RunnerFixture f;
  f.docker.make_pullable("registry.example/slow:1");
  f.docker.hold_pulls(true);
  auto app = container("app");
  app.create.image = "registry.example/slow:1";
  f.runner.launch(task("t1", {app}));
  ASSERT_TRUE(f.log.wait_for([&](auto&) { return f.docker.pulls_waiting() == 1; }));
  f.runner.stop("t1");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped, 500ms));  // the pull is still hanging
  f.docker.hold_pulls(false);
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.runner.active_tasks() == 0; }));
  EXPECT_EQ(f.docker.count(DockerOp::create_container), 0);
  EXPECT_EQ(f.log.trace("t1"), "PullStarted TaskStopped");
}

TEST(TaskRunnerStop, StopWhileWaitingOnADependencyCancelsTheLaunch) {
  RunnerFixture f;
  auto db = container("db");
  db.create.health_check = health_check();
  f.runner.launch(task("t1", {db, container("app", {{"db", DependencyCondition::Healthy}})}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "db"));
  f.runner.stop("t1");
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.count("t1", Kind::TaskFailed), 0);  // stopped, not failed
  EXPECT_EQ(f.docker.stops(), (std::vector<std::string>{"db", "pause"}));
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunnerStop, AContainerExitIsReportedWithItsCodeAndTheTaskKeepsRunning) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app"), container("side")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  f.docker.simulate_exit(f.docker.id_of("side"), 2);
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStopped, "side"));
  auto events = f.log.of("t1");
  EXPECT_EQ(events.back().exit_code, 2);
  EXPECT_EQ(events.back().reason, "");
  EXPECT_EQ(events.back().runtime_id, f.docker.id_of("side"));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(f.log.count("t1", Kind::TaskStopped), 0);  // policy is the caller's
  EXPECT_EQ(f.runner.active_tasks(), 1u);
}

TEST(TaskRunnerStop, OomKillIsReportedAsOutOfMemoryError) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  f.docker.simulate_exit(f.docker.id_of("app"), 137, true);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStopped));
  auto stopped = f.log.find("t1", Kind::ContainerStopped);
  EXPECT_EQ(stopped->exit_code, 137);
  EXPECT_EQ(stopped->reason, "OutOfMemoryError: Container killed due to memory usage");
}

TEST(TaskRunnerStop, HealthChangesAreReported) {
  RunnerFixture f;
  auto app = container("app");
  app.create.health_check = health_check();
  f.runner.launch(task("t1", {app}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  f.docker.set_health(f.docker.id_of("app"), "healthy");
  f.docker.set_health(f.docker.id_of("app"), "unhealthy");
  ASSERT_TRUE(f.log.wait_for([&](auto&) { return f.log.count("t1", Kind::ContainerHealth) == 2; }));
  auto events = f.log.of("t1");
  EXPECT_EQ(events.back().health, "unhealthy");
  EXPECT_EQ(events.back().container, "app");
}

TEST(TaskRunnerStop, ThePauseContainerDyingStopsTheWholeTask) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app"), container("side")}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "side"));
  f.docker.simulate_exit(f.docker.id_of("pause"), 137);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_EQ(f.log.count("t1", Kind::ContainerStopped), 2);
  EXPECT_EQ(f.log.count("t1", Kind::TaskFailed), 0);  // it had started: just stopped
  EXPECT_TRUE(f.log.wait_for([&](auto&) { return f.docker.managed_containers() == 0; }));
}

TEST(TaskRunnerStop, KillToTaskStoppedIsQuickWhenTheCallerStopsOnTheEvent) {
  RunnerFixture f;
  // The caller's policy: an essential container stopped -> stop the task (from the sink).
  f.runner.set_event_sink([&](TaskEvent event) {
    if (event.kind == Kind::ContainerStopped) f.runner.stop(event.key);
    f.log.sink()(std::move(event));
  });
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(f.docker.kill_container(f.docker.id_of("app")).ok());
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::TaskStopped));
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 200ms);
  EXPECT_EQ(f.log.find("t1", Kind::ContainerStopped)->exit_code, 137);
}

TEST(TaskRunnerStop, ResyncReportsAnExitTheEventsStreamLost) {
  RunnerFixture f;
  f.docker.mute("app");  // its die event never arrives
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  f.docker.simulate_exit(f.docker.id_of("app"), 9);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(f.log.count("t1", Kind::ContainerStopped), 0);
  f.docker.break_event_streams();  // reconnect -> resync
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStopped));
  EXPECT_EQ(f.log.find("t1", Kind::ContainerStopped)->exit_code, 9);
}

TEST(TaskRunnerStop, ResyncReportsAContainerRemovedBehindItsBack) {
  RunnerFixture f;
  f.docker.mute("app");
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  ASSERT_TRUE(f.docker.remove_container(f.docker.id_of("app"), RemoveOptions{true, false}).ok());
  f.docker.break_event_streams();
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStopped));
  auto stopped = f.log.find("t1", Kind::ContainerStopped);
  EXPECT_FALSE(stopped->exit_code);
  EXPECT_EQ(stopped->reason, "CannotInspectContainerError: the container was removed");
}

TEST(TaskRunnerHousekeeping, CleanupRemovesOnlyThisInstancesLeftovers) {
  auto options = RunnerFixture::defaults();
  options.instance = "unit-a";
  RunnerFixture f(options);
  auto make = [&](const std::string& name, Labels with) {
    ContainerCreateSpec spec;
    spec.name = name;
    spec.image = busybox;
    spec.labels = std::move(with);
    auto id = f.docker.create_container(spec).value();
    ASSERT_TRUE(f.docker.start_container(id).ok());
  };
  const std::string managed(labels::managed), instance(labels::instance);
  make("ours", {{managed, "true"}, {instance, "unit-a"}});
  make("other-instance", {{managed, "true"}, {instance, "unit-b"}});
  make("foreign", {});
  f.docker.create_network(NetworkCreateSpec{"ours-net", "bridge", "", "", false, false,
                                            {{managed, "true"}, {instance, "unit-a"}}, {}});
  f.docker.create_volume(VolumeCreateSpec{"ours-vol", "local", {{managed, "true"}, {instance, "unit-a"}}});
  f.docker.create_volume(VolumeCreateSpec{"foreign-vol", "local", {}});
  auto report = f.runner.cleanup_leftovers();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->containers, 1u);
  EXPECT_EQ(report->networks, 1u);
  EXPECT_EQ(report->volumes, 1u);
  EXPECT_FALSE(f.docker.container("ours"));
  EXPECT_TRUE(f.docker.container("other-instance"));
  EXPECT_TRUE(f.docker.container("foreign"));
  EXPECT_EQ(f.docker.volumes().count("foreign-vol"), 1u);
}

TEST(TaskRunnerHousekeeping, ShutdownWithRemovalStopsEveryTaskAndRemovesNetworks) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app")}));
  auto second = task("t2", {container("app")});
  second.network.ipv4_address = "172.31.0.11";
  f.runner.launch(second);
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  ASSERT_TRUE(f.log.wait_kind("t2", Kind::ContainerStarted));
  f.runner.shutdown(true);
  EXPECT_TRUE(f.log.find("t1", Kind::TaskStopped));
  EXPECT_TRUE(f.log.find("t2", Kind::TaskStopped));
  EXPECT_EQ(f.docker.managed_containers(), 0u);
  EXPECT_TRUE(f.docker.networks().empty());
  f.runner.launch(task("t3", {container("app")}));  // refused once shut down
  EXPECT_EQ(f.log.find("t3", Kind::TaskFailed)->reason, "ResourceInitializationError: ecslocal is shutting down");
}

TEST(TaskRunnerHousekeeping, ShutdownWithoutRemovalLeavesContainersRunning) {
  RunnerFixture f;
  f.runner.launch(task("t1", {container("app")}));
  ASSERT_TRUE(f.log.wait_kind("t1", Kind::ContainerStarted));
  auto started = std::chrono::steady_clock::now();
  f.runner.shutdown(false);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(f.docker.managed_containers(), 2u);
  EXPECT_FALSE(f.log.find("t1", Kind::TaskStopped));
}

TEST(TaskRunnerHousekeeping, ShutdownCancelsALaunchWaitingOnADependency) {
  RunnerFixture f;
  auto db = container("db");
  db.create.health_check = health_check();
  f.runner.launch(task("t1", {db, container("app", {{"db", DependencyCondition::Healthy}})}));
  ASSERT_TRUE(f.log.wait_container("t1", Kind::ContainerStarted, "db"));
  auto started = std::chrono::steady_clock::now();
  f.runner.shutdown(false);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
}

}  // namespace
}  // namespace ecslocal::runtime::test
