// The Service Connect proxy of the pause binary (`ecslocal-pause --service-connect`), run on the
// host as built: round robin over the upstreams, live config versions from a config URL (upstreams
// dropped, listeners added and removed), dead and silent upstreams skipped, half-close passed on,
// the proxy process restarted when it dies, and SIGTERM ending it all with status 0.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef ECSLOCAL_PAUSE_BINARY_PATH
#define ECSLOCAL_PAUSE_BINARY_PATH ""
#endif

namespace ecslocal::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kListenAddress = "127.255.0.1";
constexpr const char* kOtherListenAddress = "127.255.0.2";

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 3s) {
  auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

sockaddr_in address_of(const std::string& host, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  return address;
}

int listen_on(const std::string& host, int port, int backlog = 64) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = address_of(host, port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, backlog) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int port_of(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

// A port nothing listens on at `host` right now.
int free_port(const std::string& host) {
  int fd = listen_on(host, 0);
  int port = port_of(fd);
  ::close(fd);
  return port;
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

// A test client connection (blocking socket, reads bounded by poll deadlines).
class Client {
 public:
  Client(const std::string& host, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = address_of(host, port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      error_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_error() const { return error_; }
  bool send(const std::string& data) { return send_all(fd_, data); }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  // Reads until `complete(received)` holds, the peer ends (nullopt on a reset) or time is up.
  std::optional<std::string> read(const std::function<bool(const std::string&)>& complete,
                                  std::chrono::milliseconds timeout = 3s) {
    auto deadline = Clock::now() + timeout;
    while (!complete(buffer_)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd in{fd_, POLLIN, 0};
      if (::poll(&in, 1, static_cast<int>(left)) <= 0) continue;
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::nullopt;
      if (n == 0) {
        ended_ = true;
        break;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    std::string result;
    result.swap(buffer_);
    return result;
  }
  std::optional<std::string> read_line() {
    auto line = read([](const std::string& data) { return data.find('\n') != std::string::npos; });
    if (!line) return line;
    std::size_t end = line->find('\n');
    if (end == std::string::npos) return std::nullopt;
    buffer_ = line->substr(end + 1) + buffer_;
    return line->substr(0, end + 1);
  }
  std::optional<std::string> read_to_end(std::chrono::milliseconds timeout = 5s) {
    auto rest = read([this](const std::string&) { return ended_; }, timeout);
    if (rest && !ended_) return std::nullopt;
    return rest;
  }

 private:
  int fd_ = -1;
  int error_ = 0;
  bool ended_ = false;
  std::string buffer_;
};

// Sends `payload`, half-closes, and returns everything that comes back until the proxy's FIN
// (nullopt: the connection failed or was reset). Writes and reads at once, so large payloads
// echoed back cannot deadlock.
std::optional<std::string> exchange(const std::string& host, int port, const std::string& payload) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = address_of(host, port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string received;
  std::size_t sent = 0;
  bool write_done = false;
  auto deadline = Clock::now() + 5s;
  for (;;) {
    if (!write_done && sent == payload.size()) {
      ::shutdown(fd, SHUT_WR);
      write_done = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd events{fd, static_cast<short>(POLLIN | (write_done ? 0 : POLLOUT)), 0};
    if (::poll(&events, 1, static_cast<int>(left)) <= 0) continue;
    if ((events.revents & POLLOUT) != 0) {
      ssize_t n = ::send(fd, payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      else if (n < 0 && errno != EAGAIN) break;
    }
    if ((events.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char chunk[65536];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        received.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 && write_done) {
        ::close(fd);
        return received;
      }
      if (n < 0 && errno == EAGAIN) continue;
      break;  // reset, or an end before the payload was sent
    }
  }
  ::close(fd);
  return std::nullopt;
}

// The name of the upstream that answered an exchange ("<name>:...").
std::string answered_by(const std::optional<std::string>& reply) {
  if (!reply) return "<failed>";
  return reply->substr(0, reply->find(':'));
}

// An upstream on 127.0.0.1: answers each line "x\n" with "<name>:x\n" and the client's end of
// stream with "<name>:eof\n" before it closes, so a reply proves the half-close got through.
class Upstream {
 public:
  explicit Upstream(std::string name) : name_(std::move(name)), listener_(listen_on("127.0.0.1", 0)) {
    port_ = port_of(listener_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~Upstream() {
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& thread : connections_) thread.join();
  }
  int port() const { return port_; }
  const std::string& name() const { return name_; }
  int accepted() const { return accepted_; }

 private:
  void accept_loop() {
    for (;;) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      ++accepted_;
      std::lock_guard lock(mutex_);
      open_.insert(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string pending;
    char chunk[65536];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      pending.append(chunk, static_cast<std::size_t>(n));
      std::string reply;
      std::size_t start = 0, end;
      while ((end = pending.find('\n', start)) != std::string::npos) {
        reply += name_ + ":";
        reply.append(pending, start, end + 1 - start);
        start = end + 1;
      }
      pending.erase(0, start);
      if (!reply.empty() && !send_all(fd, reply)) break;
    }
    send_all(fd, name_ + ":eof\n");
    std::lock_guard lock(mutex_);
    open_.erase(fd);
    ::close(fd);
  }

  std::string name_;
  int listener_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::set<int> open_;
  std::vector<std::thread> connections_;
};

// The config URL: serves the body set last, counting how many times each version was served.
class ConfigServer {
 public:
  ConfigServer() : listener_(listen_on("127.0.0.1", 0)) {
    port_ = port_of(listener_);
    thread_ = std::thread([this] { loop(); });
  }
  ~ConfigServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/0badf00d/service-connect"; }

  void set(int version, std::string body, int status = 200, bool chunked = false) {
    std::lock_guard lock(mutex_);
    version_ = version;
    body_ = std::move(body);
    status_ = status;
    chunked_ = chunked;
  }
  int served(int version) {
    std::lock_guard lock(mutex_);
    return served_[version];
  }
  // True once `version` has been served twice: the proxy fetches one at a time and handles each
  // answer before it asks again, so the first of them has been applied.
  bool applied(int version, std::chrono::milliseconds timeout = 2s) {
    return wait_until([&] { return served(version) >= 2; }, timeout);
  }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  void loop() {
    for (;;) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;
      }
      std::string request;
      char chunk[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd in{fd, POLLIN, 0};
        if (::poll(&in, 1, 2000) <= 0) break;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        request.append(chunk, static_cast<std::size_t>(n));
      }
      std::string response;
      int version;
      {
        std::lock_guard lock(mutex_);
        last_request_ = request;
        version = version_;
        response = "HTTP/1.1 " + std::to_string(status_) + (status_ == 200 ? " OK" : " Oops") +
                   "\r\nContent-Type: application/json\r\nConnection: close\r\n";
        if (chunked_) {
          std::size_t half = body_.size() / 2;
          std::ostringstream chunks;
          chunks << std::hex << half << "\r\n" << body_.substr(0, half) << "\r\n"
                 << body_.size() - half << "\r\n" << body_.substr(half) << "\r\n0\r\n\r\n";
          response += "Transfer-Encoding: chunked\r\n\r\n" + chunks.str();
        } else {
          response += "Content-Length: " + std::to_string(body_.size()) + "\r\n\r\n" + body_;
        }
      }
      send_all(fd, response);
      ::close(fd);
      std::lock_guard lock(mutex_);
      ++served_[version];
    }
  }

  int listener_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int version_ = 0;
  std::string body_ = "{}";
  int status_ = 200;
  bool chunked_ = false;
  std::map<int, int> served_;
  std::string last_request_;
};

struct ListenerSpec {
  std::string address;
  int port;
  std::vector<int> upstream_ports;  // on 127.0.0.1
};

std::string config_json(int version, const std::vector<ListenerSpec>& listeners) {
  std::string json = "{\"version\":" + std::to_string(version) + ",\"comment\":\"unknown members are ignored\",\"listeners\":[";
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (i > 0) json += ",";
    json += "{\"address\":\"" + listeners[i].address + "\",\"port\":" + std::to_string(listeners[i].port) +
            ",\"upstreams\":[";
    for (std::size_t j = 0; j < listeners[i].upstream_ports.size(); ++j) {
      if (j > 0) json += ",";
      json += "{\"address\":\"127.0.0.1\",\"port\":" + std::to_string(listeners[i].upstream_ports[j]) + ",\"weight\":1}";
    }
    json += "]}";
  }
  return json + "]}";
}

// The pause binary in --service-connect mode, as PID 1 would run it.
class ProxyProcess {
 public:
  ProxyProcess(const std::string& url, const std::string& config) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(ECSLOCAL_PAUSE_BINARY_PATH, "ecslocal-pause", "--service-connect", url.c_str(), config.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~ProxyProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }

  // The proxy process PID 1 forked (0: none right now).
  pid_t child() const {
    pid_t found = 0;
    DIR* proc = ::opendir("/proc");
    while (dirent* entry = proc ? ::readdir(proc) : nullptr) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
      std::string line;
      std::getline(stat, line);
      std::size_t close_paren = line.rfind(')');
      if (close_paren == std::string::npos) continue;
      std::istringstream fields(line.substr(close_paren + 2));
      char state = 0;
      pid_t parent = 0;
      fields >> state >> parent;
      if (parent == pid_ && state != 'Z') found = std::atoi(entry->d_name);
    }
    if (proc) ::closedir(proc);
    return found;
  }

  // Waits for the exit; the status, or nullopt when it did not end within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    int status = 0;
    bool ended = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!ended) return std::nullopt;
    exited_ = true;
    return status;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
};

// Waits until `host:port` answers through the proxy (an exchange that gets a reply).
bool answers(const std::string& host, int port) {
  return wait_until([&] {
    auto reply = exchange(host, port, "ping\n");
    return reply && !reply->empty();
  });
}

class PauseProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(ECSLOCAL_PAUSE_BINARY_PATH).empty() || ::access(ECSLOCAL_PAUSE_BINARY_PATH, X_OK) != 0)
      GTEST_SKIP() << "the pause binary is not built";
    listen_port_ = free_port(kListenAddress);
  }

  std::unique_ptr<ProxyProcess> start(int version, const std::vector<ListenerSpec>& listeners) {
    std::string json = config_json(version, listeners);
    config_.set(version, json);
    auto proxy = std::make_unique<ProxyProcess>(config_.url(), json);
    return proxy;
  }

  // The upstream names of `count` exchanges in a row on the listener.
  std::vector<std::string> names(int count, const std::string& host = kListenAddress, int port = 0) {
    std::vector<std::string> result;
    for (int i = 0; i < count; ++i) result.push_back(answered_by(exchange(host, port ? port : listen_port_, "who\n")));
    return result;
  }

  ConfigServer config_;
  int listen_port_ = 0;
};

TEST_F(PauseProxy, SpreadsConnectionsRoundRobinOverEveryUpstream) {
  Upstream a("a"), b("b"), c("c");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port(), b.port(), c.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));

  auto seen = names(9);
  std::set<std::string> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"a", "b", "c"}));
  for (std::size_t i = 3; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 3]) << "exchange " << i;

  // The config is polled with a plain HTTP/1.1 GET naming the host.
  ASSERT_TRUE(wait_until([&] { return config_.served(1) >= 1; }));
  std::string request = config_.last_request();
  EXPECT_EQ(request.rfind("GET /api/0badf00d/service-connect HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:"), std::string::npos) << request;
  EXPECT_NE(request.find("Connection: close"), std::string::npos) << request;
}

