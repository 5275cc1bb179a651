#include "runtime/docker/docker_host.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ecslocal::runtime {
namespace {

TEST(DockerHost, DefaultsToTheUnixSocket) {
  auto endpoint = parse_docker_host("");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->unix_socket, "/var/run/docker.sock");
  EXPECT_EQ(endpoint->base_url, "http://localhost");
}

TEST(DockerHost, UnixAndTcp) {
  EXPECT_EQ(parse_docker_host("unix:///run/user/1000/docker.sock")->unix_socket, "/run/user/1000/docker.sock");
  auto tcp = parse_docker_host("tcp://10.0.0.5:2376");
  ASSERT_TRUE(tcp.ok());
  EXPECT_TRUE(tcp->unix_socket.empty());
  EXPECT_EQ(tcp->base_url, "http://10.0.0.5:2376");
  EXPECT_EQ(parse_docker_host("tcp://docker")->base_url, "http://docker:2375");
  EXPECT_EQ(parse_docker_host("tcp://[::1]")->base_url, "http://[::1]:2375");
  EXPECT_EQ(parse_docker_host("tcp://[::1]:2380/")->base_url, "http://[::1]:2380");
  EXPECT_EQ(parse_docker_host("http://127.0.0.1:2375")->base_url, "http://127.0.0.1:2375");
}

TEST(DockerHost, RefusesWhatItCannotSpeak) {
  for (auto bad : {"ssh://user@host", "npipe:////./pipe/docker_engine", "unix://relative.sock", "tcp://", "/var/run/x"}) {
    auto endpoint = parse_docker_host(bad);
    ASSERT_FALSE(endpoint.ok()) << bad;
    EXPECT_EQ(endpoint.error().kind, DockerErrorKind::unavailable);
    EXPECT_NE(endpoint.error().message.find(bad), std::string::npos);
  }
}

TEST(DockerHost, ReadsDockerHostFromTheEnvironment) {
  const char* saved = std::getenv("DOCKER_HOST");
  std::string restore = saved ? saved : "";
  ::setenv("DOCKER_HOST", "tcp://example:1234", 1);
  EXPECT_EQ(docker_host_from_env(), "tcp://example:1234");
  ::unsetenv("DOCKER_HOST");
  EXPECT_EQ(docker_host_from_env(), "unix:///var/run/docker.sock");
  if (saved) ::setenv("DOCKER_HOST", restore.c_str(), 1);
}

}  // namespace
}  // namespace ecslocal::runtime
