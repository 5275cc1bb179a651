// DockerEventStream against the fake client: delivery, resync after every connection,
// reconnection with since= and no duplicates, back-off while the daemon is down, prompt stop.
#include "runtime/docker/docker_events.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "runtime/labels.hpp"
#include "tests/fakes/fake_docker_client.hpp"

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;
using testing::FakeDockerClient;

// Collects what the stream reports, thread-safely, and waits for it.
struct Recorder {
  std::mutex mutex;
  std::vector<ContainerEvent> events;
  std::vector<bool> resyncs;
  int breaks = 0;

  DockerEventStreamCallbacks callbacks() {
    return {[this](const ContainerEvent& e) { std::lock_guard l(mutex); events.push_back(e); },
            [this](bool after_break) { std::lock_guard l(mutex); resyncs.push_back(after_break); },
            [this](const DockerError&) { std::lock_guard l(mutex); ++breaks; }};
  }
  template <typename Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = 3s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard l(mutex);
        if (pred()) return true;
      }
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }
  std::vector<std::string> actions() {
    std::lock_guard l(mutex);
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.raw_action);
    return out;
  }
};

ContainerCreateSpec managed(const std::string& name) {
  ContainerCreateSpec spec;
  spec.name = name;
  spec.image = "busybox";
  spec.labels = {{std::string(labels::managed), "true"}};
  return spec;
}

DockerEventStreamOptions fast() {
  DockerEventStreamOptions options;
  options.initial_backoff = 5ms;
  options.max_backoff = 40ms;
  return options;
}

TEST(DockerEventStream, DeliversLabelledEventsAndResyncsOnFirstConnection) {
  FakeDockerClient docker;
  docker.add_image("busybox");
  Recorder seen;
  DockerEventStream stream(docker, seen.callbacks(), fast());
  stream.start();
  ASSERT_TRUE(seen.wait_for([&] { return stream.connected(); }));
  auto id = docker.create_container(managed("a")).value();
  ASSERT_TRUE(docker.start_container(id).ok());
  ASSERT_TRUE(docker.kill_container(id).ok());
  auto unlabelled = managed("b");
  unlabelled.labels.clear();
  ASSERT_TRUE(docker.create_container(unlabelled).ok());
  ASSERT_TRUE(seen.wait_for([&] { return seen.events.size() >= 4; }));
  stream.stop();
  EXPECT_EQ(seen.actions(), (std::vector<std::string>{"create", "start", "kill", "die"}));
  EXPECT_EQ(seen.events[3].exit_code, 137);
  EXPECT_EQ(seen.resyncs, std::vector<bool>{false});
  EXPECT_EQ(docker.event_queries().at(0).labels, std::vector<std::string>{"ecslocal.managed=true"});
  EXPECT_EQ(docker.event_queries().at(0).since_nano, 0);
}

TEST(DockerEventStream, ReconnectsSinceTheLastEventWithoutDuplicates) {
  FakeDockerClient docker;
  docker.add_image("busybox");
  Recorder seen;
  DockerEventStream stream(docker, seen.callbacks(), fast());
  stream.start();
  ASSERT_TRUE(seen.wait_for([&] { return stream.connected(); }));
  auto id = docker.create_container(managed("a")).value();
  ASSERT_TRUE(seen.wait_for([&] { return seen.events.size() == 1; }));
  std::int64_t last = seen.events[0].time_nano;

  docker.break_event_streams();
  ASSERT_TRUE(docker.start_container(id).ok());  // happens while the stream is down
  ASSERT_TRUE(seen.wait_for([&] { return seen.events.size() == 2 && seen.resyncs.size() == 2; }));
  ASSERT_TRUE(docker.stop_container(id, 10s).ok());
  ASSERT_TRUE(seen.wait_for([&] { return seen.events.size() == 5; }));
  stream.stop();

  EXPECT_EQ(seen.actions(), (std::vector<std::string>{"create", "start", "kill", "die", "stop"}));
  EXPECT_EQ(seen.resyncs, (std::vector<bool>{false, true}));
  EXPECT_EQ(seen.breaks, 1);
  auto queries = docker.event_queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[1].since_nano, last);  // the replay includes `create` again: dropped
  EXPECT_EQ(stream.connections(), 2u);
}

TEST(DockerEventStream, KeepsRetryingWhileTheDaemonIsDownWithGrowingBackoff) {
  FakeDockerClient docker;
  docker.set_down(true);
  Recorder seen;
  DockerEventStream stream(docker, seen.callbacks(), fast());
  stream.start();
  ASSERT_TRUE(seen.wait_for([&] { return seen.breaks >= 4; }));
  EXPECT_FALSE(stream.connected());
  EXPECT_TRUE(seen.resyncs.empty());
  docker.set_down(false);
  ASSERT_TRUE(seen.wait_for([&] { return stream.connected(); }));
  stream.stop();
  EXPECT_EQ(seen.resyncs, std::vector<bool>{false});  // never connected before: not "after a break"
  int attempts = docker.count(DockerOp::events);
  EXPECT_GE(attempts, 5);
  EXPECT_LT(attempts, 60);  // 5, 10, 20, 40, 40 ms ... not a busy loop
}

TEST(DockerEventStream, ReconnectWithoutAnyEventAsksFromTheLastConnection) {
  FakeDockerClient docker;
  Recorder seen;
  auto options = fast();
  options.wall_clock_nano = [] { return 1700000000000000000LL; };
  DockerEventStream stream(docker, seen.callbacks(), options);
  stream.start();
  ASSERT_TRUE(seen.wait_for([&] { return stream.connected(); }));
  docker.break_event_streams();
  ASSERT_TRUE(seen.wait_for([&] { return seen.resyncs.size() == 2; }));
  stream.stop();
  EXPECT_EQ(docker.event_queries().at(1).since_nano, 1700000000000000000LL - 1000000000LL);
}

TEST(DockerEventStream, StopsPromptlyWhetherConnectedOrBackingOff) {
  FakeDockerClient docker;
  Recorder seen;
  {
    DockerEventStream stream(docker, seen.callbacks(), fast());
    stream.start();
    ASSERT_TRUE(seen.wait_for([&] { return stream.connected(); }));
    auto started = std::chrono::steady_clock::now();
    stream.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 200ms);
  }
  docker.set_down(true);
  auto options = fast();
  options.initial_backoff = options.max_backoff = 10s;
  DockerEventStream stream(docker, seen.callbacks(), options);
  stream.start();
  ASSERT_TRUE(seen.wait_for([&] { return seen.breaks >= 1; }));
  auto started = std::chrono::steady_clock::now();
  stream.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 200ms);
  stream.stop();  // idempotent
}

}  // namespace
}  // namespace ecslocal::runtime
