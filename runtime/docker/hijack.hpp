#pragma once
// Docker's hijacked connections (attach, exec start) on a plain socket, which libcurl has no use
// for: connect to the daemon, send the request by hand with `Connection: Upgrade` / `Upgrade: tcp`,
// read the status line and headers, and hand the socket over as it is. Internal to runtime/docker.
#include <chrono>
#include <string>

#include "runtime/docker/docker_host.hpp"
#include "runtime/docker/docker_result.hpp"

namespace ecslocal::runtime::hijack {

// An owned socket descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  int release();  // the caller owns it now; -1 here afterwards
  void reset();   // closes it

 private:
  int fd_ = -1;
};

// A connected socket to the daemon (its unix socket, or base_url's host and port); `unavailable`
// when it cannot be reached.
DockerResult<Fd> connect(const DockerEndpoint& endpoint);

// Writes all of `data` (blocking); false when the connection fails.
bool send_all(int fd, const std::string& data);

// Reads up to the end of the response headers (and whatever body came with them), within `limit`.
DockerResult<std::string> read_head(int fd, std::chrono::milliseconds limit, const std::string& what);

struct Connection {
  Fd socket;
  std::string buffered;  // the bytes that came after the response headers
};

// POSTs `target` (API prefix included) with a JSON `body` (may be empty) asking for the upgrade,
// and returns the hijacked connection once Docker accepted it (101, or 200 from daemons that
// hijack without the upgrade). Any other status is an error of its kind with Docker's message;
// no response head within `head_limit` is a timeout.
DockerResult<Connection> post(const DockerEndpoint& endpoint, const std::string& target, const std::string& body,
                              std::chrono::milliseconds head_limit);

}  // namespace ecslocal::runtime::hijack
