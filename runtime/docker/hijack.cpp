// Hijacked Docker connections on a plain socket: connecting (unix or TCP), the hand-written
// upgrade request, the response head. Shared by attach_stdin (docker_attach.cpp) and start_exec
// (docker_exec.cpp).
#include "runtime/docker/hijack.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "runtime/docker/docker_json.hpp"

namespace ecslocal::runtime::hijack {
namespace {

DockerError unavailable(const DockerEndpoint& endpoint, const std::string& why) {
  return docker_error(DockerErrorKind::unavailable,
                      "cannot connect to the Docker daemon at " + endpoint.display + ": " + why);
}

DockerResult<Fd> connect_unix(const DockerEndpoint& endpoint) {
  Fd socket_fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (socket_fd.get() < 0) return unavailable(endpoint, std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (endpoint.unix_socket.size() >= sizeof address.sun_path) return unavailable(endpoint, "socket path too long");
  std::memcpy(address.sun_path, endpoint.unix_socket.c_str(), endpoint.unix_socket.size() + 1);
  if (::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return unavailable(endpoint, std::strerror(errno));
  }
  return socket_fd;
}

// base_url is "http://host:port" (docker_host.cpp makes it so).
DockerResult<Fd> connect_tcp(const DockerEndpoint& endpoint) {
  std::string rest = endpoint.base_url.substr(endpoint.base_url.find("://") + 3);
  auto colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "2375" : rest.substr(colon + 1);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return unavailable(endpoint, gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd socket_fd{::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol)};
    if (socket_fd.get() < 0) continue;
    if (::connect(socket_fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return socket_fd;
    }
    why = std::strerror(errno);
  }
  ::freeaddrinfo(found);
  return unavailable(endpoint, why);
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int Fd::release() {
  int out = fd_;
  fd_ = -1;
  return out;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

DockerResult<Fd> connect(const DockerEndpoint& endpoint) {
  return endpoint.unix_socket.empty() ? connect_tcp(endpoint) : connect_unix(endpoint);
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

DockerResult<std::string> read_head(int fd, std::chrono::milliseconds limit, const std::string& what) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return docker_error(DockerErrorKind::timeout, what + " timed out");
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return docker_error(DockerErrorKind::protocol, what + ": Docker closed the connection");
    head.append(buffer, static_cast<std::size_t>(n));
    if (head.size() > 64 * 1024) return docker_error(DockerErrorKind::protocol, what + ": response headers too long");
  }
  return head;
}

DockerResult<Connection> post(const DockerEndpoint& endpoint, const std::string& target, const std::string& body,
                              std::chrono::milliseconds head_limit) {
  auto connected = connect(endpoint);
  if (!connected) return connected.error();
  Fd socket_fd = std::move(connected).value();
  std::string what = "POST " + target;
  std::string request = what + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: ecslocal\r\n";
  if (!body.empty()) request += "Content-Type: application/json\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
  request += body;
  if (!send_all(socket_fd.get(), request)) return unavailable(endpoint, what + " failed: " + std::strerror(errno));
  auto head = read_head(socket_fd.get(), head_limit, what);
  if (!head) return head.error();
  std::size_t end = head->find("\r\n\r\n");
  std::string rest = head->substr(end + 4);
  // "HTTP/1.1 101 UPGRADED" (or 200 from daemons that hijack without the upgrade).
  long status = 0;
  auto space = head->find(' ');
  if (space != std::string::npos && space < end) status = std::strtol(head->c_str() + space + 1, nullptr, 10);
  if (status != 101 && status != 200) {
    // Docker's {"message":...}, as much of it as came with the headers.
    std::string message = docker_json::error_message(rest);
    return docker_error(error_kind_for_status(status),
                        what + " answered " + std::to_string(status) + (message.empty() ? "" : ": " + message),
                        static_cast<int>(status));
  }
  return Connection{std::move(socket_fd), std::move(rest)};
}

}  // namespace ecslocal::runtime::hijack
