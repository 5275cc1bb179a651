// The TaskRunner against the real daemon: awsvpc-style tasks with the offline busybox image.
// Two containers sharing localhost, the task's private IP reachable from the host, ports
// published on a loopback address of the task's own, HEALTHY holding back a dependent, a missing
// image, docker kill, stop leaving nothing behind, Docker down. Prints the latencies it measures
// (launch → started against raw API calls, kill → ContainerStopped / TaskStopped).
//
// Everything the runner makes carries ecslocal.instance=<this run> and ecslocal.test=<this run>;
// the network is a /24 of 10.214.0.0/16 named after the run. The host is only ever contacted on
// addresses of that network and of 127.0.100.0/24.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "runtime/docker/docker_networks.hpp"
#include "runtime/task/task_runner.hpp"
#include "tests/docker/docker_fixture.hpp"
#include "tests/fakes/task_event_log.hpp"

#ifndef ECSLOCAL_PAUSE_BINARY_PATH
#define ECSLOCAL_PAUSE_BINARY_PATH ""
#endif

namespace ecslocal::runtime::test {
namespace {

using Kind = TaskEvent::Kind;
using testing::docker_availability;
using testing::millis;
using testing::test_image;

// One HTTP/1.0 GET; the whole answer, or empty when nothing answers.
std::string http_get(const std::string& ip, int port, std::chrono::milliseconds timeout = 1s) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = "GET / HTTP/1.0\r\nHost: " + ip + "\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n = 0;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

// Retries until an answer comes (the server may still be starting).
std::string http_get_eventually(const std::string& ip, int port, std::chrono::milliseconds limit = 10s) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    auto answer = http_get(ip, port);
    if (!answer.empty()) return answer;
    std::this_thread::sleep_for(50ms);
  }
  return {};
}


class TaskRunnerDocker : public testing::DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    prefix_ = free_prefix();
    ASSERT_FALSE(prefix_.empty()) << "no free 10.214.x.0/24 for the test network";
    network_ = unique_name("vpc");
    runner_ = make_runner(docker());
    auto pause = runner_->ensure_pause_image();
    ASSERT_TRUE(pause.ok()) << pause.error().describe();
    runner_->start();
    auto until = std::chrono::steady_clock::now() + 5s;
    while (!runner_->events_connected() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(2ms);
    ASSERT_TRUE(runner_->events_connected());
  }

  void TearDown() override {
    if (runner_) {
      runner_->shutdown(true);
      runner_.reset();
      auto volumes = docker().list_volumes({labels::filter(labels::instance, run())});
      EXPECT_TRUE(volumes && volumes->empty()) << "volumes left behind";
    }
    DockerTest::TearDown();
  }

  static std::string run() { return docker_availability().run_label; }

  std::unique_ptr<TaskRunner> make_runner(DockerClient& client, std::size_t pause_pool = 0) {
    TaskRunnerOptions options;
    options.instance = run();
    options.pause_pool = pause_pool;
    options.pause.binary_path = ECSLOCAL_PAUSE_BINARY_PATH;
    options.docker_host = docker().endpoint().display;
    options.on_warning = [](const std::string& text) { std::fprintf(stderr, "[task runner] %s\n", text.c_str()); };
    auto runner = std::make_unique<TaskRunner>(client, options);
    runner->set_event_sink(log_.sink());
    return runner;
  }

  // A /24 of 10.214.0.0/16 that no network uses.
  std::string free_prefix() {
    std::vector<std::string> taken;
    if (auto all = docker().list_networks({})) {
      for (const auto& n : *all) taken.insert(taken.end(), n.subnets.begin(), n.subnets.end());
    }
    for (int attempt = 0; attempt < 250; ++attempt) {
      std::string prefix = "10.214." + std::to_string((::getpid() + attempt * 11) % 250 + 1);
      bool clash = std::any_of(taken.begin(), taken.end(), [&](auto& t) { return testing::subnets_overlap(prefix + ".0/24", t); });
      if (!clash) return prefix;
    }
    return {};
  }

  std::string ip(int host) const { return prefix_ + "." + std::to_string(host); }

  TaskSpec task(const std::string& key, std::vector<TaskContainerSpec> containers, int host = 10) {
    TaskSpec spec;
    spec.key = key;
    spec.labels = test_labels({{std::string(labels::task_arn), key}});
    spec.network.network = network_;
    spec.network.cidr = prefix_ + ".0/24";
    spec.network.gateway = ip(1);
    spec.network.network_labels = test_labels();
    spec.network.ipv4_address = ip(host);
    spec.network.hostname = "ip-" + std::to_string(host) + ".ec2.internal";
    spec.containers = std::move(containers);
    return spec;
  }

  static TaskContainerSpec container(const std::string& name, std::vector<std::string> cmd) {
    TaskContainerSpec c;
    c.name = name;
    c.create.image = test_image;
    c.create.cmd = std::move(cmd);
    c.stop_timeout_s = 2;
    return c;
  }

  static TaskContainerSpec web(const std::string& name = "web") {
    return container(name, {"httpd", "-f", "-p", "8080", "-h", "/var/www"});
  }

  std::size_t labelled_containers() {
    auto left = docker().list_containers({true, {labels::filter(labels::instance, run())}});
    return left ? left->size() : 999;
  }

  std::string prefix_;
  std::string network_;
  EventLog log_;
  std::unique_ptr<TaskRunner> runner_;
};

