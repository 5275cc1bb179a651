#include "server/elb/data_plane.hpp"

// Boost 1.74's coroutine frames trip GCC's -Wmismatched-new-delete (a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/elbv2/routing.hpp"

namespace ecslocal::server::elb {

using api::elbv2::ListenerRoutes;
using api::elbv2::RouteAction;
using api::elbv2::RouteTarget;

struct ElbDataPlane::Entry : std::enable_shared_from_this<ElbDataPlane::Entry> {
  explicit Entry(net::any_io_executor ex) : acceptor(ex) {}
  tcp::acceptor acceptor;
  std::string kind;
  std::mutex mutex;
  std::shared_ptr<const ListenerRoutes> routes;
  std::map<std::string, std::size_t> next;  // round robin position per target group
  std::uint64_t weighted = 0;
  std::atomic<bool> closed{false};

  std::shared_ptr<const ListenerRoutes> current() {
    std::lock_guard lock(mutex);
    return routes;
  }
  // The target group of a forward action (by weight), then a target of it (round robin).
  std::optional<RouteTarget> pick(const ListenerRoutes& r, const RouteAction& action) {
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
    std::size_t& n = next[chosen];
    return g->second.targets[n++ % g->second.targets.size()];
  }
};

namespace {

using net::use_awaitable;
using Clock = std::chrono::steady_clock;

const char* kPage503 =
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service "
    "Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";

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

HttpResponse error_page(int status, unsigned version, bool keep_alive) {
  const char* reason = status == 502 ? "Bad Gateway" : status == 504 ? "Gateway Time-out" : status == 400 ? "Bad Request"
                                                                     : status == 405 ? "Method Not Allowed"
                                                                                     : "Service Temporarily Unavailable";
  return elb_response(status, version, keep_alive, elb_page(status, reason));
}

std::string trace_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char out[64];
  const auto epoch = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::snprintf(out, sizeof out, "Root=1-%08llx-%012llx%012llx", static_cast<unsigned long long>(epoch),
                static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFULL), static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFULL));
  return out;
}

api::elbv2::RequestFacts facts_of(const HttpRequest& req, const std::string& client_ip) {
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
  for (const auto& h : req) f.headers.emplace_back(std::string(h.name_string()), std::string(h.value()));
  return f;
}

void add_forwarded_headers(HttpRequest& req, const std::string& client_ip, int listener_port) {
  const auto xff = req["X-Forwarded-For"];
  req.set("X-Forwarded-For", xff.empty() ? client_ip : std::string(xff) + ", " + client_ip);
  req.set("X-Forwarded-Proto", "http");
  req.set("X-Forwarded-Port", std::to_string(listener_port));
  const auto trace = req["X-Amzn-Trace-Id"];
  if (trace.empty())
    req.set("X-Amzn-Trace-Id", trace_id());
  else if (std::string(trace).find("Root=") == std::string::npos)
    req.set("X-Amzn-Trace-Id", trace_id() + ";" + std::string(trace));
}

// One upstream connection, reused for the next request of the same client while it is to the
// same target and both sides keep alive.
struct Upstream {
  std::optional<beast::tcp_stream> stream;
  std::string key;
  beast::flat_buffer buffer;
};

net::awaitable<HttpResponse> forward(Upstream& up, const RouteTarget& target, HttpRequest& req, int idle_timeout) {
  const auto ex = co_await net::this_coro::executor;
  boost::system::error_code ec;
  const unsigned version = req.version();
  const bool keep = req.keep_alive();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = up.stream && up.key == target.key();
    if (!reused) {
      up.stream.emplace(ex);
      up.buffer.clear();
      up.key = target.key();
      boost::system::error_code parse_ec;
      const auto address = net::ip::make_address(target.ip, parse_ec);
      if (parse_ec) co_return error_page(502, version, keep);
      up.stream->expires_after(std::chrono::seconds(10));
      co_await up.stream->async_connect(tcp::endpoint(address, static_cast<unsigned short>(target.port)),
                                        net::redirect_error(use_awaitable, ec));
      if (ec) {
        up.stream.reset();
        co_return error_page(ec == beast::error::timeout ? 504 : 502, version, keep);
      }
    }
    up.stream->expires_after(std::chrono::seconds(idle_timeout));
    co_await http::async_write(*up.stream, req, net::redirect_error(use_awaitable, ec));
    if (!ec) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(64ull * 1024 * 1024);
      co_await http::async_read(*up.stream, up.buffer, parser, net::redirect_error(use_awaitable, ec));
      if (!ec) {
        HttpResponse res = parser.release();
        if (!res.keep_alive()) up.stream.reset();
        res.keep_alive(keep);
        co_return res;
      }
    }
    const bool timed_out = ec == beast::error::timeout;
    up.stream.reset();
    // A kept-alive connection the target closed meanwhile: once more on a fresh one.
    if (reused && !timed_out && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                                 ec == net::error::eof || ec == net::error::broken_pipe))
      continue;
    co_return error_page(timed_out ? 504 : 502, version, keep);
  }
  co_return error_page(502, version, keep);
}

