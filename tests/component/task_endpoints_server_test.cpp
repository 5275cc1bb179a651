// The server side of the task endpoints: HTTP over the instance's Unix socket, answered through
// the TaskMetadata port on the state strand with the relay's caller-address header passed on,
// one request per connection, and the socket file gone after stop().
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

#include "server/task_endpoints_server.hpp"
#include "tests/component/io_loop.hpp"

namespace ecslocal::testing {
namespace {

class RecordingMetadata : public api::TaskMetadata {
 public:
  api::MetadataReply serve(const std::string& method, const std::string& path, const std::string& caller,
                           std::chrono::system_clock::time_point) override {
    last_method = method;
    last_path = path;
    last_caller = caller;
    return {path == "/v4/known/task" ? 200 : 404, "{\"path\":\"" + path + "\"}"};
  }
  std::string last_method, last_path, last_caller;
};

std::string round_trip(const std::string& socket_path, const std::string& request) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    (void)!::write(fd, request.data(), request.size());
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST(TaskEndpointsServer, AnswersThroughThePortWithTheCallerAndClosesTheConnection) {
  IoLoop loop;
  RecordingMetadata metadata;
  const std::string dir = ::testing::TempDir() + "ecslocal-endpoints-" + std::to_string(::getpid());
  const std::string path = dir + "/0badf00d.sock";
  auto handler = std::make_shared<server::TaskEndpointsHandler>(
      loop.state, [&] { return static_cast<api::TaskMetadata*>(&metadata); }, [] { return std::chrono::system_clock::now(); });
  auto registry = std::make_shared<server::SessionRegistry>();
  auto unix_server = std::make_shared<server::UnixHttpServer>(loop.ioc, path, handler, server::SessionLimits{}, registry);
  unix_server->start();
  ASSERT_TRUE(std::filesystem::exists(path));

  // The relay's header comes first; a client's own copy after it does not count.
  std::string reply = round_trip(path,
                               "GET /v4/known/task?x=1 HTTP/1.1\r\nX-Ecslocal-Task-Address: 169.254.170.5\r\n"
                               "Host: 169.254.170.2\r\nX-Ecslocal-Task-Address: 169.254.170.9\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Type: application/json"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_NE(reply.find("{\"path\":\"/v4/known/task\"}"), std::string::npos) << reply;
  EXPECT_EQ(loop.on_state([&] { return metadata.last_caller; }), "169.254.170.5");
  EXPECT_EQ(loop.on_state([&] { return metadata.last_method; }), "GET");

  reply = round_trip(path, "GET /v2/credentials/nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;
  EXPECT_EQ(loop.on_state([&] { return metadata.last_caller; }), "");  // not relayed

  // A stale socket file is replaced by a new server; stop() removes it.
  unix_server->stop();
  registry->shut_down_all();
  loop.on_state([] {});
  for (int i = 0; i < 100 && std::filesystem::exists(path); ++i) loop.on_state([] {});
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir);
}

// A stats path: the port asks for stats, the handler reads them with its reader (which returns at
// once and answers from another thread), and the port makes the answer, back on the state strand.
class StatsMetadata : public api::TaskMetadata {
 public:
  explicit StatsMetadata(IoLoop& loop) : loop_(loop) {}
  api::MetadataReply serve(const std::string&, const std::string& path, const std::string&,
                           std::chrono::system_clock::time_point) override {
    if (path == "/v4/known/task/stats") return {200, "", {"c1", "c2"}};
    return {404, "\"no\""};
  }
  api::MetadataReply serve_stats(const std::string&, const std::string&, const std::string&,
                                 std::vector<api::ContainerStatsDocument> stats,
                                 std::chrono::system_clock::time_point) override {
    on_strand = loop_.state.running_in_this_thread();
    std::string body = "{";
    for (const auto& d : stats) body += (body.size() > 1 ? ",\"" : "\"") + d.id + "\":" + d.document;
    return {200, body + "}"};
  }
  bool on_strand = false;

 private:
  IoLoop& loop_;
};

TEST(TaskEndpointsServer, StatsAreReadOffTheStrandAndTheAnswerIsMadeOnIt) {
  IoLoop loop;
  StatsMetadata metadata(loop);
  const std::string dir = ::testing::TempDir() + "ecslocal-endpoints-stats-" + std::to_string(::getpid());
  const std::string path = dir + "/0badf00d.sock";
  std::vector<std::string> asked;
  bool read_on_strand = true;
  std::mutex reader_mutex;  // the reader thread is assigned before it answers
  std::thread reader;
  auto read_stats = [&](std::vector<std::string> ids, server::TaskEndpointsHandler::StatsDone done) {
    asked = ids;
    std::lock_guard lock(reader_mutex);
    reader = std::thread([&read_on_strand, &loop, &reader_mutex, ids, done = std::move(done)] {
      { std::lock_guard wait(reader_mutex); }
      read_on_strand = loop.state.running_in_this_thread();
      std::vector<api::ContainerStatsDocument> docs;
      for (const auto& id : ids) docs.push_back({id, true, "{\"id\":\"" + id + "\"}", {}, "eth0"});
      done(std::move(docs));
    });
  };
  auto handler = std::make_shared<server::TaskEndpointsHandler>(
      loop.state, [&] { return static_cast<api::TaskMetadata*>(&metadata); }, [] { return std::chrono::system_clock::now(); },
      read_stats);
  auto registry = std::make_shared<server::SessionRegistry>();
  auto unix_server = std::make_shared<server::UnixHttpServer>(loop.ioc, path, handler, server::SessionLimits{}, registry);
  unix_server->start();

  std::string reply = round_trip(path, "GET /v4/known/task/stats HTTP/1.1\r\nHost: 169.254.170.2\r\n\r\n");
  {
    std::lock_guard lock(reader_mutex);
    if (reader.joinable()) reader.join();
  }
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("{\"c1\":{\"id\":\"c1\"},\"c2\":{\"id\":\"c2\"}}"), std::string::npos) << reply;
  EXPECT_EQ(asked, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_FALSE(read_on_strand);
  EXPECT_TRUE(loop.on_state([&] { return metadata.on_strand; }));
  reply = round_trip(path, "GET /v4/other/stats HTTP/1.1\r\nHost: x\r\n\r\n");  // no stats asked: at once
  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;

  // Without a reader, a stats reply is 503 rather than a hang.
  auto bare = std::make_shared<server::TaskEndpointsHandler>(
      loop.state, [&] { return static_cast<api::TaskMetadata*>(&metadata); }, [] { return std::chrono::system_clock::now(); });
  const std::string bare_path = dir + "/0badf00e.sock";
  auto bare_server = std::make_shared<server::UnixHttpServer>(loop.ioc, bare_path, bare, server::SessionLimits{}, registry);
  bare_server->start();
  reply = round_trip(bare_path, "GET /v4/known/task/stats HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;

  unix_server->stop();
  bare_server->stop();
  registry->shut_down_all();
  loop.on_state([] {});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecslocal::testing