TEST_F(TaskRunnerDocker, TwoContainersShareLocalhostAndTheTaskIpAnswersFromTheHost) {
  auto client = container("client", {"sh", "-c",
                                     "for i in $(seq 100); do wget -q -O - http://localhost:8080/ && exit 0; "
                                     "sleep 0.1; done; exit 1"});
  client.depends_on = {{"web", DependencyCondition::Start}};
  runner_->launch(task("t-localhost", {web(), client}));
  ASSERT_TRUE(log_.wait_container("t-localhost", Kind::ContainerStopped, "client", 20s)) << log_.trace("t-localhost");
  EXPECT_EQ(log_.find("t-localhost", Kind::ContainerStopped)->exit_code, 0) << "wget localhost:8080 failed";
  auto ready = log_.find("t-localhost", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->ipv4_address, ip(10));
  EXPECT_EQ(ready->mac_address.size(), 17u);
  auto answer = http_get_eventually(ip(10), 8080);
  EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
  EXPECT_NE(answer.find("ecslocal test image"), std::string::npos) << answer;
  // The hostname is the pause container's, seen by every container of the task.
  auto started = log_.find("t-localhost", Kind::ContainerStarted);
  auto info = docker().inspect_container(started->runtime_id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->network_mode.rfind("container:", 0), 0u);
  EXPECT_EQ(started->image_digest.rfind("sha256:", 0), 0u);
}

TEST_F(TaskRunnerDocker, AWarmPauseContainerServesTheNextTaskFromTheTopOfItsSubnet) {
  runner_->shutdown(true);
  runner_ = make_runner(docker(), 1);
  runner_->start();
  // Hostnames named after the address, as ECS's are: the pool's shape leaves the address out.
  auto named = [&](TaskSpec spec, int host) {
    std::string dashed = ip(host);
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    spec.network.hostname = "ip-" + dashed + ".ec2.internal";
    spec.network.subnet_cidr = prefix_ + ".0/25";
    return spec;
  };
  auto first = named(task("t-pool-1", {web()}), 10);
  runner_->launch(first);
  ASSERT_TRUE(log_.wait_kind("t-pool-1", Kind::ContainerStarted, 20s)) << log_.trace("t-pool-1");
  ASSERT_TRUE(log_.wait_for([&](const auto&) { return runner_->warm_pause_containers() == 1; }, 20s)) << "no warm one";
  auto second = named(task("t-pool-2", {web()}, 11), 11);
  runner_->launch(second);
  ASSERT_TRUE(log_.wait_kind("t-pool-2", Kind::ContainerStarted, 20s)) << log_.trace("t-pool-2");
  auto ready = log_.find("t-pool-2", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->ipv4_address, ip(126)) << "the top of 10.214.x.0/25 (.127 is its last: never taken)";
  EXPECT_EQ(ready->mac_address.size(), 17u);
  auto pause = docker().inspect_container(ready->runtime_id);
  ASSERT_TRUE(pause.ok());
  EXPECT_EQ(pause->labels[std::string(labels::role)], "pause-pool");
  // The task's web container answers on the warm container's address: it joined that namespace.
  auto answer = http_get_eventually(ip(126), 8080);
  EXPECT_NE(answer.find("ecslocal test image"), std::string::npos) << "nothing on " << ip(126) << ":8080";
  ASSERT_TRUE(log_.wait_for([&](const auto&) { return runner_->warm_pause_containers() == 1; }, 20s)) << "no refill";
  runner_->shutdown(true);
  EXPECT_EQ(labelled_containers(), 0u) << "the tasks and the warm container are gone";
}

