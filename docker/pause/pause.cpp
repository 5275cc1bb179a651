// ecslocal-pause: PID 1 of a task's pause container, the process that holds the task's network
// namespace while the task's containers come and go. It does nothing but wait: SIGTERM or SIGINT
// ends it with status 0 (so `docker stop` returns at once instead of waiting for SIGKILL), and it
// reaps any child that gets re-parented to it. Linked statically, so the image needs no libc.
//
// `pause --relay <dir>` is the task endpoints relay (runtime/task/task_endpoints.hpp): it listens
// on port 80 (the container holds 169.254.170.2 on the link-local endpoints network) and relays
// each connection to the Unix socket <dir>/<route>.sock of the ecslocal instance the request's
// path names: the first 8 hex digits of the id after /v2/credentials/, /v3/, /v4/ or /api/. One
// child process per connection; the first request line picks the socket, the bytes are then
// copied both ways until either side is done, with an X-Ecslocal-Task-Address header (the
// caller's address) put first. A path naming no running instance gets a 404.
//
// `pause --until-stdin-closes` also ends (status 0) when its stdin reaches end of file: the
// instance lock container (runtime/task/instance_lock.hpp) lives exactly as long as the ecslocal
// process attached to its stdin.
//
// `pause --service-connect <config-url> <initial-config-json>` is the task's Service Connect
// proxy (spec discovery-secrets-metadata-exec.md §2.3, §2.6). PID 1 forks one proxy process and
// forks a new one if it dies (at most one start a second); SIGTERM/SIGINT kill it and end PID 1
// with status 0. The proxy binds every listener of the initial config before anything else, then
// runs one epoll loop on non-blocking sockets:
//   - config: GET <config-url> every 250 ms (HTTP/1.1, Connection: close; the URL is
//     http://<IPv4 literal>[:port]/path). Only a 200 whose body parses counts; anything else keeps
//     the last config. A config whose "version" differs from the one in use replaces it: upstream
//     lists change at once for new connections (open ones carry on), listeners that appeared are
//     bound, listeners that went away are closed. A listener that cannot be bound is retried at
//     every poll.
//   - relay: each accepted connection goes to the listener's next upstream, round robin; a connect
//     that fails or takes over 1 s moves on to the following upstream, each tried at most once;
//     when none is left the client is reset. Bytes are then copied both ways (TCP_NODELAY on both
//     sockets); the end of one direction is passed on with shutdown(SHUT_WR), and both sockets are
//     closed when both directions have ended, or reset on an error. At most 4096 connections (fewer
//     if the fd limit is low); beyond that new ones wait in the listen backlog.
// The config, as the argument and as the URL's body (unknown members are ignored):
//   {"version": 3,
//    "listeners": [{"address": "127.255.0.1", "port": 80,
//                   "upstreams": [{"address": "172.31.0.5", "port": 8080}, ...]},
//                  {"address": "0.0.0.0", "port": 9090,               (ingress port override)
//                   "upstreams": [{"address": "127.0.0.1", "port": 8080}]}]}
// Addresses are IPv4 literals; a listener without upstreams accepts and resets its connections.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_stop(int) { stop_requested = 1; }
void on_child(int) {}

void install(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = signal == SIGCHLD ? SA_NOCLDSTOP : 0;
  sigaction(signal, &action, nullptr);
}

void reap_children() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// True when stdin has reached its end (or failed); false when the wait was interrupted by a signal.
bool stdin_closed(const sigset_t& waiting) {
  pollfd in{STDIN_FILENO, POLLIN, 0};
  int ready = ppoll(&in, 1, nullptr, &waiting);
  if (ready < 0) return errno != EINTR;
  if ((in.revents & (POLLERR | POLLNVAL)) != 0) return true;
  char buffer[256];
  ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
  if (n < 0) return errno != EINTR && errno != EAGAIN;
  return n == 0;  // bytes are ignored; only the end matters
}

// ---- the relay ----

