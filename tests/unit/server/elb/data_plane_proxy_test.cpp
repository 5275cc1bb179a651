// The ALB data plane as a proxy (spec §4.3-4.4): X-Amzn-Trace-Id and X-Forwarded-For as ALB
// writes them, 502/504 from broken or silent targets, 400/463 for requests ALB refuses, HEAD,
// websocket upgrades, keep-alive pools to targets (counted by the target's accepts), slow clients
// and silent targets that stall no one else, and the traffic counts for metrics. Targets are
// loopback servers on one io_context thread; clients are blocking sockets on the test thread.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "api/elbv2/routing.hpp"
#include "server/elb/data_plane.hpp"

namespace ecslocal::server::elb {
namespace {

using namespace std::chrono_literals;
using api::elbv2::ListenerRoutes;

// A target. Modes: "http" answers "<name> <target>" keeping alive as asked (HEAD: headers of a
// 5-byte body only); "silent" reads and never answers; "reset" closes at once; "garbage" answers
// bytes that are no HTTP; "websocket" answers 101 and then echoes bytes; "close" answers with
// Connection: close; "drop-idle" answers keep-alive but closes the connection right after; "eof"
// answers HTTP/1.0 with a body that ends when the connection does; "big" answers /large with a
// 3 MiB body (and the rest as "http").
class Target {
 public:
  Target(net::io_context& ioc, std::string name, std::string mode = "http")
      : acceptor_(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), name_(std::move(name)), mode_(std::move(mode)) {
    accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int accepts() const { return accepts_; }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  // Waits (bounded) until `n` connections were accepted.
  bool wait_accepts(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return accepts_ >= n; });
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        ++accepts_;
      }
      cv_.notify_all();
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      if (mode_ == "reset") {
        stream->socket().set_option(net::socket_base::linger(true, 0));
        stream->close();
      } else {
        serve(stream);
      }
      accept();
    });
  }
  void serve(std::shared_ptr<beast::tcp_stream> stream) {
    auto buffer = std::make_shared<beast::flat_buffer>();
    auto req = std::make_shared<HttpRequest>();
    http::async_read(*stream, *buffer, *req, [this, stream, buffer, req](const boost::system::error_code& ec, std::size_t) {
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        std::ostringstream text;
        text << *req;
        last_ = text.str();
      }
      if (mode_ == "silent") {
        held_.push_back(stream);
        return;
      }
      if (mode_ == "eof") {  // a body ended by closing the connection, as HTTP/1.0 servers do
        auto raw = std::make_shared<std::string>("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil eof");
        net::async_write(*stream, net::buffer(*raw), [stream, raw](const boost::system::error_code&, std::size_t) {
          boost::system::error_code ignored;
          stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
          stream->close();
        });
        return;
      }
      if (mode_ == "garbage") {
        auto junk = std::make_shared<std::string>("\x01\x02 not http at all\r\n\r\n");
        net::async_write(*stream, net::buffer(*junk), [stream, junk](const boost::system::error_code&, std::size_t) {});
        return;
      }
      if (mode_ == "websocket") {
        auto head = std::make_shared<std::string>(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        net::async_write(*stream, net::buffer(*head), [this, stream, buffer, head](const boost::system::error_code& e, std::size_t) {
          if (!e) echo(stream, buffer);
        });
        return;
      }
      auto res = std::make_shared<HttpResponse>(http::status::ok, 11);
      res->body() = name_ + " " + std::string(req->target());
      if (mode_ == "big" && req->target() == "/large") {
        res->body().resize(3u * 1024 * 1024 + 7);
        for (std::size_t i = 0; i < res->body().size(); ++i) res->body()[i] = static_cast<char>('0' + i % 10);
      }
      res->keep_alive(req->keep_alive() && mode_ != "close");
      res->prepare_payload();
      if (mode_ == "drop-idle") {
        http::async_write(*stream, *res, [stream, res](const boost::system::error_code&, std::size_t) {
          boost::system::error_code ignored;
          stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
          stream->close();
        });
        return;
      }
      if (req->method() == http::verb::head) {
        res->body().clear();
        res->content_length(5);
        auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
        http::async_write_header(*stream, *sr, [this, stream, res, sr](const boost::system::error_code& e, std::size_t) {
          if (!e && res->keep_alive()) serve(stream);
        });
        return;
      }
      http::async_write(*stream, *res, [this, stream, res](const boost::system::error_code& e, std::size_t) {
        if (!e && res->keep_alive()) serve(stream);
      });
    });
  }
  void echo(std::shared_ptr<beast::tcp_stream> stream, std::shared_ptr<beast::flat_buffer> buffer) {
    if (buffer->size()) {
      auto data = std::make_shared<std::string>(beast::buffers_to_string(buffer->data()));
      buffer->consume(buffer->size());
      net::async_write(*stream, net::buffer(*data), [this, stream, buffer, data](const boost::system::error_code& e, std::size_t) {
        if (!e) echo(stream, buffer);
      });
      return;
    }
    stream->async_read_some(buffer->prepare(4096), [this, stream, buffer](const boost::system::error_code& e, std::size_t n) {
      if (e) return;
      buffer->commit(n);
      echo(stream, buffer);
    });
  }

  tcp::acceptor acceptor_;
  std::string name_, mode_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int accepts_ = 0;
  std::string last_;
  std::vector<std::shared_ptr<beast::tcp_stream>> held_;
};

