// Exec against the real daemon (the calls ECS Exec is built on): create, start hijacked with a
// pty, write to the process and read its output to the end, resize, inspect, and the refusals.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <thread>

#include "runtime/logs/log_frames.hpp"
#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;
using runtime::DockerErrorKind;
using runtime::ExecCreateSpec;
using runtime::ExecStream;

ExecCreateSpec exec_of(std::vector<std::string> cmd) {
  ExecCreateSpec spec;
  spec.cmd = std::move(cmd);
  return spec;
}

// The output's lines, without the pty's "\r".
std::vector<std::string> lines_of(const std::string& output) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : output) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else if (c != '\r') {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

class ExecTest : public DockerTest {
 protected:
  // A running container to exec in.
  std::string sleeper() { return create_and_start(container_spec({"sleep", "300"})); }

  // Creates and starts an exec; fails the test on error (null then).
  std::unique_ptr<ExecStream> start(const std::string& container, const ExecCreateSpec& spec,
                                    std::string* exec_id = nullptr) {
    auto id = docker().create_exec(container, spec);
    EXPECT_TRUE(id.ok()) << id.error().describe();
    if (!id) return nullptr;
    if (exec_id != nullptr) *exec_id = *id;
    auto stream = docker().start_exec(*id);
    EXPECT_TRUE(stream.ok()) << stream.error().describe();
    if (!stream) return nullptr;
    return std::move(stream).value();
  }

  // Writes all of `text` to the process's stdin.
  static void write(ExecStream& stream, const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      ssize_t n = ::send(stream.fd(), text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0) << "writing to the exec: " << std::strerror(errno);
      sent += static_cast<std::size_t>(n);
    }
  }

  // What the process sends until `needle` has come (empty: until Docker closes the connection,
  // the process having exited); fails the test after `limit`, returning what came so far.
  static std::string read_until(ExecStream& stream, const std::string& needle,
                                std::chrono::milliseconds limit = 10s) {
    std::string out = stream.take_buffered();
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[65536];
    while (needle.empty() || out.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) {
        ADD_FAILURE() << "the exec's output did not " << (needle.empty() ? "end" : "show \"" + needle + "\"")
                      << " within " << limit.count() << " ms; got " << out.size() << " bytes: " << out.substr(0, 500);
        break;
      }
      pollfd p{stream.fd(), POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready <= 0) continue;
      ssize_t n = ::recv(stream.fd(), buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!needle.empty()) ADD_FAILURE() << "the exec's output ended without \"" << needle << "\": " << out;
        break;
      }
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Until the process has exited.
  static std::string read_to_eof(ExecStream& stream, std::chrono::milliseconds limit = 10s) {
    return read_until(stream, "", limit);
  }

  // Inspects until the exec reports its exit code (it may lag the end of the output a little).
  runtime::ExecState wait_exec_exit(const std::string& exec_id) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      auto state = docker().inspect_exec(exec_id);
      EXPECT_TRUE(state.ok()) << state.error().describe();
      if (!state) return {};
      if ((!state->running && state->exit_code) || std::chrono::steady_clock::now() > deadline) return *state;
      std::this_thread::sleep_for(20ms);
    }
  }
};

TEST_F(ExecTest, InteractiveShellWithTtyAndExitCode) {
  auto container = sleeper();
  std::string exec_id;
  auto stream = start(container, exec_of({"sh"}), &exec_id);
  ASSERT_NE(stream, nullptr);
  EXPECT_GE(stream->fd(), 0);

  write(*stream, "echo hel''lo\n");  // the pty echoes the input: only the shell's output says "hello"
  std::string output = read_until(*stream, "hello");
  auto running = docker().inspect_exec(exec_id);
  ASSERT_TRUE(running.ok()) << running.error().describe();
  EXPECT_TRUE(running->running);
  EXPECT_FALSE(running->exit_code.has_value()) << "Docker's ExitCode is null while the exec runs";
  EXPECT_GT(running->pid, 0);

  write(*stream, "exit 7\n");
  output += read_to_eof(*stream);
  EXPECT_NE(output.find("hello"), std::string::npos) << output;

  auto done = wait_exec_exit(exec_id);
  EXPECT_FALSE(done.running);
  ASSERT_TRUE(done.exit_code.has_value());
  EXPECT_EQ(*done.exit_code, 7);
}

