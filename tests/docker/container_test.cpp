// Container lifecycle against the real daemon: create, start, inspect, stop, kill, remove, list.
#include <thread>

#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;
using runtime::DockerErrorKind;

TEST_F(DockerTest, CreateStartInspectStopRemove) {
  auto spec = container_spec({"sleep", "300"});
  spec.env = {"GREETING=hello world"};
  spec.working_dir = "/tmp";
  spec.hostname = "task-host";
  spec.init = true;  // docker-init forwards SIGTERM to sleep: a clean 143 on stop
  spec.memory_bytes = 64LL << 20;
  spec.nano_cpus = 250000000;
  spec.ulimits = {{"nofile", 512, 1024}};
  spec.stop_timeout_s = 5;

  auto t0 = std::chrono::steady_clock::now();
  auto id = docker().create_container(spec);
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(id.ok()) << id.error().describe();
  auto started = docker().start_container(*id);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(started.ok()) << started.error().describe();
  std::cout << "[docker] create " << millis(t1 - t0) << ", start " << millis(t2 - t1) << "\n";

  auto info = docker().inspect_container(*id);
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_EQ(info->id, *id);
  EXPECT_EQ(info->name, spec.name);
  EXPECT_EQ(info->status, "running");
  EXPECT_TRUE(info->running);
  EXPECT_GT(info->pid, 0);
  EXPECT_TRUE(info->started_nano.has_value());
  EXPECT_FALSE(info->finished_nano.has_value());
  EXPECT_EQ(info->image, test_image);
  EXPECT_EQ(info->image_id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(info->labels.at("ecslocal.managed"), "true");
  EXPECT_EQ(info->network_mode, "default");
  EXPECT_TRUE(docker().start_container(*id).ok()) << "starting a running container is not an error";

  auto t3 = std::chrono::steady_clock::now();
  auto stopped = docker().stop_container(*id, 5s);
  std::cout << "[docker] stop " << millis(std::chrono::steady_clock::now() - t3) << "\n";
  ASSERT_TRUE(stopped.ok()) << stopped.error().describe();
  info = docker().inspect_container(*id);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->status, "exited");
  EXPECT_EQ(info->exit_code, 143);
  EXPECT_TRUE(info->finished_nano.has_value());
  EXPECT_TRUE(docker().stop_container(*id, 1s).ok()) << "stopping a stopped container is not an error";

  ASSERT_TRUE(docker().remove_container(*id, {false, true}).ok());
  auto gone = docker().inspect_container(*id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, DockerErrorKind::not_found);
  auto again = docker().remove_container(*id, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, DockerErrorKind::not_found);
}

TEST_F(DockerTest, ExitCodeKillAndRefusals) {
  auto id = create_and_start(container_spec({"sh", "-c", "exit 7"}));
  auto done = wait_exit(id);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->exit_code, 7);
  EXPECT_FALSE(done->oom_killed);

  auto sleeper_spec = container_spec({"sleep", "300"});
  auto sleeper = create_and_start(sleeper_spec);
  auto removed = docker().remove_container(sleeper, {});
  ASSERT_FALSE(removed.ok()) << "removing a running container without force";
  EXPECT_EQ(removed.error().kind, DockerErrorKind::conflict);
  ASSERT_TRUE(docker().kill_container(sleeper, "SIGKILL").ok());
  auto killed = wait_exit(sleeper);
  ASSERT_TRUE(killed.has_value());
  EXPECT_EQ(killed->exit_code, 137);
  auto not_running = docker().kill_container(sleeper, "SIGKILL");
  ASSERT_FALSE(not_running.ok());
  EXPECT_EQ(not_running.error().kind, DockerErrorKind::conflict);

  auto duplicate = docker().create_container(sleeper_spec);  // same name
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, DockerErrorKind::conflict);
  auto bad_image = container_spec({"true"});
  bad_image.image = "ecslocal-test/no-such-image:never";
  auto no_image = docker().create_container(bad_image);
  ASSERT_FALSE(no_image.ok());
  EXPECT_EQ(no_image.error().kind, DockerErrorKind::not_found);
}

TEST_F(DockerTest, ListsContainersByLabel) {
  auto spec = container_spec({"sleep", "300"});
  std::string mark = unique_name("mark");
  spec.labels["ecslocal.case"] = mark;
  auto running = create_and_start(spec);
  auto other = container_spec({"true"});
  other.labels["ecslocal.case"] = mark;
  auto created_only = create(other);
  auto list = docker().list_containers({true, {runtime::labels::managed_filter(), "ecslocal.case=" + mark}});
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->size(), 2u);
  for (const auto& c : *list) {
    EXPECT_TRUE(c.id == running || c.id == created_only);
    EXPECT_EQ(c.labels.at("ecslocal.case"), mark);
    EXPECT_EQ(c.state, c.id == running ? "running" : "created");
  }
  auto only_running = docker().list_containers({false, {"ecslocal.case=" + mark}});
  ASSERT_TRUE(only_running.ok());
  ASSERT_EQ(only_running->size(), 1u);
  EXPECT_EQ(only_running->front().id, running);
}

TEST_F(DockerTest, CreateStartLatencyOverTenContainers) {
  std::vector<double> ms;
  for (int i = 0; i < 10; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto id = create_and_start(container_spec({"sleep", "300"}));
    ASSERT_FALSE(id.empty());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "[docker] create+start over 10 containers: min " << ms.front() << " ms, median " << ms[5]
            << " ms, max " << ms.back() << " ms\n";
  RecordProperty("create_start_median_ms", static_cast<int>(ms[5]));
}

TEST_F(DockerTest, UsageOfABusyContainerWithinItsCpuLimit) {
  auto spec = container_spec({"sh", "-c", "while :; do :; done"});
  spec.nano_cpus = 250000000;  // a quarter CPU, as a 256-unit Fargate task
  spec.stop_timeout_s = 1;
  const auto id = create_and_start(spec);
  auto first = docker().container_usage(id);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1500ms);
  auto second = docker().container_usage(id);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(second.ok()) << second.error().describe();
  EXPECT_GT(second->memory_bytes, 0u);
  EXPECT_GT(second->memory_limit, 0u);
  const double cores = static_cast<double>(second->cpu_total_ns - first->cpu_total_ns) / 1e9 / wall;
  std::cout << "[docker] busy container at " << cores << " CPUs (limit 0.25)\n";
  EXPECT_GT(cores, 0.05) << "the loop burns CPU";
  EXPECT_LT(cores, 0.4) << "within its NanoCpus limit";
  auto missing = docker().container_usage("no-such-container-ecslocal");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, DockerErrorKind::not_found);
}

}  // namespace
}  // namespace ecslocal::testing