constexpr int kRelayPort = 80;
constexpr int kHeaderTimeoutMs = 10000;
constexpr std::size_t kHeaderLimit = 16384;

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void reply_error(int fd, int status, const char* reason, const char* message) {
  char body[512];
  int body_size = std::snprintf(body, sizeof body, "{\"code\":\"%s\",\"message\":\"%s\"}",
                                status == 404 ? "NotFound" : "BadRequest", message);
  char head[256];
  int head_size = std::snprintf(head, sizeof head,
                                "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                                "Connection: close\r\n\r\n",
                                status, reason, body_size);
  write_all(fd, head, static_cast<std::size_t>(head_size));
  write_all(fd, body, static_cast<std::size_t>(body_size));
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The route of a request line "GET /v4/<id>... HTTP/1.1" into `route` (8 characters + NUL).
bool route_of(const char* request, std::size_t size, char* route) {
  const char* space = static_cast<const char*>(std::memchr(request, ' ', size));
  if (!space) return false;
  const char* path = space + 1;
  std::size_t left = size - static_cast<std::size_t>(path - request);
  static const char* const prefixes[] = {"/v2/credentials/", "/v3/", "/v4/", "/api/"};
  for (const char* prefix : prefixes) {
    std::size_t n = std::strlen(prefix);
    if (left < n + 8 || std::strncmp(path, prefix, n) != 0) continue;
    for (int i = 0; i < 8; ++i) {
      if (!is_hex(path[n + i])) return false;
      route[i] = path[n + i];
    }
    route[8] = '\0';
    return true;
  }
  return false;
}

// Copies bytes both ways until both directions are done (or one fails).
void pump(int a, int b) {
  bool a_open = true, b_open = true;
  char buffer[16384];
  while (a_open || b_open) {
    pollfd fds[2] = {{a, static_cast<short>(a_open ? POLLIN : 0), 0}, {b, static_cast<short>(b_open ? POLLIN : 0), 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      int from = i == 0 ? a : b, to = i == 0 ? b : a;
      ssize_t n = read(from, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        shutdown(to, SHUT_WR);
        (i == 0 ? a_open : b_open) = false;
        continue;
      }
      if (!write_all(to, buffer, static_cast<std::size_t>(n))) return;
    }
  }
}

void relay_connection(int client, const sockaddr_in& peer, const char* dir) {
  char head[kHeaderLimit];
  std::size_t size = 0;
  // The request line is enough to route; read until it is complete.
  while (size < sizeof head && !std::memchr(head, '\n', size)) {
    pollfd in{client, POLLIN, 0};
    if (poll(&in, 1, kHeaderTimeoutMs) <= 0) return;
    ssize_t n = read(client, head + size, sizeof head - size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    size += static_cast<std::size_t>(n);
  }
  if (!std::memchr(head, '\n', size)) return reply_error(client, 400, "Bad Request", "request line too long");
  char route[9];
  if (!route_of(head, size, route)) return reply_error(client, 404, "Not Found", "no task endpoint at this path");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  int length = std::snprintf(address.sun_path, sizeof address.sun_path, "%s/%s.sock", dir, route);
  if (length <= 0 || static_cast<std::size_t>(length) >= sizeof address.sun_path)
    return reply_error(client, 404, "Not Found", "no task endpoint at this path");
  int upstream = socket(AF_UNIX, SOCK_STREAM, 0);
  if (upstream < 0 || connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return reply_error(client, 404, "Not Found", "unknown endpoint id: no ecslocal serves it");
  // The caller's address goes first among the headers: ecslocal checks the id is that task's.
  char address_text[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &peer.sin_addr, address_text, sizeof address_text);
  char header[96];
  int header_size = std::snprintf(header, sizeof header, "X-Ecslocal-Task-Address: %s\r\n", address_text);
  const char* line_end = static_cast<const char*>(std::memchr(head, '\n', size));
  std::size_t first = static_cast<std::size_t>(line_end - head) + 1;
  if (!write_all(upstream, head, first) || !write_all(upstream, header, static_cast<std::size_t>(header_size)) ||
      !write_all(upstream, head + first, size - first))
    return;
  pump(client, upstream);
  close(upstream);
}

int relay(const char* dir, const sigset_t& waiting) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(kRelayPort);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 128) != 0) {
    static const char failed[] = "ecslocal-pause --relay: cannot listen on port 80\n";
    (void)!write(STDERR_FILENO, failed, sizeof failed - 1);
    return EXIT_FAILURE;
  }
  while (!stop_requested) {
    pollfd in{listener, POLLIN, 0};
    int ready = ppoll(&in, 1, nullptr, &waiting);
    reap_children();
    if (ready <= 0) continue;
    sockaddr_in peer{};
    socklen_t peer_size = sizeof peer;
    int client = accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_size);
    if (client < 0) continue;
    pid_t child = fork();
    if (child == 0) {
      close(listener);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      signal(SIGTERM, SIG_DFL);
      signal(SIGINT, SIG_DFL);
      relay_connection(client, peer, dir);
      close(client);
      _exit(0);
    }
    close(client);
  }
  close(listener);
  reap_children();
  return EXIT_SUCCESS;
}

// ---- the Service Connect proxy ----