TEST_F(TaskRunnerDocker, PortsArePublishedOnTheTasksLoopbackAddress) {
  std::string loopback = "127.0.100." + std::to_string(::getpid() % 200 + 20);
  auto spec = task("t-publish", {web()});
  spec.network.publish_ip = loopback;
  spec.network.published_ports = {PortBinding{8080, "tcp", "", 0}};
  runner_->launch(spec);
  ASSERT_TRUE(log_.wait_kind("t-publish", Kind::ContainerStarted, 20s)) << log_.trace("t-publish");
  auto answer = http_get_eventually(loopback, 8080);
  EXPECT_NE(answer.find("ecslocal test image"), std::string::npos) << "nothing on " << loopback << ":8080";
}

TEST_F(TaskRunnerDocker, HealthyDependencyHoldsBackTheDependent) {
  auto db = container("db", {"sh", "-c", "sleep 1.5; touch /tmp/ready; exec sleep 3600"});
  HealthCheck check;
  check.test = {"CMD-SHELL", "test -f /tmp/ready"};
  check.interval_ns = 200'000'000;
  check.timeout_ns = 2'000'000'000;
  check.retries = 30;
  db.create.health_check = check;
  auto app = container("app", {"sleep", "3600"});
  app.depends_on = {{"db", DependencyCondition::Healthy}};
  runner_->launch(task("t-healthy", {app, db}));
  ASSERT_TRUE(log_.wait_container("t-healthy", Kind::ContainerStarted, "app", 30s)) << log_.trace("t-healthy");
  auto db_started = log_.received_at("t-healthy", Kind::ContainerStarted, "db");
  auto app_started = log_.received_at("t-healthy", Kind::ContainerStarted, "app");
  EXPECT_GE(*app_started - *db_started, 1400ms) << "app started before db was healthy";
  auto trace = log_.trace("t-healthy");
  EXPECT_LT(trace.find("ContainerHealth:db"), trace.find("ContainerStarted:app")) << trace;
  std::fprintf(stderr, "[measure] HEALTHY: db started -> app started %s (db turns healthy after ~1.5 s)\n",
               millis(*app_started - *db_started).c_str());
}

TEST_F(TaskRunnerDocker, MissingImageFailsWithCannotPullContainerError) {
  auto missing = container("app", {"true"});
  missing.create.image = "ecslocal-test/no-such-image-" + run() + ":1";
  runner_->launch(task("t-missing", {missing}));
  ASSERT_TRUE(log_.wait_kind("t-missing", Kind::TaskStopped, 60s)) << log_.trace("t-missing");
  auto failed = log_.find("t-missing", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason.rfind("CannotPullContainerError: ", 0), 0u) << failed->reason;
  EXPECT_GT(failed->reason.size(), std::string("CannotPullContainerError: ").size() + 5) << failed->reason;
  EXPECT_EQ(failed->container, "app");
  std::fprintf(stderr, "[measure] missing image reason: %s\n", failed->reason.c_str());
  EXPECT_EQ(labelled_containers(), 0u);
}

