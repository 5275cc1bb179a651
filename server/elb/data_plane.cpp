#include "server/elb/data_plane.hpp"

// Boost 1.74's coroutine frames trip GCC's -Wmismatched-new-delete (a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <limits>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/elbv2/routing.hpp"

namespace ecslocal::server::elb {

using api::elbv2::ListenerRoutes;
using api::elbv2::RouteAction;
using api::elbv2::RouteTarget;
using Clock = std::chrono::steady_clock;

namespace {

// An idle connection to a target may be reused when the target has not closed it (nor sent
// anything unasked): a non-blocking peek finds nothing to read yet.
bool still_open(tcp::socket& socket) {
  char c;
  const auto n = ::recv(socket.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::set<std::string> target_keys(const ListenerRoutes* routes, bool with_draining) {
  std::set<std::string> out;
  if (!routes) return out;
  for (const auto& [arn, g] : routes->groups) {
    for (const auto& t : g.targets) out.insert(t.key());
    if (with_draining)
      for (const auto& t : g.draining) out.insert(t.key());
  }
  return out;
}

}  // namespace

struct ElbDataPlane::Entry : std::enable_shared_from_this<ElbDataPlane::Entry> {
  explicit Entry(net::any_io_executor ex) : acceptor(ex) {}
  tcp::acceptor acceptor;
  std::string kind;
  std::mutex mutex;  // routes, live, round robin, outstanding, traffic, idle
  std::shared_ptr<const ListenerRoutes> routes;
  std::set<std::string> live;               // target keys of `routes` (the pool keeps only these)
  std::set<std::string> known;              // and the draining ones (requests to others are cut)
  // Upstream connections with a request in flight, by target key.
  std::multimap<std::string, std::weak_ptr<beast::tcp_stream>> busy;
  std::map<std::string, std::size_t> next;  // round robin position per target group
  std::map<std::string, int> outstanding;   // requests in flight per target key
  std::uint64_t weighted = 0;
  std::atomic<bool> closed{false};
  api::ListenerTraffic traffic;
  struct Idle {
    std::shared_ptr<beast::tcp_stream> stream;
    Clock::time_point since;
  };
  std::map<std::string, std::vector<Idle>> idle;  // the keep-alive pool, by target key

  std::shared_ptr<const ListenerRoutes> current() {
    std::lock_guard lock(mutex);
    return routes;
  }
  void set_routes(std::shared_ptr<const ListenerRoutes> r) {
    std::lock_guard lock(mutex);
    routes = std::move(r);
    live = target_keys(routes.get(), false);
    known = target_keys(routes.get(), true);
    for (auto it = idle.begin(); it != idle.end();)
      it = live.count(it->first) ? std::next(it) : idle.erase(it);
    // A target that left for good (its deregistration delay is over): requests still running on
    // it are cut (the shutdown fails their reads; they answer 502).
    for (auto& [key, weak] : busy)
      if (!known.count(key))
        if (auto stream = weak.lock()) ::shutdown(stream->socket().native_handle(), SHUT_RDWR);
  }
  bool knows(const std::string& key) {
    std::lock_guard lock(mutex);
    return known.count(key) > 0;
  }
  // Registers `stream` as busy with a request to `key` while the returned guard lives.
  auto track(const std::string& key, const std::shared_ptr<beast::tcp_stream>& stream) {
    std::lock_guard lock(mutex);
    auto it = busy.emplace(key, stream);
    auto done = [this, it](void*) {
      std::lock_guard l(mutex);
      busy.erase(it);
    };
    return std::unique_ptr<void, decltype(done)>(reinterpret_cast<void*>(1), done);
  }
  template <typename Fn>
  void count(Fn&& fn) {
    std::lock_guard lock(mutex);
    fn(traffic);
  }

  // The target group of a forward action (by weight), then a target of it (round robin, or the
  // one with the fewest requests in flight for least_outstanding_requests).
  std::optional<std::pair<std::string, RouteTarget>> pick(const ListenerRoutes& r, const RouteAction& action) {
    std::lock_guard lock(mutex);
    int total = 0;
    for (const auto& [arn, w] : action.groups) total += std::max(0, w);
    std::string chosen;
    if (total <= 0) {
      if (!action.groups.empty()) chosen = action.groups.front().first;
    } else {
      int at = static_cast<int>(weighted++ % static_cast<std::uint64_t>(total));
      for (const auto& [arn, w] : action.groups) {
        if (at < std::max(0, w)) {
          chosen = arn;
          break;
        }
        at -= std::max(0, w);
      }
    }
    auto g = r.groups.find(chosen);
    if (g == r.groups.end() || g->second.targets.empty()) return std::nullopt;
    const auto& targets = g->second.targets;
    std::size_t& n = next[chosen];
    std::size_t index = n++ % targets.size();
    if (g->second.algorithm == "least_outstanding_requests") {
      int best = -1;
      for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::size_t at = (index + i) % targets.size();
        auto o = outstanding.find(targets[at].key());
        const int busy = o == outstanding.end() ? 0 : o->second;
        if (best < 0 || busy < best) {
          best = busy;
          index = at;
        }
      }
    }
    return std::make_pair(chosen, targets[index]);
  }
  void begin(const std::string& key) {
    std::lock_guard lock(mutex);
    ++outstanding[key];
  }
  void end(const std::string& key) {
    std::lock_guard lock(mutex);
    if (auto it = outstanding.find(key); it != outstanding.end() && --it->second <= 0) outstanding.erase(it);
  }

  // An idle connection to `key` that is still open and not older than `max_age`, or null. One
  // idle for less than a second is taken without asking the kernel whether the target closed it
  // unless `must_check` (a request that cannot be sent twice): a retry covers that case.
  std::shared_ptr<beast::tcp_stream> acquire(const std::string& key, std::chrono::seconds max_age, bool must_check) {
    std::lock_guard lock(mutex);
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    const auto now = Clock::now();
    while (!it->second.empty()) {
      Idle conn = std::move(it->second.back());
      it->second.pop_back();
      if (conn.since < now - max_age) continue;
      if (!must_check && conn.since > now - std::chrono::seconds(1)) return std::move(conn.stream);
      if (still_open(conn.stream->socket())) return std::move(conn.stream);
    }
    return nullptr;
  }
  void release(const std::string& key, std::shared_ptr<beast::tcp_stream> stream) {
    std::lock_guard lock(mutex);
    if (closed || !live.count(key)) return;
    auto& list = idle[key];
    if (list.size() >= kMaxIdlePerTarget) return;
    list.push_back({std::move(stream), Clock::now()});
  }
};

namespace {

using net::use_awaitable;

// The idle timeouts of a session's socket operations with one timer wait per period instead of
// one per operation (Beast's per-operation expiry costs a timer for every read and write):
// arm() before an operation, done() after it; when the deadline passes in between, the watched
// sockets' operations are cancelled and done() reports it (the error becomes a timeout).
class Watchdog : public std::enable_shared_from_this<Watchdog> {
 public:
  explicit Watchdog(net::any_io_executor ex) : timer_(std::move(ex)) {}
  void arm(Clock::duration d, tcp::socket* a, tcp::socket* b = nullptr) {
    std::lock_guard lock(mutex_);
    due_ = Clock::now() + d;
    watched_[0] = a;
    watched_[1] = b;
    fired_ = false;
    if (!waiting_) wait();
  }
  // Ends the watch; whether the deadline passed during it.
  bool done() {
    std::lock_guard lock(mutex_);
    const bool fired = fired_;
    fired_ = false;
    due_ = Clock::time_point::max();
    watched_[0] = watched_[1] = nullptr;
    return fired;
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    watched_[0] = watched_[1] = nullptr;
    timer_.cancel();
  }