TEST_F(PauseProxy, PassesHalfCloseOnBothWaysAndCarriesLargeStreams) {
  Upstream a("a");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));

  // Request and reply while both directions are open, then the client's end of stream: the
  // upstream still gets to answer after it ("a:eof"), and its close ends the client's stream.
  Client client(kListenAddress, listen_port_);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send("one\n"));
  EXPECT_EQ(client.read_line(), std::optional<std::string>("a:one\n"));
  ASSERT_TRUE(client.send("two\n"));
  client.shutdown_write();
  EXPECT_EQ(client.read_to_end(), std::optional<std::string>("a:two\na:eof\n"));

  // Several megabytes each way (more than any buffer on the way holds).
  std::string line(1023, 'x');
  line += '\n';
  std::string payload;
  for (int i = 0; i < 4096; ++i) payload += line;
  auto reply = exchange(kListenAddress, listen_port_, payload);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->size(), payload.size() + 4096 * 2 + 6);
  EXPECT_EQ(reply->substr(reply->size() - 6), "a:eof\n");
}

TEST_F(PauseProxy, ANewVersionDropsAnUpstreamForNewConnectionsWhileOpenOnesCarryOn) {
  Upstream a("a"), b("b"), c("c");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port(), b.port(), c.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));

  // One open connection on each upstream.
  std::map<std::string, std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) {
    auto client = std::make_unique<Client>(kListenAddress, listen_port_);
    ASSERT_TRUE(client->connected());
    ASSERT_TRUE(client->send("hello\n"));
    auto line = client->read_line();
    ASSERT_TRUE(line.has_value());
    open[answered_by(line)] = std::move(client);
  }
  ASSERT_EQ(open.size(), 3u);

  config_.set(2, config_json(2, {{kListenAddress, listen_port_, {a.port(), c.port()}}}));
  ASSERT_TRUE(config_.applied(2, 10s));  // a bound, not a timing assertion (it polls every 250 ms)
  int b_before = b.accepted();
  auto seen = names(8);
  EXPECT_EQ(b.accepted(), b_before);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "a"), 4) << ::testing::PrintToString(seen);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "c"), 4) << ::testing::PrintToString(seen);

  // The connection that was on b before the change still works both ways.
  Client& on_b = *open["b"];
  ASSERT_TRUE(on_b.send("still there\n"));
  EXPECT_EQ(on_b.read_line(), std::optional<std::string>("b:still there\n"));

  // Another body under the same version changes nothing; only a new version counts.
  int served = config_.served(2);
  config_.set(2, config_json(2, {{kListenAddress, listen_port_, {b.port()}}}));
  ASSERT_TRUE(wait_until([&] { return config_.served(2) >= served + 2; }));
  seen = names(4);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "b"), 0) << ::testing::PrintToString(seen);
}