namespace service_connect {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{250};
constexpr milliseconds kFetchTimeout{2000};
constexpr milliseconds kConnectTimeout{1000};
constexpr milliseconds kRestartInterval{1000};
constexpr std::size_t kMaxConnections = 4096;
constexpr std::size_t kChunk = 65536;                 // one read; also the most a direction buffers
constexpr std::size_t kResponseLimit = 8 * 1024 * 1024;  // of a config response

void log(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log(const char* format, ...) {
  char line[512];
  int prefix = std::snprintf(line, sizeof line, "ecslocal-pause --service-connect: ");
  va_list arguments;
  va_start(arguments, format);
  int n = std::vsnprintf(line + prefix, sizeof line - static_cast<std::size_t>(prefix) - 1, format, arguments);
  va_end(arguments);
  std::size_t size = std::min(sizeof line - 2, static_cast<std::size_t>(prefix) + static_cast<std::size_t>(std::max(n, 0)));
  line[size++] = '\n';
  (void)!write(STDERR_FILENO, line, size);
}

// An IPv4 socket address; both members in network byte order.
struct Endpoint {
  std::uint32_t address = 0;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;

  sockaddr_in sockaddr() const {
    sockaddr_in result{};
    result.sin_family = AF_INET;
    result.sin_addr.s_addr = address;
    result.sin_port = port;
    return result;
  }
  std::string text() const {
    char buffer[INET_ADDRSTRLEN] = {0};
    in_addr in{address};
    inet_ntop(AF_INET, &in, buffer, sizeof buffer);
    return std::string(buffer) + ":" + std::to_string(ntohs(port));
  }
};

using Upstreams = std::vector<Endpoint>;

struct ListenerConfig {
  Endpoint at;
  std::shared_ptr<const Upstreams> upstreams;
};

struct Config {
  std::int64_t version = 0;
  std::vector<ListenerConfig> listeners;
};

// {"address": "a.b.c.d", "port": n} into `endpoint`.
bool endpoint_of(const nlohmann::json& value, Endpoint& endpoint) {
  if (!value.is_object()) return false;
  auto address = value.find("address");
  auto port = value.find("port");
  if (address == value.end() || !address->is_string() || port == value.end() || !port->is_number_integer())
    return false;
  in_addr in{};
  if (inet_pton(AF_INET, address->get_ref<const std::string&>().c_str(), &in) != 1) return false;
  auto number = port->get<std::int64_t>();
  if (number < 1 || number > 65535) return false;
  endpoint.address = in.s_addr;
  endpoint.port = htons(static_cast<std::uint16_t>(number));
  return true;
}

// The config in `text`, or nothing with the reason in `error`. Malformed listeners and upstreams
// are left out (named in `error`, which is then set though a config is returned); a listener
// address seen twice keeps its first entry.
std::optional<Config> parse_config(std::string_view text, std::string& error) {
  error.clear();
  auto document = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  auto version = document.find("version");
  if (version == document.end() || !version->is_number_integer()) {
    error = "no integer \"version\"";
    return std::nullopt;
  }
  auto listeners = document.find("listeners");
  if (listeners != document.end() && !listeners->is_array()) {
    error = "\"listeners\" is not an array";
    return std::nullopt;
  }
  Config config;
  config.version = version->get<std::int64_t>();
  if (listeners == document.end()) return config;
  std::size_t index = 0;
  for (const auto& entry : *listeners) {
    ++index;
    ListenerConfig listener;
    if (!endpoint_of(entry, listener.at)) {
      error += "listener " + std::to_string(index) + " has no valid address and port; ";
      continue;
    }
    bool duplicate = std::any_of(config.listeners.begin(), config.listeners.end(),
                                 [&](const ListenerConfig& other) { return other.at == listener.at; });
    if (duplicate) {
      error += "listener " + listener.at.text() + " appears twice; ";
      continue;
    }
    auto upstreams = std::make_shared<Upstreams>();
    auto list = entry.find("upstreams");
    if (list != entry.end() && list->is_array()) {
      for (const auto& upstream : *list) {
        Endpoint endpoint;
        if (endpoint_of(upstream, endpoint))
          upstreams->push_back(endpoint);
        else
          error += "an upstream of listener " + listener.at.text() + " is not valid; ";
      }
    }
    listener.upstreams = std::move(upstreams);
    config.listeners.push_back(std::move(listener));
  }
  return config;
}

struct Url {
  Endpoint server;
  std::string host;  // the Host header: the URL's host[:port]
  std::string path;
};

// http://<IPv4>[:port][/path]
std::optional<Url> parse_url(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
  text.remove_prefix(scheme.size());
  std::size_t slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  Url url;
  url.host = std::string(authority);
  url.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  std::size_t colon = authority.find(':');
  std::string host(authority.substr(0, colon));
  long port = 80;
  if (colon != std::string_view::npos) {
    std::string digits(authority.substr(colon + 1));
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    port = std::strtol(digits.c_str(), nullptr, 10);
  }
  in_addr in{};
  if (port < 1 || port > 65535 || inet_pton(AF_INET, host.c_str(), &in) != 1) return std::nullopt;
  url.server.address = in.s_addr;
  url.server.port = htons(static_cast<std::uint16_t>(port));
  return url;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

enum class Parsed { incomplete, complete, malformed };

// Decodes a chunked body into `body`.
Parsed unchunk(std::string_view data, std::string& body) {
  body.clear();
  for (;;) {
    std::size_t line_end = data.find("\r\n");
    if (line_end == std::string_view::npos) return Parsed::incomplete;
    std::string size_text(data.substr(0, std::min(line_end, data.find(';'))));
    char* end = nullptr;
    unsigned long long size = std::strtoull(size_text.c_str(), &end, 16);
    if (size_text.empty() || end == size_text.c_str()) return Parsed::malformed;
    data.remove_prefix(line_end + 2);
    if (size == 0) return Parsed::complete;  // trailers are of no interest
    if (data.size() < size + 2) return Parsed::incomplete;
    body.append(data.substr(0, size));
    data.remove_prefix(size + 2);
  }
}

// The status and body of an HTTP/1.x response in `data` (`ended`: the server closed).
Parsed parse_response(std::string_view data, bool ended, int& status, std::string& body) {
  std::size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return ended ? Parsed::malformed : Parsed::incomplete;
  std::string_view head = data.substr(0, head_end + 2);
  std::string_view rest = data.substr(head_end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 || status_line[8] != ' ')
    return Parsed::malformed;
  status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  bool chunked = false;
  std::optional<std::size_t> length;
  for (std::size_t at = line_end + 2; at < head.size();) {
    std::size_t end = head.find("\r\n", at);
    std::string_view line = head.substr(at, end - at);
    at = end + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trimmed(line.substr(0, colon)), value = trimmed(line.substr(colon + 1));
    if (equals_ignoring_case(name, "transfer-encoding")) {
      chunked = value.size() >= 7 && equals_ignoring_case(value.substr(value.size() - 7), "chunked");
    } else if (equals_ignoring_case(name, "content-length")) {
      length = static_cast<std::size_t>(std::strtoull(std::string(value).c_str(), nullptr, 10));
    }
  }
  if (chunked) {
    Parsed parsed = unchunk(rest, body);
    return parsed == Parsed::incomplete && ended ? Parsed::malformed : parsed;
  }
  if (length) {
    if (rest.size() < *length) return ended ? Parsed::malformed : Parsed::incomplete;
    body.assign(rest.substr(0, *length));
    return Parsed::complete;
  }
  if (!ended) return Parsed::incomplete;
  body.assign(rest);
  return Parsed::complete;
}

// TCP_NODELAY, and keepalive probes after 10 s idle (every 5 s, 3 tries): a peer whose network
// namespace vanished without a FIN or a reset is noticed in about 25 s instead of never.
void set_nodelay(int fd) {
  int on = 1, idle = 10, interval = 5, count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

// Closes with a reset instead of a FIN: the peer must not take a cut-off stream for a whole one.
void reset_and_close(int fd) {
  linger abort{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  close(fd);
}

int milliseconds_until(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return 0;
  auto wait = std::chrono::ceil<milliseconds>(when - now).count();
  return static_cast<int>(std::min<std::int64_t>(wait, 60000));
}

class Proxy {
 public:
  Proxy(Url url, const Config& initial) : url_(std::move(url)), initial_(initial) {}

  [[noreturn]] void run() {
    // Bind first: the task's app containers start right after this process does.
    apply(initial_);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
      log("epoll_create1: %s", std::strerror(errno));
      _exit(EXIT_FAILURE);
    }
    for (auto& [id, listener] : listeners_) watch_listener(id, listener);
    raise_fd_limit();
    request_ = "GET " + url_.path + " HTTP/1.1\r\nHost: " + url_.host +
               "\r\nAccept: application/json\r\nUser-Agent: ecslocal-pause\r\nConnection: close\r\n\r\n";
    scratch_.reset(new char[kChunk]);
    next_poll_ = Clock::now();
    epoll_event events[256];
    for (;;) {
      int ready = epoll_wait(epoll_, events, 256, timeout());
      if (ready < 0 && errno != EINTR) {
        log("epoll_wait: %s", std::strerror(errno));
        _exit(EXIT_FAILURE);
      }
      for (int i = 0; i < ready; ++i) dispatch(events[i].data.u64, events[i].events);
      on_time(Clock::now());
    }
  }

 private:
  // What an epoll token names: id << 2 | kind. Ids are never reused, so an event of a closed
  // socket (still in the batch epoll_wait returned) finds nothing and is dropped.
  enum Kind : std::uint64_t { client_side = 0, upstream_side = 1, listener_kind = 2, fetch_kind = 3 };
  static std::uint64_t token(std::uint64_t id, Kind kind) { return id << 2 | kind; }

  struct Listener {
    Endpoint at;
    int fd = -1;
    std::shared_ptr<const Upstreams> upstreams;
    std::size_t next = 0;  // round robin
    bool watched = false;
    bool failure_logged = false;
  };

  // One direction of a connection.
  struct Flow {
    std::unique_ptr<char[]> pending;  // read from the source, not yet written to the destination
    std::size_t offset = 0, size = 0;
    bool ended = false;               // the source sent its FIN (passed on once pending is written)
    bool has_pending() const { return size > offset; }
  };

  struct Session {
    std::uint64_t id = 0;
    int client = -1, upstream = -1;
    std::shared_ptr<const Upstreams> targets;
    std::size_t next = 0, tries_left = 0;
    std::uint32_t attempt = 0;
    bool connected = false;
    Flow outbound;  // client → upstream
    Flow inbound;   // upstream → client
    std::uint32_t client_events = 0, upstream_events = 0;  // as registered with epoll
  };

  struct ConnectDeadline {
    std::uint64_t session;
    std::uint32_t attempt;
    Clock::time_point at;
  };

  struct Fetch {
    std::uint64_t id = 0;
    int fd = -1;
    bool connected = false;
    std::size_t sent = 0;
    std::string response;
    Clock::time_point deadline;
  };

  // ---- plumbing ----

  bool set_events(int fd, std::uint32_t& current, std::uint32_t wanted, std::uint64_t tag) {
    if (current == wanted) return true;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = tag;
    int op = wanted == 0 ? EPOLL_CTL_DEL : current == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(epoll_, op, fd, &event) != 0) return false;
    current = wanted;
    return true;
  }

  void raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
      }
      // Two sockets a connection, a few to spare for listeners and the config fetch.
      rlim_t spare = 64 + 2 * listeners_.size();
      rlim_t room = limit.rlim_cur > spare ? (limit.rlim_cur - spare) / 2 : 1;
      max_sessions_ = static_cast<std::size_t>(std::min<rlim_t>(kMaxConnections, std::max<rlim_t>(room, 1)));
    }
  }