 private:
  void wait() {  // with mutex_ held
    waiting_ = true;
    timer_.expires_at(due_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code&) { self->on_wait(); });
  }
  void on_wait() {
    std::lock_guard lock(mutex_);
    waiting_ = false;
    if (stopped_ || due_ == Clock::time_point::max()) return;
    if (Clock::now() < due_) return wait();
    fired_ = true;
    due_ = Clock::time_point::max();
    for (tcp::socket* s : watched_) {
      boost::system::error_code ignored;
      if (s) s->cancel(ignored);
    }
  }
  net::steady_timer timer_;
  std::mutex mutex_;
  Clock::time_point due_ = Clock::time_point::max();
  tcp::socket* watched_[2] = {nullptr, nullptr};
  bool waiting_ = false, fired_ = false, stopped_ = false;
};

// A message with a string body as one start line + header block and the body: two buffers for
// one write (Beast's serializer hands the kernel a buffer per field name, separator and value).
// Chunked messages go through Beast.
template <bool isRequest>
std::string head_of(const http::message<isRequest, http::string_body>& msg) {
  std::string out;
  out.reserve(256);
  if constexpr (isRequest) {
    out.append(msg.method_string().data(), msg.method_string().size());
    out += ' ';
    out.append(msg.target().data(), msg.target().size());
    out += msg.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
  } else {
    out += msg.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(msg.result_int());
    out += ' ';
    const auto reason = msg.reason();
    if (reason.empty()) {
      const auto standard = http::obsolete_reason(msg.result());
      out.append(standard.data(), standard.size());
    } else {
      out.append(reason.data(), reason.size());
    }
    out += "\r\n";
  }
  for (const auto& f : msg) {
    out.append(f.name_string().data(), f.name_string().size());
    out += ": ";
    out.append(f.value().data(), f.value().size());
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

template <bool isRequest>
net::awaitable<void> write_message(beast::tcp_stream& stream, http::message<isRequest, http::string_body>& msg,
                                   boost::system::error_code& ec) {
  if (msg.chunked()) {
    co_await http::async_write(stream, msg, net::redirect_error(use_awaitable, ec));
    co_return;
  }
  const std::string head = head_of(msg);
  const std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(msg.body())};
  co_await net::async_write(stream, buffers, net::redirect_error(use_awaitable, ec));
}

// After a watched operation: a cancellation by the watchdog is a timeout.
void settle(Watchdog& dog, boost::system::error_code& ec) {
  if (dog.done() && ec) ec = beast::error::timeout;
}

const char* kPage503 =
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service "
    "Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";

constexpr std::size_t kMaxHeaderLine = 16 * 1024;  // one header line (ALB: 400 above)
constexpr std::size_t kMaxHeaders = 64 * 1024;     // the request line and all headers
constexpr int kMaxForwardedFor = 30;               // addresses in X-Forwarded-For (ALB: 463 above)

std::string elb_page(int status, const std::string& reason) {
  if (status == 503) return kPage503;
  const std::string title = std::to_string(status) + " " + reason;
  return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
         "</h1></center>\r\n</body>\r\n</html>\r\n";
}

HttpResponse elb_response(int status, unsigned version, bool keep_alive, std::string body,
                          const std::string& content_type = "text/html") {
  HttpResponse res{static_cast<http::status>(status), version};
  res.set(http::field::server, "awselb/2.0");
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

const char* reason_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 463: return "";
    case 502: return "Bad Gateway";
    case 504: return "Gateway Time-out";
    default: return "Service Temporarily Unavailable";
  }
}

HttpResponse error_page(int status, unsigned version, bool keep_alive) {
  return elb_response(status, version, keep_alive, elb_page(status, reason_of(status)));
}

// "1-<8 hex digits of epoch seconds>-<24 hex digits>", a trace id as ALB makes them.
std::string trace_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char out[64];
  const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::snprintf(out, sizeof out, "1-%08llx-%012llx%012llx", static_cast<unsigned long long>(epoch) & 0xFFFFFFFFULL,
                static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFULL), static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFULL));
  return out;
}

