#pragma once
// Value results for every Docker Engine call: either a value or a DockerError. Nothing in the
// runtime's interface throws; callers branch on ok() and read value() or error().
#include <string>
#include <utility>
#include <variant>

namespace ecslocal::runtime {

enum class DockerErrorKind {
  unavailable,  // the daemon cannot be reached (socket missing, connection refused, bad DOCKER_HOST)
  timeout,      // the per-call timeout (or the inactivity limit of a stream) ran out
  cancelled,    // the caller asked the call to stop
  bad_request,  // HTTP 400: Docker refused the parameters
  unauthorized, // HTTP 401 / 403
  not_found,    // HTTP 404: no such container, image or network
  conflict,     // HTTP 409: name in use, container running, ...
  server,       // HTTP 5xx or any other unexpected status
  stream,       // an error reported inside a 200 stream (e.g. an image pull that failed)
  protocol,     // the daemon answered something we could not parse
};

const char* to_string(DockerErrorKind kind);

struct DockerError {
  DockerErrorKind kind = DockerErrorKind::server;
  int http_status = 0;  // 0 when no HTTP status was received
  std::string message;  // Docker's own message when it sent one

  // "not_found (404): No such container: abc" — for logs and for ECS stopped reasons.
  std::string describe() const;
};

// The empty value of calls that return nothing but success.
struct Unit {
  bool operator==(const Unit&) const = default;
};

template <typename T>
class DockerResult {
 public:
  DockerResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  DockerResult(DockerError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const DockerError& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, DockerError> state_;
};

using DockerStatus = DockerResult<Unit>;

inline DockerStatus docker_ok() { return Unit{}; }

inline DockerError docker_error(DockerErrorKind kind, std::string message, int http_status = 0) {
  return DockerError{kind, http_status, std::move(message)};
}

// The kind an HTTP status maps to (for statuses >= 300).
DockerErrorKind error_kind_for_status(long http_status);

}  // namespace ecslocal::runtime
