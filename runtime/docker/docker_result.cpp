#include "runtime/docker/docker_result.hpp"

namespace ecslocal::runtime {

const char* to_string(DockerErrorKind kind) {
  switch (kind) {
    case DockerErrorKind::unavailable: return "unavailable";
    case DockerErrorKind::timeout: return "timeout";
    case DockerErrorKind::cancelled: return "cancelled";
    case DockerErrorKind::bad_request: return "bad_request";
    case DockerErrorKind::unauthorized: return "unauthorized";
    case DockerErrorKind::not_found: return "not_found";
    case DockerErrorKind::conflict: return "conflict";
    case DockerErrorKind::server: return "server";
    case DockerErrorKind::stream: return "stream";
    case DockerErrorKind::protocol: return "protocol";
  }
  return "unknown";
}

std::string DockerError::describe() const {
  std::string out = to_string(kind);
  if (http_status != 0) out += " (" + std::to_string(http_status) + ")";
  if (!message.empty()) out += ": " + message;
  return out;
}

DockerErrorKind error_kind_for_status(long http_status) {
  switch (http_status) {
    case 400: return DockerErrorKind::bad_request;
    case 401:
    case 403: return DockerErrorKind::unauthorized;
    case 404: return DockerErrorKind::not_found;
    case 409: return DockerErrorKind::conflict;
    default: return DockerErrorKind::server;
  }
}

}  // namespace ecslocal::runtime
