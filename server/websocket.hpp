#pragma once
// A websocket connection after an HttpHandler accepted the upgrade (ECS Exec's data channel
// later). Reads messages until closed and hands each to the WebSocketHandler; send() queues
// messages and writes them in order. send() and close() may be called from any thread.
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>

#include "server/http_handler.hpp"
#include "server/http_session.hpp"

namespace ecslocal::server {

namespace websocket = boost::beast::websocket;

class WebSocketConnection : public Closable, public std::enable_shared_from_this<WebSocketConnection> {
 public:
  WebSocketConnection(beast::tcp_stream&& stream, std::shared_ptr<WebSocketHandler> handler);
  // Answers the upgrade request (101), then reads.
  void accept(HttpRequest request);
  void send(std::string data, bool binary = false);
  // A close frame with `code` once the messages already queued are written, then the connection ends.
  void close(websocket::close_code code = websocket::close_code::normal);
  // Ends at once (shutdown): the socket is closed without a close handshake.
  void abort();
  void shut_down() override { close(websocket::close_code::going_away); }

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, size_t bytes);
  void do_close();
  void finish();

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<WebSocketHandler> handler_;
  beast::flat_buffer buffer_;
  std::deque<std::pair<std::string, bool>> outbox_;
  bool open_ = false, closing_ = false, finished_ = false;
  websocket::close_code close_code_ = websocket::close_code::normal;
};

}  // namespace ecslocal::server