  int timeout() const {
    Clock::time_point now = Clock::now(), next = now + milliseconds(60000);
    next = std::min(next, fetch_.fd >= 0 ? fetch_.deadline : next_poll_);
    if (!deadlines_.empty()) next = std::min(next, deadlines_.front().at);
    if (accept_paused_ && sessions_.size() < max_sessions_) next = std::min(next, accept_resume_at_);
    return milliseconds_until(next, now);
  }

  void dispatch(std::uint64_t tag, std::uint32_t events) {
    std::uint64_t id = tag >> 2;
    switch (static_cast<Kind>(tag & 3)) {
      case listener_kind: {
        auto found = listeners_.find(id);
        if (found != listeners_.end()) accept_all(found->second);
        break;
      }
      case fetch_kind:
        if (fetch_.fd >= 0 && fetch_.id == id) on_fetch(events);
        break;
      case client_side:
      case upstream_side: {
        auto found = sessions_.find(id);
        if (found != sessions_.end()) on_session(*found->second, (tag & 3) == upstream_side, events);
        break;
      }
    }
  }

  void on_time(Clock::time_point now) {
    while (!deadlines_.empty() && deadlines_.front().at <= now) {
      ConnectDeadline due = deadlines_.front();
      deadlines_.pop_front();
      auto found = sessions_.find(due.session);
      if (found == sessions_.end()) continue;
      Session& session = *found->second;
      if (!session.connected && session.attempt == due.attempt) connect_next(session);
    }
    if (fetch_.fd >= 0 && now >= fetch_.deadline) fetch_failed("no complete answer within 2 s");
    if (fetch_.fd < 0 && now >= next_poll_) {
      next_poll_ = now + kPollInterval;
      for (auto& [id, listener] : listeners_)
        if (listener.fd < 0 && bind_listener(listener)) watch_listener(id, listener);
      start_fetch();
    }
    if (accept_paused_ && now >= accept_resume_at_) resume_accepting();
  }

