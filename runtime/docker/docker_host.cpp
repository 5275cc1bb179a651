#include "runtime/docker/docker_host.hpp"

#include <cstdlib>

namespace ecslocal::runtime {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

DockerResult<DockerEndpoint> tcp_endpoint(std::string_view given, std::string_view authority) {
  while (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.empty() || authority.find('/') != std::string_view::npos) {
    return docker_error(DockerErrorKind::unavailable, "invalid DOCKER_HOST '" + std::string(given) +
                                                          "': expected tcp://host:port");
  }
  std::string host_port(authority);
  bool bracketed_v6 = host_port.front() == '[';
  auto colon = host_port.rfind(':');
  bool has_port = colon != std::string::npos && (!bracketed_v6 || colon > host_port.find(']'));
  if (!has_port) host_port += ":2375";
  return DockerEndpoint{"", "http://" + host_port, std::string(given)};
}

}  // namespace

DockerResult<DockerEndpoint> parse_docker_host(std::string_view docker_host) {
  if (docker_host.empty()) docker_host = default_docker_host;
  if (starts_with(docker_host, "unix://")) {
    std::string path(docker_host.substr(7));
    if (path.empty() || path.front() != '/') {
      return docker_error(DockerErrorKind::unavailable, "invalid DOCKER_HOST '" + std::string(docker_host) +
                                                            "': expected unix:///absolute/path");
    }
    return DockerEndpoint{path, "http://localhost", std::string(docker_host)};
  }
  if (starts_with(docker_host, "tcp://")) return tcp_endpoint(docker_host, docker_host.substr(6));
  if (starts_with(docker_host, "http://")) return tcp_endpoint(docker_host, docker_host.substr(7));
  return docker_error(DockerErrorKind::unavailable,
                      "unsupported DOCKER_HOST '" + std::string(docker_host) +
                          "': use unix:///path/to/docker.sock or tcp://host:port (TLS is not supported)");
}

std::string docker_host_from_env() {
  const char* value = std::getenv("DOCKER_HOST");
  if (value == nullptr || *value == '\0') return std::string(default_docker_host);
  return value;
}

}  // namespace ecslocal::runtime