TEST_F(TaskRunnerDocker, DockerKillIsReportedAtOnceAndTheTaskStopsQuickly) {
  // The ECS side's rule, as the sink: an essential container stopped -> stop the task.
  runner_->set_event_sink([this](TaskEvent event) {
    if (event.kind == Kind::ContainerStopped) runner_->stop(event.key);
    log_.sink()(std::move(event));
  });
  runner_->launch(task("t-kill", {web()}));
  ASSERT_TRUE(log_.wait_kind("t-kill", Kind::ContainerStarted, 20s)) << log_.trace("t-kill");
  auto id = log_.find("t-kill", Kind::ContainerStarted)->runtime_id;
  auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(docker().kill_container(id, "SIGKILL").ok());
  ASSERT_TRUE(log_.wait_kind("t-kill", Kind::TaskStopped, 10s)) << log_.trace("t-kill");
  auto stopped_at = *log_.received_at("t-kill", Kind::ContainerStopped);
  auto task_stopped_at = *log_.received_at("t-kill", Kind::TaskStopped);
  EXPECT_EQ(log_.find("t-kill", Kind::ContainerStopped)->exit_code, 137);
  std::fprintf(stderr, "[measure] docker kill -> ContainerStopped %s, -> TaskStopped %s\n",
               millis(stopped_at - killed).c_str(), millis(task_stopped_at - killed).c_str());
  EXPECT_LT(stopped_at - killed, 300ms);
  EXPECT_LT(task_stopped_at - killed, 1000ms);
}

TEST_F(TaskRunnerDocker, StopStopsEverythingAndLeavesNothingLabelled) {
  auto spec = task("t-stop", {web(), container("side", {"sleep", "3600"})});
  spec.volumes = {"ecslocal-" + run() + "-t-stop-data"};
  spec.containers[1].create.mounts = {Mount{Mount::Type::volume, spec.volumes[0], "/data", false, {}}};
  runner_->launch(spec);
  ASSERT_TRUE(log_.wait_container("t-stop", Kind::ContainerStarted, "side", 20s)) << log_.trace("t-stop");
  EXPECT_EQ(labelled_containers(), 3u);  // pause, web, side
  auto asked = std::chrono::steady_clock::now();
  runner_->stop("t-stop");
  ASSERT_TRUE(log_.wait_kind("t-stop", Kind::TaskStopped, 30s)) << log_.trace("t-stop");
  auto stopped = *log_.received_at("t-stop", Kind::TaskStopped);
  std::fprintf(stderr, "[measure] stop -> TaskStopped %s (httpd ignores SIGTERM as PID 1: 2 s stop timeout)\n",
               millis(stopped - asked).c_str());
  EXPECT_EQ(log_.count("t-stop", Kind::ContainerStopped), 2);
  EXPECT_TRUE(log_.wait_for([&](auto&) { return labelled_containers() == 0 && runner_->active_tasks() == 0; }, 20s));
  auto volumes = docker().list_volumes({labels::filter(labels::instance, run())});
  ASSERT_TRUE(volumes.ok());
  EXPECT_TRUE(volumes->empty());
}

// EC2 DeleteVpc: the VPC's bridge goes once no task uses it; while one does, it stays.
TEST_F(TaskRunnerDocker, RemoveNetworkRemovesTheVpcBridgeOnceUnused) {
  runner_->launch(task("t-vpc", {web()}));
  ASSERT_TRUE(log_.wait_container("t-vpc", Kind::ContainerStarted, "web", 20s)) << log_.trace("t-vpc");
  auto gone = [&] {
    auto found = docker().inspect_network(network_);
    return !found && found.error().kind == DockerErrorKind::not_found;
  };
  auto wait_gone = [&](std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!gone() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
    return gone();
  };
  runner_->remove_network(network_);  // in use: refused (a warning), the task keeps its network
  runner_->stop("t-vpc");
  ASSERT_TRUE(log_.wait_kind("t-vpc", Kind::TaskStopped, 30s)) << log_.trace("t-vpc");
  EXPECT_TRUE(docker().inspect_network(network_).ok());
  ASSERT_TRUE(log_.wait_for([&](auto&) { return labelled_containers() == 0 && runner_->active_tasks() == 0; }, 20s));
  runner_->remove_network(network_);
  EXPECT_TRUE(wait_gone(20s)) << network_ << " is still there";
}

