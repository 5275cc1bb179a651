#pragma once
// A scripted HTTP/1.1 server on a unix socket in a temp folder, to test the libcurl Docker
// client without a daemon: each connection's request is recorded and handed to the test's
// handler, which writes raw response bytes (and may hold the connection open).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ecslocal::testing {

struct StubRequest {
  std::string method;
  std::string target;
  std::string head;  // request line and headers
  std::string body;
};

class StubConnection {
 public:
  StubConnection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  bool write(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // "HTTP/1.1 <status>" with a JSON body and Connection: close.
  bool respond(int status, const std::string& body, const std::string& type = "application/json") {
    return write("HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
                 "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  }
  bool start_chunked(int status = 200) {
    return write("HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
  }
  bool chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return write(size + data + "\r\n");
  }
  bool end_chunks() { return write("0\r\n\r\n"); }
  // Holds the connection open until the client goes away or the stub stops.
  void hold() {
    while (!stopping_) {
      char byte;
      auto n = ::recv(fd_, &byte, 1, MSG_DONTWAIT);
      if (n == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
};

class UnixHttpStub {
 public:
  using Handler = std::function<void(const StubRequest&, StubConnection&)>;

  explicit UnixHttpStub(Handler handler) : handler_(std::move(handler)) {
    char pattern[] = "/tmp/ecslocal-stub-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    path_ = dir_ + "/docker.sock";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path_.c_str());
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 16);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~UnixHttpStub() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    for (auto& worker : workers_) worker.join();
    std::filesystem::remove_all(dir_);
  }

  std::string docker_host() const { return "unix://" + path_; }
  std::vector<StubRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    StubRequest request;
    std::string data;
    char buffer[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return (void)::close(fd);
      data.append(buffer, static_cast<std::size_t>(n));
    }
    auto head_end = data.find("\r\n\r\n");
    request.head = data.substr(0, head_end);
    request.body = data.substr(head_end + 4);
    auto length_at = request.head.find("Content-Length: ");
    std::size_t length = length_at == std::string::npos ? 0 : std::stoul(request.head.substr(length_at + 16));
    while (request.body.size() < length) {
      auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.body.append(buffer, static_cast<std::size_t>(n));
    }
    auto space = request.head.find(' ');
    request.method = request.head.substr(0, space);
    request.target = request.head.substr(space + 1, request.head.find(' ', space + 1) - space - 1);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    StubConnection connection(fd, stopping_);
    handler_(request, connection);
    ::close(fd);
  }

  Handler handler_;
  std::string dir_;
  std::string path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<StubRequest> requests_;
};

}  // namespace ecslocal::testing
