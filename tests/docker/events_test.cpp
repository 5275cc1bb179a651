// The events stream against the real daemon: a labelled container's start, kill and die (with
// its exit code) arrive; unlabelled containers do not; stop is prompt.
#include <condition_variable>
#include <mutex>

#include "runtime/docker/docker_events.hpp"
#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;
using runtime::ContainerAction;
using runtime::ContainerEvent;

class EventLog {
 public:
  void add(const ContainerEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back({event, std::chrono::steady_clock::now()});
    cv_.notify_all();
  }
  // Waits for an event of `id` with `action`; when it came.
  std::optional<std::pair<ContainerEvent, std::chrono::steady_clock::time_point>> wait(
      const std::string& id, ContainerAction action, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex_);
    std::optional<std::pair<ContainerEvent, std::chrono::steady_clock::time_point>> found;
    cv_.wait_for(lock, limit, [&] {
      for (const auto& [event, at] : events_) {
        if (event.id == id && event.action == action) found = std::make_pair(event, at);
      }
      return found.has_value();
    });
    return found;
  }
  bool saw(const std::string& id) {
    std::lock_guard lock(mutex_);
    for (const auto& [event, at] : events_) {
      if (event.id == id) return true;
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<ContainerEvent, std::chrono::steady_clock::time_point>> events_;
};

TEST_F(DockerTest, EventsStreamSeesStartKillAndDieOfLabelledContainers) {
  EventLog log;
  std::atomic<int> resyncs{0};
  runtime::DockerEventStreamOptions options;
  options.labels = {runtime::labels::managed_filter(),
                    runtime::labels::filter(runtime::labels::test, docker_availability().run_label)};
  runtime::DockerEventStream stream(docker(), {[&](const ContainerEvent& e) { log.add(e); },
                                               [&](bool) { ++resyncs; }, {}},
                                    options);
  stream.start();
  for (int i = 0; i < 500 && !stream.connected(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(stream.connected());
  EXPECT_EQ(resyncs, 1);

  auto id = create_and_start(container_spec({"sleep", "300"}));
  auto start = log.wait(id, ContainerAction::start);
  ASSERT_TRUE(start.has_value()) << "no start event";
  EXPECT_GT(start->first.time_nano, 0);
  EXPECT_EQ(start->first.labels.at("ecslocal.test"), docker_availability().run_label);
  EXPECT_EQ(start->first.image, test_image);

  auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(docker().kill_container(id, "SIGKILL").ok());
  auto kill = log.wait(id, ContainerAction::kill);
  auto die = log.wait(id, ContainerAction::die);
  ASSERT_TRUE(kill.has_value()) << "no kill event";
  ASSERT_TRUE(die.has_value()) << "no die event";
  EXPECT_EQ(kill->first.signal, "9");
  EXPECT_EQ(die->first.exit_code, 137);
  EXPECT_GE(die->first.time_nano, start->first.time_nano);
  std::cout << "[docker] die event " << millis(die->second - killed_at) << " after the kill call\n";

  // A container without the run's label is filtered out by Docker.
  auto foreign_spec = container_spec({"true"});
  foreign_spec.labels.erase(std::string(runtime::labels::test));
  auto foreign = create_and_start(foreign_spec);
  auto exited = container_spec({"sh", "-c", "exit 3"});
  auto own = create_and_start(exited);
  auto own_die = log.wait(own, ContainerAction::die);
  ASSERT_TRUE(own_die.has_value());
  EXPECT_EQ(own_die->first.exit_code, 3);
  EXPECT_FALSE(log.saw(foreign));

  auto stopping = std::chrono::steady_clock::now();
  stream.stop();
  auto stop_took = std::chrono::steady_clock::now() - stopping;
  EXPECT_LT(stop_took, 500ms);
  std::cout << "[docker] events stream stopped in " << millis(stop_took) << "\n";
  EXPECT_EQ(resyncs, 1);
  EXPECT_EQ(stream.connections(), 1u);
}

TEST_F(DockerTest, ReplaysEventsSinceAGivenTime) {
  auto id = create_and_start(container_spec({"sh", "-c", "exit 5"}));
  ASSERT_TRUE(wait_exit(id).has_value());
  // A fresh stream asking from a minute ago gets the history, then is stopped.
  std::vector<ContainerEvent> seen;
  std::stop_source stop;
  runtime::EventsQuery query;
  query.labels = {runtime::labels::filter(runtime::labels::test, docker_availability().run_label)};
  query.since_nano =
      std::chrono::duration_cast<std::chrono::nanoseconds>((std::chrono::system_clock::now() - 60s).time_since_epoch())
          .count();
  auto status = docker().stream_events(
      query, [] {},
      [&](const ContainerEvent& e) {
        seen.push_back(e);
        if (e.id == id && e.action == ContainerAction::die) stop.request_stop();
      },
      stop.get_token());
  EXPECT_TRUE(status.ok()) << status.error().describe();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().action, ContainerAction::die);
  EXPECT_EQ(seen.back().exit_code, 5);
}

}  // namespace
}  // namespace ecslocal::testing