// X-Amzn-Trace-Id as ALB forwards it: absent → a new Root; present without Root → a new Root
// before the client's fields; with a Root → a Self field of this hop first (replacing a Self the
// client sent), the client's fields kept.
std::string trace_header(std::string_view existing) {
  if (existing.empty()) return "Root=" + trace_id();
  const std::string text(existing);
  if (text.find("Root=") == std::string::npos) return "Root=" + trace_id() + ";" + text;
  std::string out = "Self=" + trace_id();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t semi = text.find(';', start);
    if (semi == std::string::npos) semi = text.size();
    std::string field = text.substr(start, semi - start);
    while (!field.empty() && field.front() == ' ') field.erase(0, 1);
    if (!field.empty() && field.rfind("Self=", 0) != 0) out += ";" + field;
    start = semi + 1;
  }
  return out;
}

api::elbv2::RequestFacts facts_of(const HttpRequest& req, const std::string& client_ip, bool with_headers) {
  api::elbv2::RequestFacts f;
  f.method = std::string(req.method_string());
  const std::string target(req.target());
  const auto q = target.find('?');
  f.path = target.substr(0, q);
  if (q != std::string::npos) f.query = target.substr(q + 1);
  std::string host(req[http::field::host]);
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  f.host = host;
  f.source_ip = client_ip;
  if (with_headers)
    for (const auto& h : req) f.headers.emplace_back(std::string(h.name_string()), std::string(h.value()));
  return f;
}

// Whether any rule of `routes` reads the request's headers (http-header conditions).
bool reads_headers(const ListenerRoutes& routes) {
  for (const auto& rule : routes.rules)
    for (const auto& c : rule.conditions)
      if (c.field == "http-header") return true;
  return false;
}

int forwarded_for_count(std::string_view xff) {
  if (xff.find_first_not_of(" \t") == std::string_view::npos) return 0;
  return 1 + static_cast<int>(std::count(xff.begin(), xff.end(), ','));
}

void add_forwarded_headers(HttpRequest& req, const std::string& client_ip, int listener_port) {
  const auto xff = req["X-Forwarded-For"];
  req.set("X-Forwarded-For", xff.empty() ? client_ip : std::string(xff) + ", " + client_ip);
  req.set("X-Forwarded-Proto", "http");
  req.set("X-Forwarded-Port", std::to_string(listener_port));
  req.set("X-Amzn-Trace-Id", trace_header(req["X-Amzn-Trace-Id"]));
}