TEST_F(TaskRunnerDocker, LaunchLatencyAgainstRawDockerCalls) {
  // A first task makes the network, so that both measures below start from the same state.
  runner_->launch(task("t-warm-up", {container("app", {"sleep", "3600"})}, 13));
  ASSERT_TRUE(log_.wait_kind("t-warm-up", Kind::ContainerStarted, 20s)) << log_.trace("t-warm-up");
  // The runner: launch -> ContainerStarted of one container (pause included).
  auto launched = std::chrono::steady_clock::now();
  runner_->launch(task("t-latency", {container("app", {"sleep", "3600"})}, 11));
  ASSERT_TRUE(log_.wait_kind("t-latency", Kind::ContainerStarted, 20s)) << log_.trace("t-latency");
  auto runner_took = *log_.received_at("t-latency", Kind::ContainerStarted) - launched;

  // The same by hand: create + start a pause container on the network, then the app in its namespace.
  auto pause_image = runner_->ensure_pause_image();
  ASSERT_TRUE(pause_image.ok());
  auto raw_started = std::chrono::steady_clock::now();
  auto pause = container_spec({});
  pause.image = *pause_image;
  pause.cmd.reset();
  pause.network_mode = network_;
  pause.endpoint = EndpointSpec{network_, ip(12), {}};
  auto pause_id = create_and_start(pause);
  auto app = container_spec({"sleep", "3600"});
  app.network_mode = "container:" + pause_id;
  create_and_start(app);
  auto raw_took = std::chrono::steady_clock::now() - raw_started;
  std::fprintf(stderr, "[measure] launch -> ContainerStarted %s; raw create+start of pause + app %s\n",
               millis(runner_took).c_str(), millis(raw_took).c_str());
  EXPECT_LT(runner_took, raw_took * 3 + 500ms);
}

TEST_F(TaskRunnerDocker, TenTasksAtOnceAllStart) {
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    runner_->launch(task("t-many-" + std::to_string(i), {container("app", {"sleep", "3600"})}, 30 + i));
  }
  for (int i = 0; i < 10; ++i) {
    auto key = "t-many-" + std::to_string(i);
    EXPECT_TRUE(log_.wait_kind(key, Kind::ContainerStarted, 60s)) << log_.trace(key);
  }
  std::fprintf(stderr, "[measure] 10 tasks launched at once: all started after %s\n",
               millis(std::chrono::steady_clock::now() - started).c_str());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(log_.count("t-many-" + std::to_string(i), Kind::TaskFailed), 0);
}

TEST_F(TaskRunnerDocker, CleanupRemovesAnEarlierRunsLeftovers) {
  runner_->launch(task("t-left", {container("app", {"sleep", "3600"})}));
  ASSERT_TRUE(log_.wait_kind("t-left", Kind::ContainerStarted, 20s)) << log_.trace("t-left");
  runner_->shutdown(false);  // leaves the task running, as a crash would
  runner_.reset();
  EXPECT_EQ(labelled_containers(), 2u);
  auto next = make_runner(docker());
  auto report = next->cleanup_leftovers();
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->containers, 2u);
  EXPECT_GE(report->networks, 1u);  // ours; other unused shared networks may go with it
  EXPECT_EQ(labelled_containers(), 0u);
  EXPECT_FALSE(docker().inspect_network(network_).ok());
}

