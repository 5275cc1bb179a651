#pragma once
// The whole App in-process on 127.0.0.1:0, and a small blocking HTTP client over real sockets.
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <regex>
#include <string>

#include "server/app.hpp"

namespace ecslocal::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

inline server::Config test_config() {
  server::Config c;
  c.port = 0;
  c.strict_shapes = true;
  c.log_level = "warn";
  c.docker = false;  // the component tier runs without a container runtime
  return c;
}

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override { start(test_config()); }
  void start(server::Config c) {
    app_ = std::make_unique<server::App>(c);
    app_->start();
  }
  uint16_t port() const { return app_->port(); }
  std::unique_ptr<server::App> app_;
};

// One keep-alive connection.
class Connection {
 public:
  explicit Connection(uint16_t port) : socket_(ioc_) { socket_.connect({net::ip::make_address("127.0.0.1"), port}); }

  http::response<http::string_body> request(http::verb method, const std::string& target, const std::string& body,
                                            const std::string& amz_target = "", const std::string& auth = "") {
    write(method, target, body, amz_target, auth);
    return read();
  }

  http::response<http::string_body> aws(const std::string& operation, const nlohmann::json& input,
                                        const std::string& auth = "") {
    return request(http::verb::post, "/", input.dump(), "AmazonEC2ContainerServiceV20141113." + operation, auth);
  }

  void write(http::verb method, const std::string& target, const std::string& body, const std::string& amz_target = "",
             const std::string& auth = "") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!amz_target.empty()) {
      req.set("X-Amz-Target", amz_target);
      req.set(http::field::content_type, "application/x-amz-json-1.1");
    }
    if (!auth.empty()) req.set(http::field::authorization, auth);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
  }

  void write_raw(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }

  http::response<http::string_body> read() {
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res;
  }

  // True when the server closed the connection (read hits EOF).
  bool closed_by_peer() {
    beast::error_code ec;
    char byte;
    socket_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  tcp::socket& socket() { return socket_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

inline nlohmann::json body_of(const http::response<http::string_body>& res) { return nlohmann::json::parse(res.body()); }

// The first default subnet of us-east-1, from EC2 DescribeSubnets (query protocol).
inline std::string default_subnet(Connection& c) {
  const std::string body = "Action=DescribeSubnets&Version=2016-11-15";
  c.write_raw("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, "
              "SignedHeaders=host, Signature=00\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto res = c.read();
  std::smatch m;
  const std::string xml = res.body();
  EXPECT_TRUE(std::regex_search(xml, m, std::regex("<subnetId>(subnet-[0-9a-f]+)</subnetId>"))) << xml;
  return m.size() > 1 ? m[1].str() : "";
}

// True when a plain socket can bind and listen on 127.0.0.1:port right now.
inline bool can_bind(uint16_t port) {
  net::io_context ioc;
  tcp::acceptor a(ioc);
  beast::error_code ec;
  a.open(tcp::v4(), ec);
  a.set_option(net::socket_base::reuse_address(true), ec);
  a.bind({net::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) a.listen(1, ec);
  return !ec;
}

}  // namespace ecslocal::testing
