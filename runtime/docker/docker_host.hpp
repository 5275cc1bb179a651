#pragma once
// Where the Docker daemon listens: DOCKER_HOST as the docker CLI reads it.
//   unix:///var/run/docker.sock   (the default when DOCKER_HOST is unset or empty)
//   tcp://host:port               (plain HTTP; port 2375 when omitted; TLS is not supported)
//   http://host:port              (the same, spelled as a URL)
#include <string>
#include <string_view>

#include "runtime/docker/docker_result.hpp"

namespace ecslocal::runtime {

inline constexpr std::string_view default_docker_host = "unix:///var/run/docker.sock";

struct DockerEndpoint {
  std::string unix_socket;  // set for unix:// hosts
  std::string base_url;     // "http://localhost" for a unix socket, else "http://host:port"
  std::string display;      // the host as given, for messages
};

DockerResult<DockerEndpoint> parse_docker_host(std::string_view docker_host);

// DOCKER_HOST from the environment, or the default.
std::string docker_host_from_env();

}  // namespace ecslocal::runtime
