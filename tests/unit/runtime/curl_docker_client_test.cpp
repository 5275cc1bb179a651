// CurlDockerClient against a scripted HTTP server on a unix socket: paths, query encoding, API
// version negotiation, error mapping, streams, timeouts and prompt stops — no daemon needed.
#include "runtime/docker/curl_docker_client.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tests/unit/runtime/unix_http_stub.hpp"

namespace ecslocal::runtime {
namespace {

using testing::StubConnection;
using testing::StubRequest;
using testing::UnixHttpStub;
using namespace std::chrono_literals;

std::unique_ptr<CurlDockerClient> client_for(const UnixHttpStub& stub, std::string api_version = "1.41") {
  CurlDockerClientOptions options;
  options.docker_host = stub.docker_host();
  options.api_version = std::move(api_version);
  return std::move(CurlDockerClient::create(options)).value();
}

TEST(CurlDockerClient, NegotiatesTheApiVersionButNeverAboveItsOwn) {
  for (auto [server, expected] : {std::pair{"1.43", "/v1.41"}, std::pair{"1.40", "/v1.40"}}) {
    UnixHttpStub stub([server = std::string(server)](const StubRequest& request, StubConnection& c) {
      if (request.target == "/version") return (void)c.respond(200, R"({"ApiVersion":")" + server + R"("})");
      c.respond(200, "OK", "text/plain");
    });
    auto client = client_for(stub, "");
    ASSERT_TRUE(client->ping().ok());
    ASSERT_TRUE(client->ping().ok());
    auto requests = stub.requests();
    ASSERT_EQ(requests.size(), 3u);  // one negotiation, two pings
    EXPECT_EQ(requests[1].target, std::string(expected) + "/_ping");
  }
}

TEST(CurlDockerClient, MapsDockerErrorsToKindsWithDockersMessage) {
  UnixHttpStub stub([](const StubRequest& request, StubConnection& c) {
    if (request.target.find("/containers/abc/json") != std::string::npos) {
      return (void)c.respond(404, R"({"message":"No such container: abc"})");
    }
    c.respond(409, R"({"message":"Conflict. The container name \"/x\" is already in use"})");
  });
  auto client = client_for(stub);
  auto info = client->inspect_container("abc");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().kind, DockerErrorKind::not_found);
  EXPECT_EQ(info.error().http_status, 404);
  EXPECT_EQ(info.error().message, "No such container: abc");
  ContainerCreateSpec spec;
  spec.name = "x";
  spec.image = "busybox";
  auto created = client->create_container(spec);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, DockerErrorKind::conflict);
  auto requests = stub.requests();
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].target, "/v1.41/containers/create?name=x");
  EXPECT_NE(requests[1].head.find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(requests[1].body).at("Image"), "busybox");
}

TEST(CurlDockerClient, EncodesLabelFiltersAndAcceptsNotModifiedStarts) {
  UnixHttpStub stub([](const StubRequest& request, StubConnection& c) {
    if (request.target.find("/start") != std::string::npos) return (void)c.respond(304, "");
    if (request.method == "DELETE") return (void)c.respond(204, "");
    c.respond(200, R"([{"Id":"1","Names":["/a"],"State":"running","Labels":{"ecslocal.managed":"true"}}])");
  });
  auto client = client_for(stub);
  auto list = client->list_containers({true, {"ecslocal.managed=true"}});
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().name, "a");
  EXPECT_TRUE(client->start_container("1").ok());
  EXPECT_TRUE(client->remove_container("1", {true, true}).ok());
  auto requests = stub.requests();
  EXPECT_EQ(requests[0].target,
            "/v1.41/containers/json?all=true&filters=%7B%22label%22%3A%5B%22ecslocal.managed%3Dtrue%22%5D%7D");
  EXPECT_EQ(requests[2].target, "/v1.41/containers/1?force=true&v=true");
}

TEST(CurlDockerClient, PullFailsWithTheErrorReportedInsideTheProgressStream) {
  UnixHttpStub stub([](const StubRequest&, StubConnection& c) {
    c.start_chunked();
    c.chunk("{\"status\":\"Pulling from library/nope\",\"id\":\"latest\"}\n{\"errorDetail\":{\"message\":\"Get \\\"htt");
    c.chunk("ps://registry-1.docker.io/v2/\\\": dial tcp: lookup registry-1.docker.io: no such host\"},\"error\":\"x\"}\n");
    c.end_chunks();
  });
  auto client = client_for(stub);
  auto pulled = client->pull_image("nope", std::nullopt);
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().kind, DockerErrorKind::stream);
  EXPECT_EQ(pulled.error().message,
            "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
  EXPECT_EQ(stub.requests()[0].target, "/v1.41/images/create?fromImage=nope&tag=latest");
}

