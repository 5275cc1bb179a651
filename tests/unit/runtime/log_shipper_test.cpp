// LogShipper with a Docker whose follow streams behave like 20.10's: they block while the
// container runs, hand over new lines, and may end before the last lines of a container that
// exits (a later read without follow has them).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/logs/log_shipper.hpp"
#include "tests/fakes/fake_docker_client.hpp"

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;

class FollowingDocker : public testing::FakeDockerClient {
 public:
  void write(const std::string& id, LogStream stream, const std::string& text) {
    std::lock_guard lock(m_);
    logs_[id].push_back({stream, text, ++clock_});
    cv_.notify_all();
  }
  // The container exits; its follow streams end without the last `withheld` lines.
  void exit(const std::string& id, std::size_t withheld = 0) {
    std::lock_guard lock(m_);
    exited_[id] = withheld;
    cv_.notify_all();
  }
  int reads = 0;

  DockerStatus stream_logs(const std::string& id, const LogsQuery& query, const LogCallback& on_line,
                           std::stop_token stop) override {
    std::unique_lock lock(m_);
    ++reads;
    std::size_t next = 0;
    auto& lines = logs_[id];
    while (true) {
      const bool exited = exited_.count(id) > 0;
      const std::size_t visible = exited && query.follow ? lines.size() - std::min(lines.size(), exited_[id]) : lines.size();
      for (; next < visible; ++next) {
        if (lines[next].time_nano < query.since_nano) continue;
        LogLine line = lines[next];
        lock.unlock();
        on_line(line);
        lock.lock();
      }
      if (!query.follow || exited) return docker_ok();
      if (stop.stop_requested()) return docker_ok();
      cv_.wait_for(lock, 5ms);
    }
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<LogLine>> logs_;
  std::map<std::string, std::size_t> exited_;
  std::int64_t clock_ = 1'700'000'000'000'000'000;  // ns
};

class Received {
 public:
  LogBatchSink sink() {
    return [this](LogBatch batch) {
      std::lock_guard lock(m_);
      for (auto& e : batch.events) {
        streams.push_back(batch.destination.stream);
        messages.push_back(e.message);
        times.push_back(e.timestamp_ms);
      }
      cv_.notify_all();
    };
  }
  bool wait_for_count(std::size_t n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 10s, [&] { return messages.size() >= n; });
  }
  std::vector<std::string> streams, messages;
  std::vector<std::int64_t> times;

 private:
  std::mutex m_;
  std::condition_variable cv_;
};

LogShipperOptions fast() {
  LogShipperOptions o;
  o.flush_interval = 10ms;
  o.drain_timeout = 2s;
  return o;
}

TEST(LogShipper, EveryLineOfAnExitedContainerIsDeliveredOnceBeforeFinishReturns) {
  FollowingDocker docker;
  Received got;
  LogShipper shipper(docker, fast());
  shipper.set_sink(got.sink());
  docker.write("c1", LogStream::stdout_stream, "before follow");
  shipper.follow("task", "c1", {"acct", "us-east-1", "g", "p/app/1"});
  docker.write("c1", LogStream::stderr_stream, "to stderr");
  docker.write("c1", LogStream::stdout_stream, "");  // empty: skipped
  docker.write("c1", LogStream::stdout_stream, "second to last");
  docker.write("c1", LogStream::stdout_stream, "last");
  docker.exit("c1", 2);  // the follow stream misses "second to last" and "last"
  shipper.finish("task");
  EXPECT_EQ(got.messages, (std::vector<std::string>{"before follow", "to stderr", "second to last", "last"}));
  EXPECT_EQ(got.streams, std::vector<std::string>(4, "p/app/1"));
  EXPECT_EQ(got.times.front(), 1'700'000'000'000);  // Docker's time, in ms
  EXPECT_EQ(shipper.followers(), 0u);
  EXPECT_GE(docker.reads, 2);
}

TEST(LogShipper, LinesOfARunningContainerArriveWithoutWaitingForItsEnd) {
  FollowingDocker docker;
  Received got;
  LogShipper shipper(docker, fast());
  shipper.set_sink(got.sink());
  shipper.follow("task", "c1", {"acct", "us-east-1", "g", ""});
  docker.write("c1", LogStream::stdout_stream, "hello");
  ASSERT_TRUE(got.wait_for_count(1));
  EXPECT_EQ(got.streams.at(0), "c1");  // no stream name given: the container id
  docker.exit("c1");
  shipper.finish("task");
  EXPECT_EQ(got.messages, std::vector<std::string>{"hello"});
}

TEST(LogShipper, FinishGivesUpOnAContainerThatKeepsRunning) {
  FollowingDocker docker;
  Received got;
  LogShipperOptions options = fast();
  options.drain_timeout = 50ms;
  LogShipper shipper(docker, options);
  shipper.set_sink(got.sink());
  shipper.follow("a", "c1", {"acct", "r", "g", "s1"});
  shipper.follow("b", "c2", {"acct", "r", "g", "s2"});
  docker.write("c1", LogStream::stdout_stream, "one");
  shipper.finish("a");  // c1 never exits: stopped after the drain timeout, what was read delivered
  EXPECT_EQ(got.messages, std::vector<std::string>{"one"});
  EXPECT_EQ(shipper.followers(), 1u);  // b's follower is untouched
  shipper.shutdown();
  EXPECT_EQ(shipper.followers(), 0u);
}

TEST(LogShipper, LongLinesAreSplitIntoEvents) {
  FollowingDocker docker;
  Received got;
  LogShipperOptions options = fast();
  options.max_message_bytes = 4;
  LogShipper shipper(docker, options);
  shipper.set_sink(got.sink());
  docker.write("c1", LogStream::stdout_stream, "abcdefghij");
  docker.exit("c1");
  shipper.follow("t", "c1", {"acct", "r", "g", "s"});
  shipper.finish("t");
  EXPECT_EQ(got.messages, (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

}  // namespace
}  // namespace ecslocal::runtime