bool is_upgrade(const HttpRequest& req) {
  return req.count(http::field::upgrade) > 0 && http::token_list{req[http::field::connection]}.exists("upgrade");
}

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::options || v == http::verb::put ||
         v == http::verb::delete_;
}

bool peer_gone(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::connection_reset ||
         ec == net::error::eof || ec == net::error::broken_pipe;
}

// What forwarding one request gave: the target's response, or the load balancer's own error page.
struct Forwarded {
  HttpResponse res;
  bool from_target = false;
  bool connect_failed = false;
  double seconds = 0;  // request sent → response headers read
  // The response went to the client as it came (a large or unframed body): `res` is empty,
  // `status` is the target's, `client_keep` whether the client connection may go on.
  bool streamed = false;
  int status = 0;
  bool client_keep = false;
};

constexpr std::uint64_t kBufferedBody = 1024 * 1024;  // larger bodies, or of unknown size, are streamed

// Relays the body of a response whose header `parser` has read from `up` to the client as it
// arrives: the client gets the target's Content-Length, chunks when the target's body has no
// length (or ends by closing), and, HTTP/1.0 clients, a body ended by closing.
net::awaitable<void> stream_response(ElbDataPlane::Entry& entry, const RouteTarget& target,
                                     std::shared_ptr<beast::tcp_stream> up, beast::flat_buffer& buffer,
                                     http::response_parser<http::empty_body>&& header, beast::tcp_stream& client,
                                     unsigned version, bool keep, std::chrono::seconds idle, Watchdog& dog,
                                     Forwarded& out) {
  boost::system::error_code ec;
  http::response_parser<http::buffer_body> p{std::move(header)};
  auto& msg = p.get();
  const bool target_keep = msg.keep_alive();
  const bool has_length = msg.count(http::field::content_length) > 0;
  msg.erase("Keep-Alive");
  msg.keep_alive(keep);
  if (version == 10) {
    if (msg.chunked() || !has_length) {
      msg.chunked(false);
      msg.keep_alive(false);
    }
  } else if (!has_length && !msg.chunked()) {
    msg.chunked(true);
  }
  out.client_keep = msg.keep_alive();
  std::array<char, 16384> data;
  msg.body().data = nullptr;
  msg.body().size = 0;
  msg.body().more = true;
  http::response_serializer<http::buffer_body> sr{msg};
  dog.arm(idle, &client.socket(), &up->socket());
  co_await http::async_write_header(client, sr, net::redirect_error(use_awaitable, ec));
  settle(dog, ec);
  bool upstream_ok = !ec;
  while (!ec) {
    if (!p.is_done()) {
      msg.body().data = data.data();
      msg.body().size = data.size();
      dog.arm(idle, &up->socket());
      co_await http::async_read(*up, buffer, p, net::redirect_error(use_awaitable, ec));
      settle(dog, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        upstream_ok = false;
        break;
      }
      msg.body().size = data.size() - msg.body().size;
      msg.body().data = data.data();
      msg.body().more = !p.is_done();
    } else {
      msg.body().data = nullptr;
      msg.body().size = 0;
      msg.body().more = false;
    }
    dog.arm(idle, &client.socket());
    co_await http::async_write(client, sr, net::redirect_error(use_awaitable, ec));
    settle(dog, ec);
    if (ec == http::error::need_buffer) {
      ec = {};
      continue;
    }
    if (ec || sr.is_done()) break;
  }
  if (ec || !upstream_ok) {
    out.client_keep = false;  // cut mid-body: the client connection ends too
    co_return;
  }
  if (p.is_done() && target_keep && buffer.size() == 0) entry.release(target.key(), std::move(up));
}

