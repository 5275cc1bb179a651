// The ALB data plane against loopback backends: forwarding with X-Forwarded-*, round robin,
// fixed-response and redirect rules, AWS's 503 without targets, 502 for a refused target, and
// an NLB TCP listener moving bytes. One io_context on a background thread; every wait is for a
// reply.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "api/elbv2/routing.hpp"
#include "server/elb/data_plane.hpp"

namespace ecslocal::server::elb {
namespace {

using api::elbv2::ListenerRoutes;

// An HTTP backend that answers every request with "<name> <target>" and records the last request.
class Backend {
 public:
  Backend(net::io_context& ioc, std::string name)
      : acceptor_(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), name_(std::move(name)) {
    accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      serve(stream);
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
      auto res = std::make_shared<HttpResponse>(http::status::ok, 11);
      res->body() = name_ + " " + std::string(req->target());
      res->keep_alive(req->keep_alive());
      res->prepare_payload();
      http::async_write(*stream, *res, [this, stream, res](const boost::system::error_code& e, std::size_t) {
        if (!e && res->keep_alive()) serve(stream);
      });
    });
  }
  tcp::acceptor acceptor_;
  std::string name_;
  std::mutex mutex_;
  std::string last_;
};

HttpResponse get(int port, const std::string& target, const std::string& host = "lb.local") {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  HttpRequest req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  http::write(stream, req);
  beast::flat_buffer buffer;
  HttpResponse res;
  http::read(stream, buffer, res);
  return res;
}

api::elbv2::RouteRule forward_to(const std::string& group) {
  api::elbv2::RouteRule r;
  r.action.type = "forward";
  r.action.groups = {{group, 1}};
  return r;
}

class ElbDataPlaneTest : public ::testing::Test {
 protected:
  ElbDataPlaneTest() : work(ioc.get_executor()), plane(ioc.get_executor()), a(ioc, "a"), b(ioc, "b") {
    thread = std::thread([this] { ioc.run(); });
  }
  ~ElbDataPlaneTest() override {
    plane.close_all();
    work.reset();
    ioc.stop();
    thread.join();
  }
  int open(std::shared_ptr<ListenerRoutes> routes, const std::string& kind = "http-proxy") {
    api::ListenerRequest r;
    r.id = "listener-" + std::to_string(++opened);
    r.address = "127.0.0.1";
    r.port = 0;
    r.kind = kind;
    r.config = routes;
    auto result = plane.open(r);
    EXPECT_TRUE(result.ok) << result.error;
    routes->port = result.port;
    return result.port;
  }
  std::shared_ptr<ListenerRoutes> routes_to(std::vector<api::elbv2::RouteTarget> targets) {
    auto routes = std::make_shared<ListenerRoutes>();
    routes->rules.push_back(forward_to("tg"));
    routes->groups["tg"].arn = "tg";
    routes->groups["tg"].targets = std::move(targets);
    return routes;
  }

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  ElbDataPlane plane;
  Backend a, b;
  std::thread thread;
  int opened = 0;
};

TEST_F(ElbDataPlaneTest, ForwardsRoundRobinWithForwardedHeaders) {
  const int port = open(routes_to({{"127.0.0.1", a.port()}, {"127.0.0.1", b.port()}}));
  auto r1 = get(port, "/home");
  auto r2 = get(port, "/home");
  EXPECT_EQ(r1.result_int(), 200);
  std::set<std::string> bodies{r1.body(), r2.body()};
  EXPECT_EQ(bodies, (std::set<std::string>{"a /home", "b /home"}));
  const std::string seen = a.last_request();
  EXPECT_NE(seen.find("X-Forwarded-For: 127.0.0.1"), std::string::npos) << seen;
  EXPECT_NE(seen.find("X-Forwarded-Proto: http"), std::string::npos);
  EXPECT_NE(seen.find("X-Forwarded-Port: " + std::to_string(port)), std::string::npos);
  EXPECT_NE(seen.find("X-Amzn-Trace-Id: Root=1-"), std::string::npos);
  EXPECT_NE(seen.find("Host: lb.local"), std::string::npos);  // the client's Host, unchanged
}

TEST_F(ElbDataPlaneTest, NoTargetsIsAwss503AndARefusedTargetIs502) {
  const int empty = open(routes_to({}));
  auto r = get(empty, "/");
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_EQ(r[http::field::server], "awselb/2.0");
  EXPECT_EQ(r.body().size(), 162u);
  int closed_port = 0;
  {
    tcp::acceptor gone(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    closed_port = gone.local_endpoint().port();
  }
  const int refused = open(routes_to({{"127.0.0.1", closed_port}}));
  EXPECT_EQ(get(refused, "/").result_int(), 502);
}

TEST_F(ElbDataPlaneTest, RulesAnswerFixedResponsesAndRedirects) {
  auto routes = routes_to({{"127.0.0.1", a.port()}});
  api::elbv2::RouteRule fixed;
  fixed.priority = 1;
  fixed.conditions.push_back({"path-pattern", {"/health"}, "", {}});
  fixed.action.type = "fixed-response";
  fixed.action.status_code = 200;
  fixed.action.content_type = "application/json";
  fixed.action.body = "{\"ok\":true}";
  api::elbv2::RouteRule moved;
  moved.priority = 2;
  moved.conditions.push_back({"host-header", {"old.*"}, "", {}});
  moved.action.type = "redirect";
  moved.action.status_code = 301;
  moved.action.protocol = "HTTPS";
  moved.action.port = "443";
  moved.action.host = "new.example.com";
  moved.action.path = "/#{path}";
  moved.action.query = "#{query}";
  routes->rules.insert(routes->rules.begin(), {fixed, moved});
  const int port = open(routes);
  auto r = get(port, "/health");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "{\"ok\":true}");
  EXPECT_EQ(r[http::field::content_type], "application/json");
  r = get(port, "/x?y=1", "old.example.com");
  EXPECT_EQ(r.result_int(), 301);
  EXPECT_EQ(r[http::field::location], "https://new.example.com/x?y=1");
  EXPECT_EQ(get(port, "/other").body(), "a /other");
  // A new configuration applies to the next request.
  auto none = routes_to({});
  none->port = port;
  plane.publish("listener-1", none);
  EXPECT_EQ(get(port, "/other").result_int(), 503);
}

TEST_F(ElbDataPlaneTest, APortInUseIsRefusedWithAReason) {
  const int port = open(routes_to({}));
  api::ListenerRequest r;
  r.id = "other";
  r.address = "127.0.0.1";
  r.port = static_cast<std::uint16_t>(port);
  r.kind = "http-proxy";
  auto result = plane.open(r);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("already in use"), std::string::npos) << result.error;
  r.kind = "nope";
  EXPECT_FALSE(plane.open(r).ok);
}

TEST_F(ElbDataPlaneTest, TcpListenersMoveBytes) {
  const int port = open(routes_to({{"127.0.0.1", b.port()}}), "tcp-proxy");
  EXPECT_EQ(get(port, "/raw").body(), "b /raw");  // HTTP through a TCP pipe
}

}  // namespace
}  // namespace ecslocal::server::elb
