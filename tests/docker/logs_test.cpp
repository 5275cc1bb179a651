// Container logs against the real daemon: stdout and stderr apart, timestamps, follow until the
// container ends, since=, and a follow that is stopped.
#include <thread>

#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;
using runtime::LogLine;
using runtime::LogStream;

TEST_F(DockerTest, LogsSeparateStdoutAndStderrWithTimestamps) {
  std::string long_line(20000, 'x');  // above Docker's 16 KiB message size: sent in pieces
  auto id = create_and_start(container_spec(
      {"sh", "-c", "echo out1; echo err1 >&2; printf 'no newline'; echo; echo out2; printf '%20000s\\n' '' | tr ' ' x"}));
  ASSERT_TRUE(wait_exit(id).has_value());
  std::vector<LogLine> lines;
  auto status = docker().stream_logs(id, {}, [&](const LogLine& line) { lines.push_back(line); }, {});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  std::vector<std::string> out, err;
  for (const auto& line : lines) {
    (line.stream == LogStream::stdout_stream ? out : err).push_back(line.text);
    EXPECT_GT(line.time_nano, 0);
  }
  EXPECT_EQ(out, (std::vector<std::string>{"out1", "no newline", "out2", long_line}));
  EXPECT_EQ(err, std::vector<std::string>{"err1"});
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].stream == lines[i - 1].stream) {
      EXPECT_GE(lines[i].time_nano, lines[i - 1].time_nano);
    }
  }

  // since= the second stdout line's time: the earlier lines are left out.
  runtime::LogsQuery query;
  query.since_nano = lines[2].time_nano;
  std::vector<std::string> later;
  ASSERT_TRUE(docker().stream_logs(id, query, [&](const LogLine& l) { later.push_back(l.text); }, {}).ok());
  EXPECT_EQ(std::count(later.begin(), later.end(), "out1"), 0);
  EXPECT_EQ(std::count(later.begin(), later.end(), "out2"), 1);
}

TEST_F(DockerTest, FollowedLogsEndWhenTheContainerEnds) {
  auto id = create_and_start(container_spec({"sh", "-c", "for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done"}));
  runtime::LogsQuery query;
  query.follow = true;
  std::vector<std::string> seen;
  auto started = std::chrono::steady_clock::now();
  auto status = docker().stream_logs(id, query, [&](const LogLine& l) { seen.push_back(l.text); }, {});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(seen, (std::vector<std::string>{"line1", "line2", "line3", "line4", "line5"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(DockerTest, AFollowCanBeStoppedPromptly) {
  auto id = create_and_start(container_spec({"sh", "-c", "echo ready; exec sleep 300"}));
  runtime::LogsQuery query;
  query.follow = true;
  std::stop_source stop;
  std::atomic<bool> got_line{false};
  std::chrono::steady_clock::time_point asked;
  std::thread stopper([&] {
    for (int i = 0; i < 1000 && !got_line; ++i) std::this_thread::sleep_for(5ms);
    asked = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  auto status = docker().stream_logs(id, query, [&](const LogLine& l) { got_line = l.text == "ready"; },
                                     stop.get_token());
  auto returned = std::chrono::steady_clock::now();
  stopper.join();
  EXPECT_TRUE(status.ok()) << status.error().describe();
  EXPECT_TRUE(got_line);
  EXPECT_LT(returned - asked, 500ms);
}

}  // namespace
}  // namespace ecslocal::testing
