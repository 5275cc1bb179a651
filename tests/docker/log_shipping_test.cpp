// LogShipper against the real daemon: a container printing to stdout and stderr and exiting
// right after its last line (which has no newline) is shipped completely, each stream in its
// order, once; a running container's lines arrive while it runs. Prints the delay from Docker's
// timestamp of a line to its delivery.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "runtime/logs/log_shipper.hpp"
#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::runtime::test {
namespace {

using namespace std::chrono_literals;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Collected {
 public:
  LogBatchSink sink() {
    return [this](LogBatch batch) {
      std::lock_guard lock(m_);
      for (auto& e : batch.events) {
        delays_ms.push_back(wall_ms() - e.timestamp_ms);
        messages.push_back(std::move(e.message));
        stream = batch.destination.stream;
      }
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds limit) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] { return messages.size() >= count; });
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(m_);
    return messages;
  }
  std::vector<std::string> messages;
  std::vector<std::int64_t> delays_ms;
  std::string stream;

 private:
  std::mutex m_;
  std::condition_variable cv_;
};

std::vector<std::string> only_prefixed(const std::vector<std::string>& lines, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  return out;
}

class LogShippingDocker : public testing::DockerTest {};

TEST_F(LogShippingDocker, AContainerThatExitsRightAfterPrintingIsShippedCompletely) {
  std::string script;
  std::vector<std::string> out, err;
  for (int i = 1; i <= 50; ++i) {
    script += "echo out-" + std::to_string(i) + "; echo err-" + std::to_string(i) + " >&2; ";
    out.push_back("out-" + std::to_string(i));
    err.push_back("err-" + std::to_string(i));
  }
  script += "printf 'out-last, no newline'";
  out.push_back("out-last, no newline");
  for (int round = 0; round < 3; ++round) {  // the race with the container's exit, a few times
    Collected got;
    LogShipper shipper(docker());
    shipper.set_sink(got.sink());
    const std::string id = create_and_start(container_spec({"sh", "-c", script}));
    shipper.follow("task", id, {"acct", "us-east-1", "g", "p/app/1"});
    ASSERT_TRUE(wait_exit(id).has_value());
    shipper.finish("task");
    EXPECT_EQ(got.messages.size(), out.size() + err.size()) << "round " << round;
    EXPECT_EQ(only_prefixed(got.messages, "out-"), out) << "round " << round;
    EXPECT_EQ(only_prefixed(got.messages, "err-"), err) << "round " << round;
    EXPECT_EQ(got.stream, "p/app/1");
  }
}

TEST_F(LogShippingDocker, LinesOfARunningContainerArriveWhileItRuns) {
  Collected got;
  LogShipper shipper(docker());
  shipper.set_sink(got.sink());
  const std::string id = create_and_start(
      container_spec({"sh", "-c", "for i in 1 2 3 4 5; do echo tick-$i; sleep 0.2; done; exec sleep 60"}));
  shipper.follow("task", id, {"acct", "us-east-1", "g", ""});
  ASSERT_TRUE(got.wait_for(5, 20s)) << "only " << got.snapshot().size() << " lines arrived";
  EXPECT_EQ(got.snapshot(), (std::vector<std::string>{"tick-1", "tick-2", "tick-3", "tick-4", "tick-5"}));
  EXPECT_EQ(got.stream, id);  // no stream name given: the container id
  std::int64_t worst = 0;
  for (auto d : got.delays_ms) worst = std::max(worst, d);
  std::fprintf(stderr, "[log shipping] Docker timestamp -> delivered: worst %lld ms over %zu lines\n",
               static_cast<long long>(worst), got.delays_ms.size());
  ASSERT_TRUE(docker().stop_container(id, 1s).ok());
  shipper.finish("task");
  EXPECT_EQ(shipper.followers(), 0u);
}

}  // namespace
}  // namespace ecslocal::runtime::test
