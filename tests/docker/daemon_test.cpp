// The daemon and images: ping, version negotiation, inspect, and a pull that cannot succeed
// offline (no registry is reachable here — the failure and its message are what is tested).
#include "tests/docker/docker_fixture.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(DockerTest, PingAndVersion) {
  auto ping = docker().ping();
  ASSERT_TRUE(ping.ok()) << ping.error().describe();
  auto version = docker().version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_FALSE(version->version.empty());
  EXPECT_FALSE(version->api_version.empty());
  EXPECT_EQ(version->os, "linux");
  // Never above the API version the client is written for; 1.41 on Docker 20.10 and later.
  std::string expected = "/v" + runtime::lower_api_version(version->api_version, runtime::max_api_version);
  EXPECT_EQ(docker().api_prefix(), expected);
  std::cout << "[docker] engine " << version->version << ", API " << version->api_version << ", client uses "
            << docker().api_prefix() << "\n";
}

TEST_F(DockerTest, InspectsTheTestImageAndReportsAMissingOne) {
  auto image = docker().inspect_image(test_image);
  ASSERT_TRUE(image.ok()) << image.error().describe();
  EXPECT_EQ(image->id.rfind("sha256:", 0), 0u);
  EXPECT_NE(std::find(image->repo_tags.begin(), image->repo_tags.end(), test_image), image->repo_tags.end());
  auto missing = docker().inspect_image("ecslocal-test/no-such-image:never");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, runtime::DockerErrorKind::not_found);
  EXPECT_EQ(missing.error().http_status, 404);
}

TEST_F(DockerTest, PullingWithoutARegistryFailsWithDockersReason) {
  // ".invalid" never resolves (RFC 2606): the daemon gives up at the DNS lookup.
  const std::string reference = "registry.invalid/ecslocal/missing:1.0";
  auto started = std::chrono::steady_clock::now();
  auto pulled = docker().pull_image(reference, std::nullopt);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(pulled.ok()) << "pulled " << reference << " with no registry reachable";
  EXPECT_NE(pulled.error().message.find("registry.invalid"), std::string::npos) << pulled.error().describe();
  EXPECT_TRUE(pulled.error().kind == runtime::DockerErrorKind::stream ||
              pulled.error().kind == runtime::DockerErrorKind::server ||
              pulled.error().kind == runtime::DockerErrorKind::not_found)
      << pulled.error().describe();
  EXPECT_LT(took, 60s);
  std::cout << "[docker] pull failed after " << millis(took) << ": " << pulled.error().describe() << "\n";
  EXPECT_FALSE(docker().inspect_image(reference).ok());
}

}  // namespace
}  // namespace ecslocal::testing