// A blocking client connection to the listener.
class Client {
 public:
  explicit Client(int port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  }
  HttpResponse request(HttpRequest req) {
    if (!req.count(http::field::host)) req.set(http::field::host, "lb.local");
    req.prepare_payload();
    http::write(stream_, req);
    return read();
  }
  HttpResponse get(const std::string& target, bool keep_alive = true) {
    HttpRequest req{http::verb::get, target, 11};
    req.keep_alive(keep_alive);
    return request(std::move(req));
  }
  HttpResponse read(bool head = false) {
    http::response_parser<http::string_body> parser;
    if (head) parser.skip(true);
    http::read(stream_, buffer_, parser);
    return parser.release();
  }
  void send_raw(const std::string& bytes) { net::write(stream_, net::buffer(bytes)); }
  std::string read_some() {
    if (buffer_.size()) {
      std::string out = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      return out;
    }
    char data[4096];
    const std::size_t n = stream_.socket().read_some(net::buffer(data));
    return std::string(data, n);
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

api::elbv2::RouteRule forward_rule(const std::string& group, std::vector<api::elbv2::RouteCondition> conditions = {},
                                   int priority = 0) {
  api::elbv2::RouteRule r;
  r.priority = priority;
  r.conditions = std::move(conditions);
  r.action.type = "forward";
  r.action.groups = {{group, 1}};
  return r;
}

class ElbProxyTest : public ::testing::Test {
 protected:
  ElbProxyTest() : work(ioc.get_executor()), plane(ioc.get_executor()) {
    thread = std::thread([this] { ioc.run(); });
  }
  ~ElbProxyTest() override {
    plane.close_all();
    work.reset();
    ioc.stop();
    thread.join();
  }
  // Opens a listener whose default rule forwards to group "tg" with `targets`.
  int open(std::shared_ptr<ListenerRoutes> routes) {
    api::ListenerRequest r;
    r.id = "listener";
    r.address = "127.0.0.1";
    r.kind = "http-proxy";
    r.config = routes;
    auto result = plane.open(r);
    EXPECT_TRUE(result.ok) << result.error;
    routes->port = result.port;
    plane_port_ = result.port;
    return result.port;
  }
  static std::shared_ptr<ListenerRoutes> routes_to(const std::vector<const Target*>& targets, int idle_timeout = 60) {
    auto routes = std::make_shared<ListenerRoutes>();
    routes->idle_timeout_seconds = idle_timeout;
    routes->rules.push_back(forward_rule("tg"));
    routes->groups["tg"].arn = "tg";
    for (const Target* t : targets) routes->groups["tg"].targets.push_back({"127.0.0.1", t->port()});
    return routes;
  }

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  ElbDataPlane plane;
  std::thread thread;
  int plane_port_ = 0;
};

TEST_F(ElbProxyTest, TraceIdsAndForwardedForAreWrittenAsAlbDoes) {
  Target a(ioc, "a");
  Client c(open(routes_to({&a})));
  ASSERT_EQ(c.get("/").result_int(), 200);
  const std::regex fresh("X-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24}\r\n");
  EXPECT_TRUE(std::regex_search(a.last_request(), fresh)) << a.last_request();
  // The epoch field is now's.
  std::smatch m;
  const std::string seen = a.last_request();
  ASSERT_TRUE(std::regex_search(seen, m, std::regex("Root=1-([0-9a-f]{8})-")));
  const long long epoch = std::stoll(m[1].str(), nullptr, 16);
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::llabs(now - epoch), 5);

  HttpRequest req{http::verb::get, "/", 11};
  req.set("X-Amzn-Trace-Id", "Self=1-00000000-000000000000000000000000;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  req.set("X-Forwarded-For", "203.0.113.7");
  ASSERT_EQ(c.request(req).result_int(), 200);
  const std::regex with_root(
      "X-Amzn-Trace-Id: Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1\r\n");
  EXPECT_TRUE(std::regex_search(a.last_request(), with_root)) << a.last_request();
  EXPECT_NE(a.last_request().find("X-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n"), std::string::npos);

  req.set("X-Amzn-Trace-Id", "Sampled=1");
  ASSERT_EQ(c.request(req).result_int(), 200);
  EXPECT_TRUE(std::regex_search(a.last_request(), std::regex("X-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=1\r\n")))
      << a.last_request();

  // More than 30 addresses in X-Forwarded-For: ALB's 463.
  std::string many = "10.0.0.1";
  for (int i = 2; i <= 31; ++i) many += ", 10.0.0." + std::to_string(i);
  req.set("X-Forwarded-For", many);
  EXPECT_EQ(c.request(req).result_int(), 463);
}

TEST_F(ElbProxyTest, ATargetThatResetsOrAnswersGarbageIs502) {
  Target reset(ioc, "r", "reset"), garbage(ioc, "g", "garbage");
  {
    Client c(open(routes_to({&reset})));
    auto r = c.get("/");
    EXPECT_EQ(r.result_int(), 502);
    EXPECT_EQ(r[http::field::server], "awselb/2.0");
    EXPECT_NE(r.body().find("502 Bad Gateway"), std::string::npos);
    plane.publish("listener", [&] {
      auto routes = routes_to({&garbage});
      routes->port = 0;
      return routes;
    }());
    EXPECT_EQ(c.get("/").result_int(), 502);  // the client's connection stays usable
  }
}

TEST_F(ElbProxyTest, ATargetThatNeverAnswersIs504AfterTheIdleTimeout) {
  Target silent(ioc, "s", "silent");
  Client c(open(routes_to({&silent}, 1)));
  auto r = c.get("/");
  EXPECT_EQ(r.result_int(), 504);
  EXPECT_NE(r.body().find("504 Gateway Time-out"), std::string::npos);
}

TEST_F(ElbProxyTest, ASilentTargetAndASlowClientStallNoOtherClient) {
  Target silent(ioc, "s", "silent"), a(ioc, "a");
  auto routes = routes_to({&a});
  routes->groups["slow"].arn = "slow";
  routes->groups["slow"].targets.push_back({"127.0.0.1", silent.port()});
  routes->rules.insert(routes->rules.begin(), forward_rule("slow", {{"path-pattern", {"/slow*"}, "", {}}}, 1));
  const int port = open(routes);
  // One client waits on the silent target, another sends half a request line and stops.
  Client waiting(port);
  HttpRequest req{http::verb::get, "/slow", 11};
  req.set(http::field::host, "lb.local");
  http::write(waiting.stream(), req);
  ASSERT_TRUE(silent.wait_accepts(1));
  Client slow(port);
  slow.send_raw("GET / HTTP/1.1\r\nHost: lb");
  // Others are served meanwhile.
  for (int i = 0; i < 3; ++i) {
    Client other(port);
    auto r = other.get("/fast");
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_EQ(r.body(), "a /fast");
  }
}

TEST_F(ElbProxyTest, OversizedHeadersAre400) {
  Target a(ioc, "a");
  const int port = open(routes_to({&a}));
  {
    Client c(port);
    HttpRequest req{http::verb::get, "/", 11};
    req.set("X-Big", std::string(17 * 1024, 'x'));  // one line over 16 KiB
    auto r = c.request(req);
    EXPECT_EQ(r.result_int(), 400);
    EXPECT_EQ(r[http::field::server], "awselb/2.0");
  }
  {
    Client c(port);
    HttpRequest req{http::verb::get, "/", 11};
    for (int i = 0; i < 8; ++i) req.set("X-Part-" + std::to_string(i), std::string(10 * 1024, 'y'));  // 80 KiB
    EXPECT_EQ(c.request(req).result_int(), 400);
  }
  {
    Client c(port);
    c.send_raw("this is no request\r\n\r\n");
    EXPECT_EQ(c.read().result_int(), 400);
  }
  Client ok(port);
  EXPECT_EQ(ok.get("/").result_int(), 200);
  EXPECT_EQ(a.accepts(), 1);  // nothing refused reached the target
}

TEST_F(ElbProxyTest, HeadResponsesCarryNoBody) {
  Target a(ioc, "a");
  Client c(open(routes_to({&a})));
  HttpRequest req{http::verb::head, "/", 11};
  req.set(http::field::host, "lb.local");
  http::write(c.stream(), req);
  auto r = c.read(true);
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r[http::field::content_length], "5");
  EXPECT_EQ(c.get("/after").body(), "a /after");  // the connection is still in step
}

TEST_F(ElbProxyTest, WebsocketUpgradesArePassedThrough) {
  Target ws(ioc, "w", "websocket");
  Client c(open(routes_to({&ws})));
  c.send_raw(
      "GET /chat HTTP/1.1\r\nHost: lb.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  auto r = c.read(true);
  ASSERT_EQ(r.result_int(), 101);
  EXPECT_EQ(r[http::field::upgrade], "websocket");
  EXPECT_NE(ws.last_request().find("Upgrade: websocket"), std::string::npos);
  EXPECT_NE(ws.last_request().find("X-Forwarded-For: 127.0.0.1"), std::string::npos);
  c.send_raw("frame-1");
  std::string echoed;
  while (echoed.size() < 7) echoed += c.read_some();
  EXPECT_EQ(echoed, "frame-1");
  c.send_raw("frame-2");
  echoed.clear();
  while (echoed.size() < 7) echoed += c.read_some();
  EXPECT_EQ(echoed, "frame-2");
}

TEST_F(ElbProxyTest, KeepAliveRequestsReuseOneUpstreamConnection) {
  Target a(ioc, "a");
  const int port = open(routes_to({&a}));
  {
    Client c(port);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(c.get("/n" + std::to_string(i)).body(), "a /n" + std::to_string(i));
  }
  EXPECT_EQ(a.accepts(), 1);
  // The pool is the listener's: later clients, even those closing after one request, reuse it.
  for (int i = 0; i < 3; ++i) {
    Client c(port);
    ASSERT_EQ(c.get("/again", false).result_int(), 200);
  }
  EXPECT_EQ(a.accepts(), 1);
  // A target that leaves the routes loses its idle connections; when it is back, a new one.
  plane.publish("listener", routes_to({}));
  {
    Client c(port);
    EXPECT_EQ(c.get("/").result_int(), 503);
  }
  plane.publish("listener", routes_to({&a}));
  {
    Client c(port);
    EXPECT_EQ(c.get("/").result_int(), 200);
  }
  EXPECT_EQ(a.accepts(), 2);
}

TEST_F(ElbProxyTest, AConnectionTheTargetClosesIsNotReused) {
  Target closing(ioc, "c", "close"), dropping(ioc, "d", "drop-idle");
  {
    Client c(open(routes_to({&closing})));
    ASSERT_EQ(c.get("/1").body(), "c /1");
    ASSERT_EQ(c.get("/2").body(), "c /2");
    EXPECT_EQ(closing.accepts(), 2);  // Connection: close from the target: not pooled
  }
  plane.publish("listener", routes_to({&dropping}));
  Client c(plane_port_);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.get("/x").body(), "d /x");  // a pooled connection that went away
  EXPECT_EQ(dropping.accepts(), 3);
}

TEST_F(ElbProxyTest, ABodyEndedByTheTargetClosingIsChunkedForAKeepAliveClient) {
  Target eof(ioc, "e", "eof");
  const int port = open(routes_to({&eof}));
  Client c(port);
  for (int i = 0; i < 2; ++i) {
    auto r = c.get("/");
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_EQ(r.body(), "until eof");
    EXPECT_TRUE(r.chunked());
    EXPECT_TRUE(r.keep_alive());
  }
  EXPECT_EQ(eof.accepts(), 2);
  // An HTTP/1.0 client gets the body ended by closing, as the target sent it.
  Client old(port);
  HttpRequest req{http::verb::get, "/", 10};
  auto r = old.request(req);
  EXPECT_EQ(r.body(), "until eof");
  EXPECT_FALSE(r.chunked());
  EXPECT_FALSE(r.keep_alive());
}

TEST_F(ElbProxyTest, LargeBodiesAreStreamedAndTheConnectionIsPooledAfterwards) {
  Target big(ioc, "b", "big");
  Client c(open(routes_to({&big})));
  for (int i = 0; i < 2; ++i) {
    auto r = c.get("/large");
    EXPECT_EQ(r.result_int(), 200);
    ASSERT_EQ(r.body().size(), 3u * 1024 * 1024 + 7);
    EXPECT_EQ(r.body().substr(0, 4), "0123");
    EXPECT_EQ(r[http::field::content_length], std::to_string(3u * 1024 * 1024 + 7));
    EXPECT_EQ(c.get("/small").body(), "b /small");
  }
  EXPECT_EQ(big.accepts(), 1);  // one upstream connection for all four
  auto traffic = plane.take_traffic();
  EXPECT_EQ(traffic.at("listener").groups.at("tg").target_codes[2], 4u);
}

TEST_F(ElbProxyTest, RequestsInFlightOnADrainedTargetAreCutWhenItLeaves) {
  Target silent(ioc, "s", "silent"), a(ioc, "a");
  const int port = open(routes_to({&silent}, 30));
  auto pending = std::async(std::launch::async, [port] { return Client(port).get("/slow").result_int(); });
  ASSERT_TRUE(silent.wait_accepts(1));
  // Deregistered: no new requests go there, the one in flight goes on.
  auto draining = routes_to({&a}, 30);
  draining->groups["tg"].draining.push_back({"127.0.0.1", silent.port()});
  plane.publish("listener", draining);
  Client other(port);
  EXPECT_EQ(other.get("/").body(), "a /");
  EXPECT_EQ(pending.wait_for(0s), std::future_status::timeout);
  // The delay is over: the target leaves the routes and the request still running is 502.
  plane.publish("listener", routes_to({&a}, 30));
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pending.get(), 502);
  EXPECT_EQ(silent.accepts(), 1);  // not tried again
}