TEST_F(TaskRunnerDocker, DockerDownFailsTheLaunchQuicklyWithTheReason) {
  auto down = CurlDockerClient::create(CurlDockerClientOptions{"unix:///tmp/ecslocal-no-such-docker.sock", "", {}});
  ASSERT_TRUE(down.ok());
  TaskRunnerOptions options;
  options.pause_image = "ecslocal/pause:any";
  options.docker_host = "unix:///tmp/ecslocal-no-such-docker.sock";
  TaskRunner runner(*down.value(), options);
  EventLog log;
  runner.set_event_sink(log.sink());
  runner.start();
  auto launched = std::chrono::steady_clock::now();
  runner.launch(task("t-down", {container("app", {"true"})}));
  ASSERT_TRUE(log.wait_kind("t-down", Kind::TaskStopped, 10s)) << log.trace("t-down");
  EXPECT_LT(std::chrono::steady_clock::now() - launched, 2s);
  auto failed = log.find("t-down", Kind::TaskFailed);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->reason.rfind("ResourceInitializationError: cannot reach the Docker daemon at "
                                 "unix:///tmp/ecslocal-no-such-docker.sock: ",
                                 0),
            0u)
      << failed->reason;
  auto shut = std::chrono::steady_clock::now();
  runner.shutdown(false);  // the events thread, retrying, stops at once
  EXPECT_LT(std::chrono::steady_clock::now() - shut, 1s);
}

TEST_F(TaskRunnerDocker, TwoInstancesShareANetworkAndDockerArbitratesAddresses) {
  // Another ecslocal process on the same daemon (instance <run>-b), asked for the same address on
  // the same network: Docker refuses the second, which takes the next free address and says so.
  TaskRunnerOptions options;
  options.instance = run() + "-b";
  options.pause.binary_path = ECSLOCAL_PAUSE_BINARY_PATH;
  options.docker_host = docker().endpoint().display;
  EventLog other_log;
  auto other = std::make_unique<TaskRunner>(docker(), options);
  other->set_event_sink(other_log.sink());
  other->start();

  auto first = task("t-share-a", {container("app", {"sleep", "3600"})}, 20);
  runner_->launch(first);
  ASSERT_TRUE(log_.wait_kind("t-share-a", Kind::ContainerStarted, 20s)) << log_.trace("t-share-a");
  auto second = task("t-share-b", {container("app", {"sleep", "3600"})}, 20);
  second.labels[std::string(labels::instance)] = options.instance;
  other->launch(second);
  ASSERT_TRUE(other_log.wait_kind("t-share-b", Kind::ContainerStarted, 20s)) << other_log.trace("t-share-b");
  EXPECT_EQ(other_log.count("t-share-b", Kind::TaskFailed), 0) << other_log.trace("t-share-b");
  auto ready_a = log_.find("t-share-a", Kind::NetworkReady);
  auto ready_b = other_log.find("t-share-b", Kind::NetworkReady);
  ASSERT_TRUE(ready_a && ready_b);
  EXPECT_EQ(ready_a->ipv4_address, ip(20));
  EXPECT_EQ(ready_b->ipv4_address, ip(21)) << "the next free address after the one another process holds";
  auto pause_b = docker().inspect_container(ready_b->runtime_id);
  ASSERT_TRUE(pause_b.ok());
  EXPECT_EQ(pause_b->networks.at(network_).ipv4_address, ip(21));

  // The network belongs to no instance: shared, and it stays while anyone uses it.
  auto network = docker().inspect_network(network_);
  ASSERT_TRUE(network.ok());
  EXPECT_EQ(network->labels.at(std::string(labels::shared)), "true");
  EXPECT_EQ(network->labels.count(std::string(labels::instance)), 0u);
  runner_->shutdown(true);  // the first instance goes; the other one's task still uses the network
  EXPECT_TRUE(docker().inspect_network(network_).ok()) << "removed under another instance's running task";
  auto still = docker().inspect_container(ready_b->runtime_id);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->running);

  // The last user removes it.
  other->shutdown(true);
  EXPECT_FALSE(docker().inspect_network(network_).ok()) << network_ << " outlived its last user";
}

}  // namespace
}  // namespace ecslocal::runtime::test