TEST_F(PauseProxy, SkipsADeadUpstreamWithoutTheClientNoticingAndResetsWhenNoneIsLeft) {
  Upstream a("a"), b("b");
  int dead = free_port("127.0.0.1");
  int lonely_port = free_port(kListenAddress);
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port(), dead, b.port()}},
                         {kListenAddress, lonely_port, {dead}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));

  auto seen = names(9);
  for (const auto& name : seen) EXPECT_TRUE(name == "a" || name == "b") << ::testing::PrintToString(seen);
  EXPECT_GT(std::count(seen.begin(), seen.end(), "a"), 0);
  EXPECT_GT(std::count(seen.begin(), seen.end(), "b"), 0);

  // A listener whose every upstream is down takes the connection and resets it.
  EXPECT_FALSE(exchange(kListenAddress, lonely_port, "anyone?\n").has_value());
}

TEST_F(PauseProxy, MovesOnFromAnUpstreamThatDoesNotAnswerWithinASecond) {
  Upstream a("a");
  // A listener with a full accept queue drops SYNs: connecting to it hangs.
  int silent = listen_on("127.0.0.1", 0, 0);
  int silent_port = port_of(silent);
  std::vector<int> fillers;
  auto hangs = [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address = address_of("127.0.0.1", silent_port);
    ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers.push_back(fd);
    pollfd out{fd, POLLOUT, 0};
    return ::poll(&out, 1, 100) == 0;
  };
  bool blackhole = false;
  for (int i = 0; i < 4 && !blackhole; ++i) blackhole = hangs();
  if (!blackhole) {
    for (int fd : fillers) ::close(fd);
    ::close(silent);
    GTEST_SKIP() << "this kernel completes connections to a full listen queue";
  }
  auto proxy = start(1, {{kListenAddress, listen_port_, {silent_port, a.port()}}});
  wait_until([&] {
    Client probe(kListenAddress, listen_port_);
    return probe.connected();
  });
  // The probe took the silent upstream's turn (and waits it out alone); the next connection goes
  // to a at once, the one after that waits out the second and then goes to a.
  auto started = Clock::now();
  auto first = exchange(kListenAddress, listen_port_, "who\n");
  auto first_took = Clock::now() - started;
  started = Clock::now();
  auto second = exchange(kListenAddress, listen_port_, "who\n");
  auto second_took = Clock::now() - started;
  EXPECT_EQ(answered_by(first), "a");
  EXPECT_EQ(answered_by(second), "a");
  EXPECT_LT(first_took, second_took);  // only the second waited out the silent upstream
  EXPECT_GE(second_took, 900ms);
  for (int fd : fillers) ::close(fd);
  ::close(silent);
}

