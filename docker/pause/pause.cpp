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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <cstring>

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

}  // namespace

int main(int argc, char** argv) {
  bool until_stdin_closes = argc == 2 && std::strcmp(argv[1], "--until-stdin-closes") == 0;
  const char* relay_dir = argc == 3 && std::strcmp(argv[1], "--relay") == 0 ? argv[2] : nullptr;
  if (argc > 1 && !until_stdin_closes && !relay_dir) {  // say what this is and leave
    static const char usage[] =
        "ecslocal-pause [--until-stdin-closes | --relay <socket dir>]: holds a task's network namespace until "
        "SIGTERM or SIGINT\n";
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