TEST_F(ExecTest, ResizeThePty) {
  auto container = sleeper();
  std::string exec_id;
  auto stream = start(container, exec_of({"sh"}), &exec_id);
  ASSERT_NE(stream, nullptr);
  auto resized = docker().resize_exec(exec_id, 123, 45);
  ASSERT_TRUE(resized.ok()) << resized.error().describe();
  write(*stream, "stty size\n");
  write(*stream, "exit\n");
  std::string output = read_to_eof(*stream);
  EXPECT_NE(output.find("45 123"), std::string::npos) << output;  // rows, then columns
  EXPECT_EQ(wait_exec_exit(exec_id).exit_code, 0);
}

TEST_F(ExecTest, EnvironmentAndRootUser) {
  auto container = sleeper();
  ExecCreateSpec spec = exec_of({"sh", "-c", "echo $TERM $LANG; id -u"});
  spec.env = {"TERM=xterm-256color", "LANG=C.UTF-8"};
  auto stream = start(container, spec);
  ASSERT_NE(stream, nullptr);
  auto lines = lines_of(read_to_eof(*stream));
  int fd = stream->release();  // the caller's socket now
  EXPECT_GE(fd, 0);
  EXPECT_EQ(stream->fd(), -1);
  ::close(fd);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "xterm-256color C.UTF-8"), lines.end()) << ::testing::PrintToString(lines);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "0"), lines.end()) << "id -u: " << ::testing::PrintToString(lines);
}

TEST_F(ExecTest, BigOutputArrivesWhole) {
  auto container = sleeper();
  // -opost: the pty passes the bytes through as they are (no "\n" to "\r\n").
  auto stream = start(container, exec_of({"sh", "-c", "stty -opost; head -c 3000000 /dev/zero | tr '\\0' a"}));
  ASSERT_NE(stream, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  std::string output = read_to_eof(*stream, 20s);
  std::cout << "[docker] 3 MB of exec output in " << millis(std::chrono::steady_clock::now() - t0) << "\n";
  EXPECT_EQ(std::count(output.begin(), output.end(), 'a'), 3000000);
  EXPECT_EQ(output.size(), 3000000u);
}

TEST_F(ExecTest, WithoutTtyTheOutputIsMultiplexed) {
  auto container = sleeper();
  ExecCreateSpec spec = exec_of({"sh", "-c", "echo out; echo err >&2"});
  spec.tty = false;
  auto stream = start(container, spec);
  ASSERT_NE(stream, nullptr);
  std::string output = read_to_eof(*stream);
  runtime::LogStreamDecoder decoder(false, runtime::LogStreamDecoder::Framing::multiplexed);
  std::vector<std::string> lines;
  auto on_line = [&](const runtime::LogLine& line) {
    lines.push_back((line.stream == runtime::LogStream::stderr_stream ? "err:" : "out:") + line.text);
  };
  ASSERT_TRUE(decoder.feed(output, on_line)) << output;
  decoder.finish(on_line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"err:err", "out:out"}));
}

TEST_F(ExecTest, Refusals) {
  auto unknown = docker().create_exec("ecslocal-no-such-container", exec_of({"sh"}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, DockerErrorKind::not_found) << unknown.error().describe();

  auto exited = create_and_start(container_spec({"true"}));
  ASSERT_TRUE(wait_exit(exited).has_value());
  auto stopped = docker().create_exec(exited, exec_of({"sh"}));
  ASSERT_FALSE(stopped.ok()) << "exec in an exited container";
  EXPECT_EQ(stopped.error().kind, DockerErrorKind::conflict) << stopped.error().describe();

  auto no_exec = docker().start_exec("0123456789abcdef");
  ASSERT_FALSE(no_exec.ok());
  EXPECT_EQ(no_exec.error().kind, DockerErrorKind::not_found) << no_exec.error().describe();
  auto no_state = docker().inspect_exec("0123456789abcdef");
  ASSERT_FALSE(no_state.ok());
  EXPECT_EQ(no_state.error().kind, DockerErrorKind::not_found) << no_state.error().describe();
  auto no_resize = docker().resize_exec("0123456789abcdef", 80, 24);
  ASSERT_FALSE(no_resize.ok());
  EXPECT_EQ(no_resize.error().kind, DockerErrorKind::not_found) << no_resize.error().describe();
}

}  // namespace
}  // namespace ecslocal::testing