  // ---- listeners and the config ----

  bool bind_listener(Listener& listener) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address = listener.at.sockaddr();
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 4096) != 0) {
      int error = errno;
      if (fd >= 0) close(fd);
      if (!listener.failure_logged) log("cannot listen on %s: %s (retrying)", listener.at.text().c_str(), std::strerror(error));
      listener.failure_logged = true;
      return false;
    }
    if (listener.failure_logged) log("listening on %s", listener.at.text().c_str());
    listener.failure_logged = false;
    listener.fd = fd;
    return true;
  }

  void watch_listener(std::uint64_t id, Listener& listener) {
    if (epoll_ < 0 || listener.fd < 0 || listener.watched || accept_paused_) return;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = token(id, listener_kind);
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, listener.fd, &event) == 0) listener.watched = true;
  }

  void apply(const Config& config) {
    version_ = config.version;
    std::map<std::uint64_t, Listener> kept;
    for (const ListenerConfig& wanted : config.listeners) {
      auto same = std::find_if(listeners_.begin(), listeners_.end(),
                               [&](const auto& entry) { return entry.second.at == wanted.at; });
      if (same != listeners_.end()) {
        same->second.upstreams = wanted.upstreams;
        kept.insert(listeners_.extract(same));
        continue;
      }
      Listener listener;
      listener.at = wanted.at;
      listener.upstreams = wanted.upstreams;
      bind_listener(listener);
      kept.emplace(next_id_++, std::move(listener));
    }
    for (auto& [id, gone] : listeners_)
      if (gone.fd >= 0) close(gone.fd);  // accepted connections carry on
    listeners_ = std::move(kept);
    for (auto& [id, listener] : listeners_) watch_listener(id, listener);
  }

  void start_fetch() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return fetch_failed(std::strerror(errno));
    sockaddr_in address = url_.server.sockaddr();
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
      int error = errno;
      close(fd);
      return fetch_failed(std::strerror(error));
    }
    fetch_ = Fetch{};
    fetch_.id = next_id_++;
    fetch_.fd = fd;
    fetch_.deadline = Clock::now() + kFetchTimeout;
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = token(fetch_.id, fetch_kind);
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  }

  void end_fetch() {
    if (fetch_.fd >= 0) close(fetch_.fd);
    fetch_.fd = -1;
    std::string().swap(fetch_.response);
  }

  void fetch_failed(const std::string& why) {
    end_fetch();
    if (fetch_ok_) log("cannot get the config from http://%s%s: %s (keeping version %lld, retrying)",
                       url_.host.c_str(), url_.path.c_str(), why.c_str(), static_cast<long long>(version_));
    fetch_ok_ = false;
  }

  void on_fetch(std::uint32_t events) {
    if (!fetch_.connected) {
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fetch_.fd, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0 || (events & EPOLLOUT) == 0) return fetch_failed(std::strerror(error ? error : ECONNREFUSED));
      fetch_.connected = true;
    }
    if (fetch_.sent < request_.size()) {
      ssize_t n = send(fetch_.fd, request_.data() + fetch_.sent, request_.size() - fetch_.sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) return fetch_failed(std::strerror(errno));
      if (n > 0) fetch_.sent += static_cast<std::size_t>(n);
      if (fetch_.sent == request_.size()) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = token(fetch_.id, fetch_kind);
        epoll_ctl(epoll_, EPOLL_CTL_MOD, fetch_.fd, &event);
      }
      return;
    }
    bool ended = false;
    for (;;) {
      ssize_t n = recv(fetch_.fd, scratch_.get(), kChunk, 0);
      if (n > 0) {
        fetch_.response.append(scratch_.get(), static_cast<std::size_t>(n));
        if (fetch_.response.size() > kResponseLimit) return fetch_failed("the answer is too large");
        continue;
      }
      if (n == 0) ended = true;
      else if (errno == EINTR) continue;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) return fetch_failed(std::strerror(errno));
      break;
    }
    int status = 0;
    std::string body;
    Parsed parsed = parse_response(fetch_.response, ended, status, body);
    if (parsed == Parsed::incomplete) return;
    if (parsed == Parsed::malformed) return fetch_failed("not an HTTP response");
    if (status != 200) return fetch_failed("HTTP status " + std::to_string(status));
    std::string error;
    std::optional<Config> config = parse_config(body, error);
    if (!config) return fetch_failed("the config is not valid: " + error);
    end_fetch();
    if (!fetch_ok_) log("got the config again (version %lld)", static_cast<long long>(config->version));
    fetch_ok_ = true;
    if (config->version == version_) return;
    std::size_t upstreams = 0;
    for (const ListenerConfig& listener : config->listeners) upstreams += listener.upstreams->size();
    log("config version %lld: %zu listeners, %zu upstreams%s%s", static_cast<long long>(config->version),
        config->listeners.size(), upstreams, error.empty() ? "" : "; left out: ", error.c_str());
    apply(*config);
  }

  // ---- connections ----

  void accept_all(Listener& listener) {
    for (int i = 0; i < 64 && listener.fd >= 0; ++i) {
      if (sessions_.size() >= max_sessions_) return pause_accepting(Clock::now());
      int fd = accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
          pause_accepting(Clock::now() + milliseconds(100));
        return;
      }
      if (!listener.upstreams || listener.upstreams->empty()) {
        reset_and_close(fd);
        continue;
      }
      set_nodelay(fd);
      auto session = std::make_unique<Session>();
      session->id = next_id_++;
      session->client = fd;
      session->targets = listener.upstreams;
      session->next = listener.next++ % session->targets->size();
      session->tries_left = session->targets->size();
      Session& added = *session;
      sessions_.emplace(added.id, std::move(session));
      connect_next(added);
    }
  }

  // Stops watching the listeners (the kernel's backlog holds new connections) until there is room
  // again and `until` has passed.
  void pause_accepting(Clock::time_point until) {
    accept_resume_at_ = until;
    if (accept_paused_) return;
    accept_paused_ = true;
    for (auto& [id, listener] : listeners_) {
      if (!listener.watched) continue;
      epoll_ctl(epoll_, EPOLL_CTL_DEL, listener.fd, nullptr);
      listener.watched = false;
    }
  }

  void resume_accepting() {
    if (!accept_paused_ || sessions_.size() >= max_sessions_ || Clock::now() < accept_resume_at_) return;
    accept_paused_ = false;
    for (auto& [id, listener] : listeners_) watch_listener(id, listener);
  }

  // Connects to the session's next untried upstream; resets the client when none is left.
  void connect_next(Session& session) {
    if (session.upstream >= 0) {
      close(session.upstream);  // also leaves the epoll set
      session.upstream = -1;
      session.upstream_events = 0;
    }
    while (session.tries_left > 0) {
      const Endpoint& target = (*session.targets)[session.next % session.targets->size()];
      ++session.next;
      --session.tries_left;
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) break;
      set_nodelay(fd);
      sockaddr_in address = target.sockaddr();
      if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        session.upstream = fd;
        return connected(session);
      }
      if (errno == EINPROGRESS) {
        session.upstream = fd;
        ++session.attempt;
        deadlines_.push_back({session.id, session.attempt, Clock::now() + kConnectTimeout});
        if (!update_events(session)) close_session(session, true);
        return;
      }
      close(fd);  // refused or unreachable at once
    }
    close_session(session, true);
  }

  void connected(Session& session) {
    session.connected = true;
    if (!update_events(session)) close_session(session, true);
  }

  // Registers what each socket waits for: to read while its direction flows freely, to write while
  // the other direction has bytes waiting for it (a socket waiting for nothing leaves the set).
  bool update_events(Session& session) {
    std::uint32_t client = 0, upstream = EPOLLOUT;
    if (session.connected) {
      Flow& out = session.outbound;
      Flow& in = session.inbound;
      client = (!out.ended && !out.has_pending() ? EPOLLIN : 0u) | (in.has_pending() ? EPOLLOUT : 0u);
      upstream = (!in.ended && !in.has_pending() ? EPOLLIN : 0u) | (out.has_pending() ? EPOLLOUT : 0u);
    }
    return set_events(session.client, session.client_events, client, token(session.id, client_side)) &&
           set_events(session.upstream, session.upstream_events, upstream, token(session.id, upstream_side));
  }

  void close_session(Session& session, bool reset) {
    for (int fd : {session.client, session.upstream}) {
      if (fd < 0) continue;
      if (reset)
        reset_and_close(fd);
      else
        close(fd);
    }
    const auto id = session.id;  // the key outlives the element it names
    sessions_.erase(id);         // `session` is gone from here on
    if (accept_paused_) resume_accepting();
  }

  void on_session(Session& session, bool upstream_side_event, std::uint32_t events) {
    if (!session.connected) {
      if (!upstream_side_event) return;
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(session.upstream, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error == 0 && (events & EPOLLOUT) != 0 && (events & (EPOLLERR | EPOLLHUP)) == 0) return connected(session);
      return connect_next(session);
    }
    if ((events & EPOLLERR) != 0) return close_session(session, true);
    int self = upstream_side_event ? session.upstream : session.client;
    int other = upstream_side_event ? session.client : session.upstream;
    Flow& from_self = upstream_side_event ? session.inbound : session.outbound;
    Flow& to_self = upstream_side_event ? session.outbound : session.inbound;
    std::uint32_t registered = upstream_side_event ? session.upstream_events : session.client_events;
    bool handled = false;
    if ((events & (EPOLLIN | EPOLLHUP)) != 0 && (registered & EPOLLIN) != 0) {
      handled = true;
      if (!pass_on(session, self, other, from_self)) return;
    }
    if ((events & EPOLLOUT) != 0 && (registered & EPOLLOUT) != 0) {
      handled = true;
      if (!flush(session, self, to_self)) return;
    }
    // A hang-up on a socket with nothing to read from it: it can take no more bytes either.
    if (!handled && (events & EPOLLHUP) != 0) return close_session(session, true);
    Flow& out = session.outbound;
    Flow& in = session.inbound;
    if (out.ended && !out.has_pending() && in.ended && !in.has_pending()) return close_session(session, false);
    if (!update_events(session)) close_session(session, true);
  }

  // Reads once from `from` and writes it on to `to`; false when the session was closed.
  bool pass_on(Session& session, int from, int to, Flow& flow) {
    ssize_t n = recv(from, scratch_.get(), kChunk, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return true;
      close_session(session, true);
      return false;
    }
    if (n == 0) {
      flow.ended = true;
      shutdown(to, SHUT_WR);
      return true;
    }
    ssize_t written = send(to, scratch_.get(), static_cast<std::size_t>(n), MSG_NOSIGNAL);
    if (written < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        close_session(session, true);
        return false;
      }
      written = 0;
    }
    if (written < n) {
      if (!flow.pending) flow.pending.reset(new char[kChunk]);
      flow.size = static_cast<std::size_t>(n - written);
      flow.offset = 0;
      std::memcpy(flow.pending.get(), scratch_.get() + written, flow.size);
    }
    return true;
  }

  // Writes what waits for `to`; false when the session was closed.
  bool flush(Session& session, int to, Flow& flow) {
    while (flow.has_pending()) {
      ssize_t n = send(to, flow.pending.get() + flow.offset, flow.size - flow.offset, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        close_session(session, true);
        return false;
      }
      flow.offset += static_cast<std::size_t>(n);
    }
    flow.pending.reset();  // idle connections hold no buffer
    flow.offset = flow.size = 0;
    if (flow.ended) shutdown(to, SHUT_WR);
    return true;
  }

  Url url_;
  Config initial_;
  std::string request_;
  int epoll_ = -1;
  std::uint64_t next_id_ = 1;
  std::int64_t version_ = 0;
  std::map<std::uint64_t, Listener> listeners_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Session>> sessions_;
  std::deque<ConnectDeadline> deadlines_;  // all of the same length, so in order
  std::size_t max_sessions_ = kMaxConnections;
  bool accept_paused_ = false;
  Clock::time_point accept_resume_at_;
  Fetch fetch_;
  bool fetch_ok_ = true;
  Clock::time_point next_poll_;
  std::unique_ptr<char[]> scratch_;
};

