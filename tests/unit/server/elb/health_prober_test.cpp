// The real health prober against small loopback servers: an HTTP status is reported as it came,
// a closed port as a failure, a server that never answers as a timeout, a TCP check as a connect.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "server/elb/health_prober.hpp"

namespace ecslocal::server::elb {
namespace {

// Accepts connections on 127.0.0.1:0; answers each with `reply` (nothing when empty) and keeps
// the socket open until the test ends.
class TinyServer {
 public:
  TinyServer(net::io_context& ioc, std::string reply) : acceptor_(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
                                                        reply_(std::move(reply)) {
    accept();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::string last_request;

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      sockets_.push_back(std::make_unique<tcp::socket>(std::move(socket)));
      tcp::socket& s = *sockets_.back();
      s.async_read_some(net::buffer(buffer_), [this, &s](const boost::system::error_code& e, std::size_t n) {
        if (e) return;
        last_request.assign(buffer_.data(), n);
        if (!reply_.empty()) net::async_write(s, net::buffer(reply_), [](const boost::system::error_code&, std::size_t) {});
      });
      accept();
    });
  }
  tcp::acceptor acceptor_;
  std::string reply_;
  std::array<char, 4096> buffer_{};
  std::vector<std::unique_ptr<tcp::socket>> sockets_;
};

api::ProbeOutcome run_probe(net::io_context& ioc, api::HealthProbe probe) {
  std::optional<api::ProbeOutcome> got;
  AsioHealthProber prober(ioc.get_executor(), [&ioc](std::function<void()> fn) { net::post(ioc, std::move(fn)); });
  prober.probe(probe, [&](const api::ProbeOutcome& o) { got = o; });
  ioc.restart();
  while (!got && ioc.run_one() > 0) {
  }
  EXPECT_TRUE(got.has_value());
  return got.value_or(api::ProbeOutcome{});
}

api::HealthProbe probe_to(int port, const std::string& protocol = "HTTP") {
  api::HealthProbe p;
  p.address = "127.0.0.1";
  p.port = port;
  p.protocol = protocol;
  p.path = "/health";
  p.timeout = std::chrono::milliseconds(300);
  return p;
}

TEST(ElbHealthProber, ReportsTheStatusOfTheResponse) {
  net::io_context ioc;
  TinyServer server(ioc, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  auto o = run_probe(ioc, probe_to(server.port()));
  EXPECT_EQ(o.kind, api::ProbeOutcome::Kind::Response);
  EXPECT_EQ(o.status_code, 404);
  EXPECT_EQ(server.last_request.rfind("GET /health HTTP/1.1\r\n", 0), 0u) << server.last_request;
  EXPECT_NE(server.last_request.find("User-Agent: ELB-HealthChecker/2.0\r\n"), std::string::npos);
}

TEST(ElbHealthProber, AClosedPortFails) {
  net::io_context ioc;
  int port = 0;
  {
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  EXPECT_EQ(run_probe(ioc, probe_to(port)).kind, api::ProbeOutcome::Kind::Failed);
}

TEST(ElbHealthProber, SilenceIsATimeout) {
  net::io_context ioc;
  TinyServer server(ioc, "");
  EXPECT_EQ(run_probe(ioc, probe_to(server.port())).kind, api::ProbeOutcome::Kind::Timeout);
}

TEST(ElbHealthProber, GarbageFails) {
  net::io_context ioc;
  TinyServer server(ioc, "this is not http\r\n\r\n");
  EXPECT_EQ(run_probe(ioc, probe_to(server.port())).kind, api::ProbeOutcome::Kind::Failed);
}

TEST(ElbHealthProber, TcpChecksOnlyConnect) {
  net::io_context ioc;
  TinyServer server(ioc, "");
  auto o = run_probe(ioc, probe_to(server.port(), "TCP"));
  EXPECT_EQ(o.kind, api::ProbeOutcome::Kind::Response);
}

}  // namespace
}  // namespace ecslocal::server::elb