TEST_F(ElbProxyTest, TrafficIsCountedPerListenerAndTargetGroup) {
  Target a(ioc, "a");
  Target reset(ioc, "r", "reset");
  auto routes = routes_to({&a});
  routes->groups["broken"].arn = "broken";
  routes->groups["broken"].targets.push_back({"127.0.0.1", reset.port()});
  routes->rules.insert(routes->rules.begin(), forward_rule("broken", {{"path-pattern", {"/broken"}, "", {}}}, 1));
  api::elbv2::RouteRule fixed;
  fixed.priority = 2;
  fixed.conditions.push_back({"path-pattern", {"/fixed"}, "", {}});
  fixed.action.type = "fixed-response";
  fixed.action.status_code = 404;
  routes->rules.insert(routes->rules.begin() + 1, fixed);
  Client c(open(routes));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.get("/").result_int(), 200);
  ASSERT_EQ(c.get("/broken").result_int(), 502);
  ASSERT_EQ(c.get("/fixed").result_int(), 404);
  HttpRequest trace{http::verb::trace, "/", 11};
  ASSERT_EQ(c.request(trace).result_int(), 405);

  auto traffic = plane.take_traffic();
  ASSERT_EQ(traffic.count("listener"), 1u);
  const auto& t = traffic.at("listener");
  EXPECT_EQ(t.requests, 6u);
  EXPECT_EQ(t.new_connections, 1u);
  EXPECT_EQ(t.fixed_responses, 1u);
  EXPECT_EQ(t.elb_codes, (std::map<int, std::uint64_t>{{405, 1}, {502, 1}}));
  const auto& tg = t.groups.at("tg");
  EXPECT_EQ(tg.requests, 3u);
  EXPECT_EQ(tg.target_codes[2], 3u);
  EXPECT_EQ(tg.responses, 3u);
  EXPECT_GT(tg.response_seconds_sum, 0.0);
  EXPECT_LE(tg.response_seconds_min, tg.response_seconds_max);
  const auto& broken = t.groups.at("broken");
  EXPECT_EQ(broken.requests, 1u);
  EXPECT_EQ(broken.responses, 0u);
  // Taken: the counts start again.
  EXPECT_TRUE(plane.take_traffic().empty());
}

}  // namespace
}  // namespace ecslocal::server::elb