TEST_F(PauseProxy, ListenersComeAndGoWithTheVersions) {
  Upstream a("a"), b("b");
  int added_port = free_port(kOtherListenAddress);
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));
  Client before(kListenAddress, listen_port_);
  ASSERT_TRUE(before.connected());
  ASSERT_TRUE(before.send("x\n"));
  ASSERT_EQ(before.read_line(), std::optional<std::string>("a:x\n"));

  // Version 2 moves the service: the first listener goes, another one (with its own upstream) comes.
  config_.set(2, config_json(2, {{kOtherListenAddress, added_port, {b.port()}}}), 200, true);
  ASSERT_TRUE(config_.applied(2));
  EXPECT_EQ(names(2, kOtherListenAddress, added_port), (std::vector<std::string>{"b", "b"}));
  Client gone(kListenAddress, listen_port_);
  EXPECT_FALSE(gone.connected());
  EXPECT_EQ(gone.connect_error(), ECONNREFUSED);
  // A connection accepted before carries on.
  ASSERT_TRUE(before.send("y\n"));
  EXPECT_EQ(before.read_line(), std::optional<std::string>("a:y\n"));
}

TEST_F(PauseProxy, KeepsTheLastConfigWhileTheConfigUrlFails) {
  Upstream a("a"), b("b");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));

  config_.set(2, config_json(2, {{kListenAddress, listen_port_, {b.port()}}}), 503);
  ASSERT_TRUE(config_.applied(2));
  config_.set(3, "{\"version\": 3, \"listeners\": [", 200);
  ASSERT_TRUE(config_.applied(3));
  EXPECT_EQ(names(2), (std::vector<std::string>{"a", "a"}));

  config_.set(4, config_json(4, {{kListenAddress, listen_port_, {b.port()}}}));
  ASSERT_TRUE(config_.applied(4));
  EXPECT_EQ(names(2), (std::vector<std::string>{"b", "b"}));
}

