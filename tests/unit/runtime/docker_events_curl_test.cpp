// DockerEventStream over the real libcurl client and a scripted daemon that breaks the stream:
// the reconnection asks since= the last event, the replayed event is dropped, resync is called.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/docker_events.hpp"
#include "tests/unit/runtime/unix_http_stub.hpp"

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;
using testing::StubConnection;
using testing::StubRequest;
using testing::UnixHttpStub;

std::string event_line(const std::string& id, const std::string& action, long long time_nano) {
  return R"({"Type":"container","Action":")" + action + R"(","Actor":{"ID":")" + id +
         R"(","Attributes":{"ecslocal.managed":"true","exitCode":"0"}},"timeNano":)" + std::to_string(time_nano) +
         "}\n";
}

TEST(DockerEventStreamOverCurl, ReconnectsWithSinceAfterTheDaemonDropsTheStream) {
  std::atomic<int> connection{0};
  UnixHttpStub stub([&](const StubRequest&, StubConnection& c) {
    int n = ++connection;
    c.start_chunked();
    if (n == 1) {  // two events, then the daemon goes away mid-line
      c.chunk(event_line("c1", "start", 1000) + event_line("c1", "die", 2000) + R"({"Type":"contai)");
      return;  // closes without the last chunk: a broken stream
    }
    // Docker replays from since= (inclusive): the die at 2000 again, then a new event.
    c.chunk(event_line("c1", "die", 2000) + event_line("c1", "destroy", 3000));
    c.hold();
  });
  CurlDockerClientOptions options;
  options.docker_host = stub.docker_host();
  options.api_version = "1.41";
  auto client = std::move(CurlDockerClient::create(options)).value();

  std::mutex mutex;
  std::vector<std::string> seen;
  std::vector<bool> resyncs;
  std::vector<std::string> breaks;
  DockerEventStreamOptions stream_options;
  stream_options.initial_backoff = 10ms;
  DockerEventStream stream(*client,
                           {[&](const ContainerEvent& e) {
                              std::lock_guard l(mutex);
                              seen.push_back(e.raw_action);
                            },
                            [&](bool after_break) {
                              std::lock_guard l(mutex);
                              resyncs.push_back(after_break);
                            },
                            [&](const DockerError& e) {
                              std::lock_guard l(mutex);
                              breaks.push_back(e.describe());
                            }},
                           stream_options);
  stream.start();
  for (int i = 0; i < 300; ++i) {
    {
      std::lock_guard l(mutex);
      if (seen.size() >= 3) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  auto stopping = std::chrono::steady_clock::now();
  stream.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 500ms);

  EXPECT_EQ(seen, (std::vector<std::string>{"start", "die", "destroy"}));
  EXPECT_EQ(resyncs, (std::vector<bool>{false, true}));
  ASSERT_EQ(breaks.size(), 1u);
  auto requests = stub.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target.find("since="), std::string::npos);
  EXPECT_NE(requests[1].target.find("&since=0.000002000"), std::string::npos) << requests[1].target;
  EXPECT_EQ(stream.last_event_nano(), 3000);
}

}  // namespace
}  // namespace ecslocal::runtime
