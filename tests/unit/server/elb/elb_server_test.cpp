// ELBv2 served for real, in-process: the API creates an ALB, a target group with a loopback
// backend and an HTTP listener; the listener opens on the load balancer's own address, the real
// prober turns the target healthy, requests to DNSName:port reach the backend, and deleting the
// load balancer closes the port. The state strand is this thread (a second io_context); the data
// plane runs on an I/O thread. Waits are for events, bounded.
#include <gtest/gtest.h>

#include <thread>

#include "server/elb/elb_server.hpp"
#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::server::elb {
namespace {

using namespace std::chrono_literals;

int free_port() {
  net::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

class ElbServerTest : public ::testing::Test {
 protected:
  ElbServerTest()
      : work(io.get_executor()),
        backend(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        server(io.get_executor(), [this](std::function<void()> fn) { net::post(state, std::move(fn)); }) {
    serve_backend();
    thread = std::thread([this] { io.run(); });
    h.provider().set_prober(nullptr);  // the real one, through the port
    h.provider().set_timers(&h.timers);
    server.attach(ports, h.provider());
    h.provider().connect(ports);
  }
  ~ElbServerTest() override {
    server.detach(ports);
    work.reset();
    io.stop();
    thread.join();
  }
  void serve_backend() {
    backend.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      auto s = std::make_shared<beast::tcp_stream>(std::move(socket));
      auto buf = std::make_shared<beast::flat_buffer>();
      auto req = std::make_shared<HttpRequest>();
      http::async_read(*s, *buf, *req, [s, buf, req](const boost::system::error_code& e, std::size_t) {
        if (e) return;
        auto res = std::make_shared<HttpResponse>(http::status::ok, 11);
        res->body() = "backend " + std::string(req->target());
        res->keep_alive(false);
        res->prepare_payload();
        http::async_write(*s, *res, [s, res](const boost::system::error_code&, std::size_t) {});
      });
      serve_backend();
    });
  }
  // Runs the state strand's work until `done` or 5 s pass.
  bool run_state_until(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < until) {
      state.restart();
      state.run_for(20ms);
    }
    return done();
  }

  testing::ElbHarness h;
  net::io_context io, state;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor backend;
  api::Ports ports;
  ElbServer server;
  std::thread thread;
};

TEST_F(ElbServerTest, TheListenerServesTheHealthyTargetOnTheLoadBalancersAddress) {
  const auto s = h.subnets();
  auto lb = h.call("CreateLoadBalancer", {{"Name", "web"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
  ASSERT_TRUE(lb.ok()) << lb.body;
  const std::string lb_arn = lb.text("LoadBalancerArn"), dns = lb.text("DNSName");
  const int backend_port = backend.local_endpoint().port();
  const std::string tg = h.create_tg("app", {{"Port", std::to_string(backend_port)}});
  const int port = free_port();
  const std::string listener = h.create_listener(lb_arn, tg, port);
  ASSERT_FALSE(listener.empty());
  ASSERT_TRUE(h.call("RegisterTargets", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", "127.0.0.1"}}).ok());

  // No target can take requests yet (registration in progress): AWS's 503.
  auto fetch = [&](const std::string& target) {
    net::io_context client;
    beast::tcp_stream stream(client);
    stream.connect(tcp::endpoint(net::ip::make_address(dns), static_cast<unsigned short>(port)));
    HttpRequest req{http::verb::get, target, 11};
    req.set(http::field::host, dns);
    http::write(stream, req);
    beast::flat_buffer buffer;
    HttpResponse res;
    http::read(stream, buffer, res);
    return res;
  };
  EXPECT_EQ(fetch("/").result_int(), 503);

  h.advance(2s);  // the first probe goes out, for real
  ASSERT_TRUE(run_state_until([&] {
    return h.call("DescribeTargetHealth", {{"TargetGroupArn", tg}}).text("State") == "healthy";
  }));
  auto res = fetch("/home");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "backend /home");

  ASSERT_TRUE(h.call("DeleteLoadBalancer", {{"LoadBalancerArn", lb_arn}}).ok());
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {  // the acceptor closes on the I/O thread
    try {
      fetch("/");
      std::this_thread::sleep_for(10ms);
    } catch (const std::exception&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

TEST_F(ElbServerTest, AListenerPortTakenIsAnError) {
  const std::string lb = h.create_alb();
  const std::string tg = h.create_tg();
  const std::string dns = h.call("DescribeLoadBalancers").text("DNSName");
  tcp::acceptor taken(io, tcp::endpoint(net::ip::make_address(dns), 0));
  auto r = h.call("CreateListener", {{"LoadBalancerArn", lb},
                                     {"Protocol", "HTTP"},
                                     {"Port", std::to_string(taken.local_endpoint().port())},
                                     {"DefaultActions.member.1.Type", "forward"},
                                     {"DefaultActions.member.1.TargetGroupArn", tg}});
  EXPECT_EQ(r.code, "InvalidConfigurationRequest");
  EXPECT_NE(r.text("Message").find("is already in use"), std::string::npos) << r.body;
  EXPECT_EQ(h.call("DescribeListeners", {{"LoadBalancerArn", lb}}).count("ListenerArn"), 0u);
}

TEST_F(ElbServerTest, RulesCreatedOutOfOrderAreTriedByPriorityOnTheListener) {
  const std::string lb = h.create_alb();
  const std::string tg = h.create_tg();
  const std::string dns = h.call("DescribeLoadBalancers").text("DNSName");
  const int port = free_port();
  const std::string listener = h.create_listener(lb, tg, port);
  ASSERT_FALSE(listener.empty());
  auto rule = [&](const std::string& priority, const std::string& pattern, const std::string& body) {
    auto r = h.call("CreateRule", {{"ListenerArn", listener},
                                   {"Priority", priority},
                                   {"Conditions.member.1.Field", "path-pattern"},
                                   {"Conditions.member.1.Values.member.1", pattern},
                                   {"Actions.member.1.Type", "fixed-response"},
                                   {"Actions.member.1.FixedResponseConfig.StatusCode", "200"},
                                   {"Actions.member.1.FixedResponseConfig.MessageBody", body}});
    ASSERT_TRUE(r.ok()) << r.body;
  };
  rule("20", "/a*", "twenty");
  rule("10", "/ab*", "ten");
  auto fetch = [&](const std::string& target) {
    net::io_context client;
    beast::tcp_stream stream(client);
    stream.connect(tcp::endpoint(net::ip::make_address(dns), static_cast<unsigned short>(port)));
    HttpRequest req{http::verb::get, target, 11};
    req.set(http::field::host, dns);
    http::write(stream, req);
    beast::flat_buffer buffer;
    HttpResponse res;
    http::read(stream, buffer, res);
    return res;
  };
  EXPECT_EQ(fetch("/abc").body(), "ten");     // both match: the lower priority number wins
  EXPECT_EQ(fetch("/axe").body(), "twenty");  // only the second
  EXPECT_EQ(fetch("/other").result_int(), 503);  // the default: a group without targets
}

}  // namespace
}  // namespace ecslocal::server::elb