net::awaitable<Forwarded> forward(ElbDataPlane::Entry& entry, const RouteTarget& target, HttpRequest& req,
                                  beast::tcp_stream& client, Watchdog& dog, int idle_timeout, unsigned version,
                                  bool keep) {
  const auto ex = co_await net::this_coro::executor;
  boost::system::error_code ec;
  const bool head = req.method() == http::verb::head;
  const auto idle = std::chrono::seconds(idle_timeout);
  // ALB speaks HTTP/1.1 with keep-alive to targets whatever the client does.
  req.version(11);
  req.keep_alive(true);
  req.erase("Keep-Alive");
  req.erase(http::field::expect);
  Forwarded out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::shared_ptr<beast::tcp_stream> up = attempt == 0 ? entry.acquire(target.key(), idle, !idempotent(req.method())) : nullptr;
    const bool reused = up != nullptr;
    if (!up) {
      boost::system::error_code parse_ec;
      const auto address = net::ip::make_address(target.ip, parse_ec);
      if (parse_ec) {
        out.res = error_page(502, version, keep);
        co_return out;
      }
      up = std::make_shared<beast::tcp_stream>(ex);
      up->expires_after(std::chrono::seconds(10));
      co_await up->async_connect(tcp::endpoint(address, static_cast<unsigned short>(target.port)),
                                 net::redirect_error(use_awaitable, ec));
      if (ec) {
        out.connect_failed = true;
        out.res = error_page(ec == beast::error::timeout ? 504 : 502, version, keep);
        co_return out;
      }
      up->expires_never();  // from here on the watchdog times its operations
      up->socket().set_option(tcp::no_delay(true), ec);
    }
    const auto in_flight = entry.track(target.key(), up);
    const auto sent = Clock::now();
    dog.arm(idle, &up->socket());
    co_await write_message(*up, req, ec);
    bool got_header = false;
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> header;
    header.body_limit(std::numeric_limits<std::uint64_t>::max());  // (Boost 1.74 takes none as 0)
    if (head) header.skip(true);
    if (!ec) {
      co_await http::async_read_header(*up, buffer, header, net::redirect_error(use_awaitable, ec));
      got_header = !ec;
      out.seconds = std::chrono::duration<double>(Clock::now() - sent).count();
    }
    settle(dog, ec);
    if (!ec && !header.is_done() && !(header.content_length() && *header.content_length() <= kBufferedBody)) {
      out.from_target = true;
      out.streamed = true;
      out.status = header.get().result_int();
      co_await stream_response(entry, target, std::move(up), buffer, std::move(header), client, version, keep, idle, dog,
                               out);
      co_return out;
    }
    std::optional<http::response_parser<http::string_body>> parser;
    if (!ec) {
      parser.emplace(std::move(header));
      if (!parser->is_done()) {
        dog.arm(idle, &up->socket());
        co_await http::async_read(*up, buffer, *parser, net::redirect_error(use_awaitable, ec));
        settle(dog, ec);
      }
    }
    if (!ec) {
      HttpResponse res = parser->release();
      if (res.keep_alive() && buffer.size() == 0) entry.release(target.key(), std::move(up));
      res.erase("Keep-Alive");
      res.keep_alive(keep);
      const int code = res.result_int();
      const bool bodyless = head || code / 100 == 1 || code == 204 || code == 304;
      if (version == 10 && res.chunked() && !head) {  // HTTP/1.0 clients know no chunks
        res.chunked(false);
        res.content_length(res.body().size());
      } else if (!bodyless && !res.chunked() && res.count(http::field::content_length) == 0) {
        res.content_length(res.body().size());  // a body the target ended by closing: framed for the client
      }
      out.res = std::move(res);
      out.from_target = true;
      co_return out;
    }
    const bool timed_out = ec == beast::error::timeout;
    // A kept-alive connection the target closed meanwhile: once more on a fresh one.
    if (reused && !got_header && !timed_out && idempotent(req.method()) && peer_gone(ec) && entry.knows(target.key()))
      continue;
    out.res = error_page(timed_out ? 504 : 502, version, keep);
    co_return out;
  }
  out.res = error_page(502, version, keep);
  co_return out;
}

net::awaitable<void> pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  std::array<char, 16384> data;
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = co_await from->async_read_some(net::buffer(data), net::redirect_error(use_awaitable, ec));
    if (ec || n == 0) break;
    co_await net::async_write(*to, net::buffer(data.data(), n), net::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  to->shutdown(tcp::socket::shutdown_send, ec);
}

// Both ways until each side has finished sending: two coroutines on a strand of their own (each
// socket is read by one and written by the other). Returns at once; they own the sockets.
void splice(std::shared_ptr<tcp::socket> a, std::shared_ptr<tcp::socket> b) {
  auto strand = net::make_strand(a->get_executor());
  net::co_spawn(strand, pipe(b, a), net::detached);
  net::co_spawn(strand, pipe(a, b), net::detached);
}