pid_t start_proxy(const Url& url, const Config& config) {
  pid_t parent = getpid();
  pid_t child = fork();
  if (child != 0) return child;
  // The proxy must not outlive PID 1 (outside a container nothing else would end it).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  Proxy(url, config).run();
}

timespec timespec_of(Clock::duration duration) {
  auto nanoseconds = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count());
  return timespec{static_cast<time_t>(nanoseconds / 1000000000), static_cast<long>(nanoseconds % 1000000000)};
}

// PID 1 of --service-connect: keeps one proxy process running until SIGTERM or SIGINT.
int run(const char* url_text, const char* config_text, const sigset_t& waiting) {
  std::optional<Url> url = parse_url(url_text);
  if (!url) {
    log("the config URL must be http://<IPv4 address>[:port]/path, not %s", url_text);
    return 2;
  }
  std::string error;
  std::optional<Config> config = parse_config(config_text, error);
  if (!config) {
    log("the initial config is not valid: %s", error.c_str());
    return 2;
  }
  if (!error.empty()) log("initial config: left out: %s", error.c_str());
  pid_t proxy = -1;
  Clock::time_point started{}, restart_at = Clock::now();
  while (!stop_requested) {
    Clock::time_point now = Clock::now();
    if (proxy < 0 && now >= restart_at) {
      proxy = start_proxy(*url, *config);
      started = now;
      if (proxy < 0) restart_at = now + kRestartInterval;
    }
    timespec wait{};
    if (proxy < 0) wait = timespec_of(restart_at - now);
    ppoll(nullptr, 0, proxy < 0 ? &wait : nullptr, &waiting);
    int status = 0;
    pid_t ended;
    while ((ended = waitpid(-1, &status, WNOHANG)) > 0) {
      if (ended != proxy) continue;
      proxy = -1;
      if (stop_requested) break;
      if (WIFSIGNALED(status))
        log("the proxy was killed by signal %d; starting it again", WTERMSIG(status));
      else
        log("the proxy ended with status %d; starting it again", WEXITSTATUS(status));
      restart_at = std::max(Clock::now(), started + kRestartInterval);
    }
  }
  if (proxy > 0) {
    kill(proxy, SIGKILL);
    waitpid(proxy, nullptr, 0);
  }
  reap_children();
  return EXIT_SUCCESS;
}

}  // namespace service_connect

}  // namespace