TEST_F(PauseProxy, StartsTheProxyAgainWhenItDies) {
  Upstream a("a");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));
  pid_t first = proxy->child();
  ASSERT_GT(first, 0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] {
    pid_t now = proxy->child();
    return now > 0 && now != first;
  }));
  EXPECT_TRUE(answers(kListenAddress, listen_port_));
}

TEST_F(PauseProxy, SigtermEndsEverythingWithStatusZeroPromptly) {
  Upstream a("a");
  auto proxy = start(1, {{kListenAddress, listen_port_, {a.port()}}});
  ASSERT_TRUE(answers(kListenAddress, listen_port_));
  pid_t child = proxy->child();
  ASSERT_GT(child, 0);
  Client open(kListenAddress, listen_port_);  // an open connection does not hold it up
  ASSERT_TRUE(open.connected());

  ASSERT_EQ(::kill(proxy->pid(), SIGTERM), 0);
  auto status = proxy->wait_exit(10s);  // a bound: it ends at once (measured 3 ms)
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_NE(::kill(child, 0), 0);  // the proxy process is gone (and reaped) too
  Client after(kListenAddress, listen_port_);
  EXPECT_FALSE(after.connected());
}

TEST_F(PauseProxy, RefusesABadCommandLine) {
  ProxyProcess bad_url("https://example.com/cfg", config_json(1, {}));
  auto status = bad_url.wait_exit(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  ProxyProcess bad_config(config_.url(), "{\"listeners\": []}");
  status = bad_config.wait_exit(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 2);
}

}  // namespace
}  // namespace ecslocal::testing
