// The websocket upgrade path: an HttpHandler registered here takes the upgrade, gets the
// connection and echoes messages; a handler that declines answers the request as plain HTTP.
#include <gtest/gtest.h>

#include <boost/beast/websocket.hpp>
#include <future>

#include "server/http_session.hpp"
#include "server/listener.hpp"
#include "server/websocket.hpp"
#include "tests/component/io_loop.hpp"
#include "tests/component/test_server.hpp"

namespace ecslocal::testing {
namespace {

namespace websocket = boost::beast::websocket;

class Echo : public server::WebSocketHandler {
 public:
  void on_open(const std::shared_ptr<server::WebSocketConnection>& c) override { c->send("hello"); }
  void on_message(const std::shared_ptr<server::WebSocketConnection>& c, std::string data, bool binary) override {
    if (data == "bye") return c->close();
    c->send((binary ? "binary: " : "echo: ") + data, binary);
  }
  void on_close(const std::shared_ptr<server::WebSocketConnection>&) override { closed.set_value(); }
  std::promise<void> closed;
};

class UpgradeOnWs : public server::HttpHandler {
 public:
  void handle(server::HttpRequest request, server::Respond respond) override {
    respond(server::json_message(request, 426, "upgrade to a websocket on /ws"));
  }
  std::shared_ptr<server::WebSocketHandler> upgrade(const server::HttpRequest& request) override {
    return request.target() == "/ws" ? echo : nullptr;
  }
  std::shared_ptr<Echo> echo = std::make_shared<Echo>();
};

class WebSocketUpgrade : public ::testing::Test {
 protected:
  void SetUp() override {
    listener = std::make_shared<server::Listener>(loop.ioc, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0},
                                                  server::http_sessions(handler, {}));
    listener->run();
  }
  void TearDown() override { listener->stop(); }
  IoLoop loop;
  std::shared_ptr<UpgradeOnWs> handler = std::make_shared<UpgradeOnWs>();
  std::shared_ptr<server::Listener> listener;
};

std::string read_text(websocket::stream<tcp::socket>& ws) {
  beast::flat_buffer buffer;
  ws.read(buffer);
  return beast::buffers_to_string(buffer.data());
}

TEST_F(WebSocketUpgrade, AcceptedUpgradeEchoesMessagesBothWays) {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), listener->port()});
  ws.handshake("127.0.0.1", "/ws");
  EXPECT_EQ(read_text(ws), "hello");  // sent by on_open
  ws.text(true);
  ws.write(net::buffer(std::string("ping")));
  EXPECT_EQ(read_text(ws), "echo: ping");
  EXPECT_TRUE(ws.got_text());
  ws.binary(true);
  ws.write(net::buffer(std::string("\x01\x02", 2)));
  EXPECT_EQ(read_text(ws), std::string("binary: \x01\x02", 10));
  EXPECT_TRUE(ws.got_binary());
  ws.close(websocket::close_code::normal);
  EXPECT_EQ(handler->echo->closed.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(WebSocketUpgrade, TheServerCanCloseTheConnection) {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), listener->port()});
  ws.handshake("127.0.0.1", "/ws");
  EXPECT_EQ(read_text(ws), "hello");
  ws.write(net::buffer(std::string("bye")));
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
}

TEST_F(WebSocketUpgrade, ADeclinedUpgradeIsAnsweredAsPlainHttp) {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), listener->port()});
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/elsewhere", ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  // And a plain request on the same listener is served.
  EXPECT_EQ(Connection(listener->port()).request(http::verb::get, "/ws", "").result_int(), 426);
}

}  // namespace
}  // namespace ecslocal::testing