int main(int argc, char** argv) {
  bool until_stdin_closes = argc == 2 && std::strcmp(argv[1], "--until-stdin-closes") == 0;
  const char* relay_dir = argc == 3 && std::strcmp(argv[1], "--relay") == 0 ? argv[2] : nullptr;
  bool proxy = argc == 4 && std::strcmp(argv[1], "--service-connect") == 0;
  if (argc > 1 && !until_stdin_closes && !relay_dir && !proxy) {  // say what this is and leave
    static const char usage[] =
        "usage: ecslocal-pause [--until-stdin-closes | --relay <socket dir> |\n"
        "                       --service-connect <config url> <initial config json>]\n"
        "holds a task's network namespace until SIGTERM or SIGINT; --until-stdin-closes also ends at the end of\n"
        "stdin; --relay serves the task endpoints on port 80; --service-connect runs the Service Connect proxy\n"
        "(config: {\"version\":N,\"listeners\":[{\"address\":\"127.255.0.1\",\"port\":80,\n"
        "\"upstreams\":[{\"address\":\"172.31.0.5\",\"port\":8080}]}]}, polled from the http:// URL every 250 ms)\n";
    (void)!write(STDERR_FILENO, usage, sizeof usage - 1);
    return 2;
  }
  // Block the signals outside sigsuspend, so none can slip in between the check and the wait.
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGCHLD);
  sigprocmask(SIG_BLOCK, &blocked, &waiting);
  sigdelset(&waiting, SIGTERM);
  sigdelset(&waiting, SIGINT);
  sigdelset(&waiting, SIGCHLD);
  install(SIGTERM, on_stop);
  install(SIGINT, on_stop);
  install(SIGCHLD, on_child);
  signal(SIGPIPE, SIG_IGN);
  if (relay_dir) return relay(relay_dir, waiting);
  if (proxy) return service_connect::run(argv[2], argv[3], waiting);
  while (!stop_requested) {
    if (until_stdin_closes) {
      if (stdin_closed(waiting)) break;
    } else {
      sigsuspend(&waiting);
    }
    reap_children();
  }
  reap_children();
  return EXIT_SUCCESS;
}