// A request that upgrades the connection (websocket): a connection of its own to the target;
// when the target answers 101, the client gets that answer and the two connections are joined.
// Returns the response when the target declined (the session then ends).
net::awaitable<std::optional<Forwarded>> tunnel(beast::tcp_stream& client, beast::flat_buffer& client_buffer,
                                                const RouteTarget& target, HttpRequest& req, int idle_timeout) {
  const auto ex = co_await net::this_coro::executor;
  boost::system::error_code ec;
  const unsigned version = req.version();
  Forwarded out;
  const auto address = net::ip::make_address(target.ip, ec);
  if (ec) {
    out.res = error_page(502, version, false);
    co_return out;
  }
  beast::tcp_stream up(ex);
  up.expires_after(std::chrono::seconds(10));
  co_await up.async_connect(tcp::endpoint(address, static_cast<unsigned short>(target.port)),
                            net::redirect_error(use_awaitable, ec));
  if (ec) {
    out.connect_failed = true;
    out.res = error_page(ec == beast::error::timeout ? 504 : 502, version, false);
    co_return out;
  }
  up.socket().set_option(tcp::no_delay(true), ec);
  const auto sent = Clock::now();
  up.expires_after(std::chrono::seconds(idle_timeout));
  co_await http::async_write(up, req, net::redirect_error(use_awaitable, ec));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64ull * 1024 * 1024);
  if (!ec) co_await http::async_read_header(up, buffer, parser, net::redirect_error(use_awaitable, ec));
  out.seconds = std::chrono::duration<double>(Clock::now() - sent).count();
  if (!ec && parser.get().result() != http::status::switching_protocols && !parser.is_done())
    co_await http::async_read(up, buffer, parser, net::redirect_error(use_awaitable, ec));
  if (ec) {
    out.res = error_page(ec == beast::error::timeout ? 504 : 502, version, false);
    co_return out;
  }
  HttpResponse res = parser.release();
  if (res.result() != http::status::switching_protocols) {
    res.keep_alive(false);
    out.res = std::move(res);
    out.from_target = true;
    co_return out;
  }
  client.expires_after(std::chrono::seconds(idle_timeout));
  http::response_serializer<http::string_body> sr(res);
  co_await http::async_write_header(client, sr, net::redirect_error(use_awaitable, ec));
  if (ec) co_return std::nullopt;
  // Bytes each side sent after the upgrade that the parsers read already.
  if (buffer.size()) co_await net::async_write(client, buffer.data(), net::redirect_error(use_awaitable, ec));
  if (!ec && client_buffer.size())
    co_await net::async_write(up, client_buffer.data(), net::redirect_error(use_awaitable, ec));
  if (ec) co_return std::nullopt;
  client.expires_never();
  up.expires_never();
  auto down_socket = std::make_shared<tcp::socket>(client.release_socket());
  auto up_socket = std::make_shared<tcp::socket>(up.release_socket());
  splice(down_socket, up_socket);
  co_return std::nullopt;
}

bool header_line_too_long(const HttpRequest& req) {
  for (const auto& h : req)
    if (h.name_string().size() + 2 + h.value().size() > kMaxHeaderLine) return true;
  return req.target().size() > kMaxHeaderLine;
}