TEST(CurlDockerClient, ACallThatGetsNoAnswerTimesOut) {
  UnixHttpStub stub([](const StubRequest&, StubConnection& c) { c.hold(); });
  CurlDockerClientOptions options;
  options.docker_host = stub.docker_host();
  options.api_version = "1.41";
  options.timeouts[DockerOp::inspect_container] = 200ms;
  auto client = std::move(CurlDockerClient::create(options)).value();
  auto started = std::chrono::steady_clock::now();
  auto info = client->inspect_container("abc");
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().kind, DockerErrorKind::timeout);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 2s);
}

TEST(CurlDockerClient, NoDaemonIsUnavailable) {
  CurlDockerClientOptions options;
  options.docker_host = "unix:///tmp/ecslocal-no-such-dir/docker.sock";
  auto client = std::move(CurlDockerClient::create(options)).value();
  auto status = client->ping();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, DockerErrorKind::unavailable);
  EXPECT_NE(status.error().message.find("unix:///tmp/ecslocal-no-such-dir/docker.sock"), std::string::npos);
  options.docker_host = "ssh://host";
  EXPECT_FALSE(CurlDockerClient::create(options).ok());
}

TEST(CurlDockerClient, EventsStreamDeliversEventsThenReportsTheBreak) {
  const std::string start_line =
      R"({"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"ecslocal.managed":"true"}},"timeNano":5})";
  UnixHttpStub stub([&](const StubRequest&, StubConnection& c) {
    c.start_chunked();
    c.chunk(start_line.substr(0, 20));
    c.chunk(start_line.substr(20) + "\n" + R"({"Type":"network","Action":"connect","Actor":{"ID":"n1"}})" + "\n");
    c.end_chunks();
  });
  auto client = client_for(stub);
  int connected = 0;
  std::vector<ContainerEvent> events;
  auto status = client->stream_events({1700000000123456789LL, {"ecslocal.managed=true"}}, [&] { ++connected; },
                                      [&](const ContainerEvent& e) { events.push_back(e); }, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, DockerErrorKind::unavailable);
  EXPECT_EQ(connected, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "c1");
  EXPECT_EQ(events[0].time_nano, 5);
  EXPECT_EQ(stub.requests()[0].target,
            "/v1.41/events?filters=%7B%22label%22%3A%5B%22ecslocal.managed%3Dtrue%22%5D%2C%22type%22%3A%5B%22"
            "container%22%5D%7D&since=1700000000.123456789");
}

TEST(CurlDockerClient, StoppingAnOpenStreamReturnsAtOnce) {
  UnixHttpStub stub([](const StubRequest&, StubConnection& c) {
    c.start_chunked();
    c.hold();
  });
  auto client = client_for(stub);
  std::stop_source stop;
  std::atomic<bool> connected{false};
  std::thread stopper([&] {
    while (!connected) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration stopped_after{};
  auto status = client->stream_events({}, [&] { connected = true; }, [](const ContainerEvent&) {}, stop.get_token());
  stopped_after = std::chrono::steady_clock::now() - started;
  stopper.join();
  EXPECT_TRUE(status.ok()) << status.error().describe();
  EXPECT_LT(stopped_after, 500ms);
}

TEST(CurlDockerClient, LogsAreDemultiplexedWithTimestamps) {
  auto frame = [](char stream, const std::string& payload) {
    std::string header{stream, 0, 0, 0, 0, 0, 0, static_cast<char>(payload.size())};
    return header + payload;
  };
  UnixHttpStub stub([&](const StubRequest&, StubConnection& c) {
    std::string body = frame(1, "2024-01-02T03:04:05.000000006Z out\n") + frame(2, "2024-01-02T03:04:05.1Z err\n");
    c.respond(200, body, "application/vnd.docker.raw-stream");
  });
  auto client = client_for(stub);
  std::vector<LogLine> lines;
  LogsQuery query;
  query.since_nano = 1500000000LL;
  auto status = client->stream_logs("c1", query, [&](const LogLine& line) { lines.push_back(line); }, {});
  ASSERT_TRUE(status.ok()) << status.error().describe();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "out");
  EXPECT_EQ(lines[0].stream, LogStream::stdout_stream);
  EXPECT_EQ(lines[0].time_nano % 1000000000LL, 6);
  EXPECT_EQ(lines[1].text, "err");
  EXPECT_EQ(lines[1].stream, LogStream::stderr_stream);
  EXPECT_EQ(stub.requests()[0].target,
            "/v1.41/containers/c1/logs?stdout=true&stderr=true&timestamps=true&follow=false&since=1.500000000");
}

}  // namespace
}  // namespace ecslocal::runtime
