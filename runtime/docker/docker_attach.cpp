// CurlDockerClient::attach_stdin: POST /containers/{id}/attach?stream=1&stdin=1 on a plain socket
// (libcurl has no use for a connection Docker hijacks). The request goes out by hand, the status
// line and headers are read, and the socket is then kept open, writing nothing: the container's
// stdin stays open while the socket does. The kernel closes it when the process dies.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {
namespace {

class SocketStdin final : public AttachedStdin {
 public:
  explicit SocketStdin(int fd) : fd_(fd) {}
  ~SocketStdin() override { close(); }
  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() {
    int out = fd;
    fd = -1;
    return out;
  }
};

DockerError unavailable(const DockerEndpoint& endpoint, const std::string& why) {
  return docker_error(DockerErrorKind::unavailable,
                      "cannot connect to the Docker daemon at " + endpoint.display + ": " + why);
}

DockerResult<int> connect_unix(const DockerEndpoint& endpoint) {
  Fd socket_fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (socket_fd.fd < 0) return unavailable(endpoint, std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (endpoint.unix_socket.size() >= sizeof address.sun_path) return unavailable(endpoint, "socket path too long");
  std::memcpy(address.sun_path, endpoint.unix_socket.c_str(), endpoint.unix_socket.size() + 1);
  if (::connect(socket_fd.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return unavailable(endpoint, std::strerror(errno));
  }
  return socket_fd.release();
}

// base_url is "http://host:port" (docker_host.cpp makes it so).
DockerResult<int> connect_tcp(const DockerEndpoint& endpoint) {
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
    if (socket_fd.fd < 0) continue;
    if (::connect(socket_fd.fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return socket_fd.release();
    }
    why = std::strerror(errno);
  }
  ::freeaddrinfo(found);
  return unavailable(endpoint, why);
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

// Reads up to the end of the response headers (and whatever body came with them).
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

}  // namespace

DockerResult<std::unique_ptr<AttachedStdin>> CurlDockerClient::attach_stdin(const std::string& id) {
  const DockerEndpoint& where = endpoint();
  auto connected = where.unix_socket.empty() ? connect_tcp(where) : connect_unix(where);
  if (!connected) return connected.error();
  Fd socket_fd{*connected};
  std::string target = api_prefix() + "/containers/" + path_segment(id) + "/attach?stream=1&stdin=1";
  std::string what = "POST " + target;
  std::string request = "POST " + target +
                        " HTTP/1.1\r\nHost: docker\r\nUser-Agent: ecslocal\r\nContent-Length: 0\r\n"
                        "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
  if (!send_all(socket_fd.fd, request)) return unavailable(where, what + " failed: " + std::strerror(errno));
  auto head = read_head(socket_fd.fd, options_.timeouts.connect + std::chrono::seconds(10), what);
  if (!head) return head.error();
  // "HTTP/1.1 101 UPGRADED" (or 200 from daemons that hijack without the upgrade).
  long status = 0;
  auto space = head->find(' ');
  if (space != std::string::npos) status = std::strtol(head->c_str() + space + 1, nullptr, 10);
  if (status != 101 && status != 200) {
    std::string body = head->substr(head->find("\r\n\r\n") + 4);
    return docker_error(error_kind_for_status(status),
                        what + " answered " + std::to_string(status) + (body.empty() ? "" : ": " + body),
                        static_cast<int>(status));
  }
  return std::unique_ptr<AttachedStdin>(std::make_unique<SocketStdin>(socket_fd.release()));
}

}  // namespace ecslocal::runtime