net::awaitable<void> http_session(std::shared_ptr<ElbDataPlane::Entry> entry, tcp::socket socket) {
  beast::tcp_stream client(std::move(socket));
  boost::system::error_code ec;
  client.socket().set_option(tcp::no_delay(true), ec);
  const std::string client_ip = client.socket().remote_endpoint(ec).address().to_string();
  entry->count([](api::ListenerTraffic& t) { ++t.new_connections; });
  beast::flat_buffer buffer;
  auto dog = std::make_shared<Watchdog>(client.get_executor());
  struct StopDog {
    Watchdog& dog;
    ~StopDog() { dog.stop(); }
  } stop_dog{*dog};
  while (!entry->closed) {
    auto routes = entry->current();
    const int idle = routes ? routes->idle_timeout_seconds : 60;
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaders);
    parser.body_limit(64ull * 1024 * 1024);
    dog->arm(std::chrono::seconds(idle), &client.socket());
    co_await http::async_read_header(client, buffer, parser, net::redirect_error(use_awaitable, ec));
    settle(*dog, ec);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      break;
    const bool bad = ec || header_line_too_long(parser.get());
    if (!bad && parser.get()[http::field::expect] == "100-continue" && !parser.is_done()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await net::async_write(client, net::buffer(kContinue), net::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
    if (!bad && !parser.is_done()) {
      dog->arm(std::chrono::seconds(idle), &client.socket());
      co_await http::async_read(client, buffer, parser, net::redirect_error(use_awaitable, ec));
      settle(*dog, ec);
      if (ec == beast::error::timeout || peer_gone(ec)) break;
    }
    if (bad || ec) {  // a request ALB cannot parse: 400, and the connection ends
      entry->count([](api::ListenerTraffic& t) {
        ++t.requests;
        ++t.elb_codes[400];
      });
      HttpResponse res = error_page(400, 11, false);
      dog->arm(std::chrono::seconds(idle), &client.socket());
      co_await write_message(client, res, ec);
      settle(*dog, ec);
      break;
    }
    HttpRequest req = parser.release();
    const unsigned version = req.version();
    const bool keep = req.keep_alive();
    HttpResponse res;
    std::optional<Forwarded> forwarded;
    std::string group;
    const api::elbv2::RouteRule* rule = nullptr;
    if (req.method() == http::verb::trace) {
      res = error_page(405, version, keep);
    } else if (forwarded_for_count(req["X-Forwarded-For"]) > kMaxForwardedFor) {
      res = error_page(463, version, keep);
    } else if (routes) {
      const auto facts = facts_of(req, client_ip, reads_headers(*routes));
      rule = api::elbv2::match_rule(*routes, facts);
      const RouteAction* action = rule ? &rule->action : nullptr;
      if (!action || action->type.empty()) {
        res = error_page(503, version, keep);
      } else if (action->type == "fixed-response") {
        res = elb_response(action->status_code, version, keep, action->body,
                           action->content_type.empty() ? "text/plain" : action->content_type);
        entry->count([](api::ListenerTraffic& t) { ++t.fixed_responses; });
      } else if (action->type == "redirect") {
        res = elb_response(action->status_code, version, keep, "");
        res.set(http::field::location, api::elbv2::redirect_location(*action, facts, "http", routes->port));
        res.prepare_payload();
        entry->count([](api::ListenerTraffic& t) { ++t.redirects; });
      } else if (auto picked = entry->pick(*routes, *action)) {
        group = picked->first;
        const RouteTarget& target = picked->second;
        add_forwarded_headers(req, client_ip, routes->port);
        entry->count([&](api::ListenerTraffic& t) { ++t.groups[group].requests; });
        if (is_upgrade(req)) {
          entry->count([](api::ListenerTraffic& t) { ++t.requests; });
          entry->begin(target.key());
          auto declined = co_await tunnel(client, buffer, target, req, idle);
          entry->end(target.key());
          if (!declined) co_return;  // upgraded: the tunnel is over
          forwarded = std::move(declined);
        } else {
          entry->begin(target.key());
          forwarded = co_await forward(*entry, target, req, client, *dog, idle, version, keep);
          entry->end(target.key());
        }
        res = std::move(forwarded->res);
      } else {
        res = error_page(503, version, keep);
      }
    } else {
      res = error_page(503, version, keep);
    }
    const bool streamed = forwarded && forwarded->streamed;
    const int status = streamed ? forwarded->status : res.result_int();
    const bool upgraded_request = forwarded && is_upgrade(req);
    entry->count([&](api::ListenerTraffic& t) {
      if (!upgraded_request) ++t.requests;
      const bool ours = !forwarded || !forwarded->from_target;
      const bool rule_answer = rule && (rule->action.type == "fixed-response" || rule->action.type == "redirect");
      if (ours && !rule_answer && status >= 400) ++t.elb_codes[status];
      if (!forwarded) return;
      auto& g = t.groups[group];
      if (forwarded->connect_failed) ++g.connection_errors;
      if (!forwarded->from_target) return;
      if (status >= 200 && status < 600) ++g.target_codes[status / 100];
      const double s = forwarded->seconds;
      if (g.responses == 0 || s < g.response_seconds_min) g.response_seconds_min = s;
      if (g.responses == 0 || s > g.response_seconds_max) g.response_seconds_max = s;
      g.response_seconds_sum += s;
      ++g.responses;
    });
    if (streamed) {  // the response went out already
      if (!forwarded->client_keep) break;
      continue;
    }
    const bool again = res.keep_alive() && !upgraded_request;
    dog->arm(std::chrono::seconds(idle), &client.socket());
    co_await write_message(client, res, ec);
    settle(*dog, ec);
    if (ec || !again) break;
  }
  client.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// An NLB that cannot forward a connection resets it (RST), as AWS's does: a zero linger makes
// the close abortive instead of an orderly FIN, which a client would read as an empty reply.
void reset_connection(tcp::socket& socket) {
  boost::system::error_code ec;
  socket.set_option(net::socket_base::linger(true, 0), ec);
  socket.close(ec);
}

net::awaitable<void> tcp_session(std::shared_ptr<ElbDataPlane::Entry> entry, tcp::socket client) {
  auto routes = entry->current();
  boost::system::error_code ec;
  entry->count([](api::ListenerTraffic& t) { ++t.new_connections; });
  if (!routes || routes->rules.empty()) {
    reset_connection(client);
    co_return;
  }
  auto picked = entry->pick(*routes, routes->rules.back().action);
  if (!picked) {  // no target
    reset_connection(client);
    co_return;
  }
  const RouteTarget target = picked->second;
  entry->count([&](api::ListenerTraffic& t) { ++t.groups[picked->first].requests; });
  const auto ex = co_await net::this_coro::executor;
  beast::tcp_stream upstream(ex);
  const auto address = net::ip::make_address(target.ip, ec);
  if (ec) {
    reset_connection(client);
    co_return;
  }
  upstream.expires_after(std::chrono::seconds(10));
  co_await upstream.async_connect(tcp::endpoint(address, static_cast<unsigned short>(target.port)),
                                  net::redirect_error(use_awaitable, ec));
  if (ec) {
    entry->count([&](api::ListenerTraffic& t) { ++t.groups[picked->first].connection_errors; });
    reset_connection(client);
    co_return;
  }
  upstream.expires_never();
  client.set_option(tcp::no_delay(true), ec);
  upstream.socket().set_option(tcp::no_delay(true), ec);
  splice(std::make_shared<tcp::socket>(std::move(client)), std::make_shared<tcp::socket>(upstream.release_socket()));
}

// Accepts on the listener's strand; each connection is served on the I/O executor itself (a
// session is one coroutine, so its steps never overlap; what sessions share is under the
// entry's mutex).
void accept_loop(std::shared_ptr<ElbDataPlane::Entry> entry, net::any_io_executor io) {
  entry->acceptor.async_accept(io, [entry, io](const boost::system::error_code& ec, tcp::socket socket) {
    if (entry->closed) return;
    if (ec) {
      // Out of descriptors and the like: the listener keeps going (a closed acceptor stops it).
      if (ec != net::error::operation_aborted && entry->acceptor.is_open()) accept_loop(entry, io);
      return;
    }
    const auto ex = socket.get_executor();
    if (entry->kind == "tcp-proxy")
      net::co_spawn(ex, tcp_session(entry, std::move(socket)), net::detached);
    else
      net::co_spawn(ex, http_session(entry, std::move(socket)), net::detached);
    accept_loop(entry, io);
  });
}

}  // namespace

ElbDataPlane::ElbDataPlane(net::any_io_executor executor) : executor_(std::move(executor)) {}

ElbDataPlane::~ElbDataPlane() { close_all(); }

api::ListenerResult ElbDataPlane::open(const api::ListenerRequest& request) {
  api::ListenerResult result;
  if (request.kind != "http-proxy" && request.kind != "tcp-proxy") {
    result.error = "no handler of kind " + request.kind;
    return result;
  }
  std::lock_guard lock(mutex_);
  if (entries_.count(request.id)) {
    result.error = "listener " + request.id + " is open already";
    return result;
  }
  auto entry = std::make_shared<Entry>(net::make_strand(executor_));
  entry->kind = request.kind;
  entry->set_routes(std::dynamic_pointer_cast<const ListenerRoutes>(request.config));
  boost::system::error_code ec;
  const auto address = net::ip::make_address(request.address, ec);
  if (ec) {
    result.error = "bad address " + request.address;
    return result;
  }
  const tcp::endpoint endpoint(address, request.port);
  entry->acceptor.open(endpoint.protocol(), ec);
  if (!ec) entry->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) entry->acceptor.bind(endpoint, ec);
  if (!ec) entry->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    result.error = "address " + request.address + ":" + std::to_string(request.port) +
                   (ec == net::error::address_in_use ? " is already in use" : ": " + ec.message());
    return result;
  }
  result.ok = true;
  result.port = entry->acceptor.local_endpoint().port();
  entries_.emplace(request.id, entry);
  net::post(entry->acceptor.get_executor(), [entry, io = executor_] { accept_loop(entry, io); });
  return result;
}

void ElbDataPlane::close(const std::string& id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    entry = it->second;
    entries_.erase(it);
  }
  entry->closed = true;
  net::post(entry->acceptor.get_executor(), [entry] {
    boost::system::error_code ec;
    entry->acceptor.close(ec);
    std::lock_guard lock(entry->mutex);
    entry->idle.clear();
  });
}

void ElbDataPlane::publish(const std::string& id, std::shared_ptr<const api::DataPlaneConfig> config) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second->set_routes(std::dynamic_pointer_cast<const ListenerRoutes>(config));
}

std::map<std::string, api::ListenerTraffic> ElbDataPlane::take_traffic() {
  std::map<std::string, api::ListenerTraffic> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : entries_) {
    std::lock_guard entry_lock(entry->mutex);
    auto& t = entry->traffic;
    if (t.requests == 0 && t.new_connections == 0 && t.groups.empty() && t.elb_codes.empty()) continue;
    out.emplace(id, std::move(t));
    t = api::ListenerTraffic{};
  }
  return out;
}

void ElbDataPlane::close_all() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, e] : entries_) ids.push_back(id);
  }
  for (const auto& id : ids) close(id);
}

}  // namespace ecslocal::server::elb