net::awaitable<void> http_session(std::shared_ptr<ElbDataPlane::Entry> entry, tcp::socket socket) {
  beast::tcp_stream client(std::move(socket));
  boost::system::error_code ec;
  const std::string client_ip = client.socket().remote_endpoint(ec).address().to_string();
  beast::flat_buffer buffer;
  Upstream up;
  while (!entry->closed) {
    auto routes = entry->current();
    const int idle = routes ? routes->idle_timeout_seconds : 60;
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(64ull * 1024 * 1024);
    client.expires_after(std::chrono::seconds(idle));
    co_await http::async_read(client, buffer, parser, net::redirect_error(use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset)
      break;
    if (ec) {  // a request ALB cannot parse
      HttpResponse bad = error_page(400, 11, false);
      co_await http::async_write(client, bad, net::redirect_error(use_awaitable, ec));
      break;
    }
    HttpRequest req = parser.release();
    const unsigned version = req.version();
    const bool keep = req.keep_alive();
    HttpResponse res;
    if (req.method() == http::verb::trace) {
      res = error_page(405, version, keep);
    } else if (!routes) {
      res = error_page(503, version, keep);
    } else {
      const auto facts = facts_of(req, client_ip);
      const auto* rule = api::elbv2::match_rule(*routes, facts);
      const RouteAction* action = rule ? &rule->action : nullptr;
      if (!action || action->type.empty()) {
        res = error_page(503, version, keep);
      } else if (action->type == "fixed-response") {
        res = elb_response(action->status_code, version, keep, action->body,
                           action->content_type.empty() ? "text/plain" : action->content_type);
      } else if (action->type == "redirect") {
        res = elb_response(action->status_code, version, keep, "");
        res.set(http::field::location, api::elbv2::redirect_location(*action, facts, "http", routes->port));
        res.prepare_payload();
      } else if (auto target = entry->pick(*routes, *action)) {
        add_forwarded_headers(req, client_ip, routes->port);
        res = co_await forward(up, *target, req, idle);
      } else {
        res = error_page(503, version, keep);
      }
    }
    const bool again = res.keep_alive();
    client.expires_after(std::chrono::seconds(idle));
    co_await http::async_write(client, res, net::redirect_error(use_awaitable, ec));
    if (ec || !again) break;
  }
  client.socket().shutdown(tcp::socket::shutdown_send, ec);
}

net::awaitable<void> pipe(tcp::socket& from, tcp::socket& to) {
  std::array<char, 16384> data;
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = co_await from.async_read_some(net::buffer(data), net::redirect_error(use_awaitable, ec));
    if (ec || n == 0) break;
    co_await net::async_write(to, net::buffer(data.data(), n), net::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  to.shutdown(tcp::socket::shutdown_send, ec);
}

net::awaitable<void> tcp_session(std::shared_ptr<ElbDataPlane::Entry> entry, tcp::socket client) {
  auto routes = entry->current();
  boost::system::error_code ec;
  if (!routes || routes->rules.empty()) co_return;
  auto target = entry->pick(*routes, routes->rules.back().action);
  if (!target) co_return;  // NLB: no target, the connection is reset
  const auto ex = co_await net::this_coro::executor;
  auto upstream = std::make_shared<tcp::socket>(ex);
  const auto address = net::ip::make_address(target->ip, ec);
  if (ec) co_return;
  co_await upstream->async_connect(tcp::endpoint(address, static_cast<unsigned short>(target->port)),
                                   net::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  auto down = std::make_shared<tcp::socket>(std::move(client));
  net::co_spawn(ex, [down, upstream]() -> net::awaitable<void> { co_await pipe(*upstream, *down); }, net::detached);
  co_await pipe(*down, *upstream);
}

void accept_loop(std::shared_ptr<ElbDataPlane::Entry> entry) {
  entry->acceptor.async_accept([entry](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec || entry->closed) return;
    const auto ex = socket.get_executor();
    if (entry->kind == "tcp-proxy")
      net::co_spawn(ex, tcp_session(entry, std::move(socket)), net::detached);
    else
      net::co_spawn(ex, http_session(entry, std::move(socket)), net::detached);
    accept_loop(entry);
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
  entry->routes = std::dynamic_pointer_cast<const ListenerRoutes>(request.config);
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
  net::post(entry->acceptor.get_executor(), [entry] { accept_loop(entry); });
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
  });
}

void ElbDataPlane::publish(const std::string& id, std::shared_ptr<const api::DataPlaneConfig> config) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  auto routes = std::dynamic_pointer_cast<const ListenerRoutes>(config);
  std::lock_guard entry_lock(it->second->mutex);
  it->second->routes = std::move(routes);
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
