#pragma once
// One HTTP/1.1 connection: read (body limit, timeout) → dispatch → write → read again.
// Requests on a connection are answered in order, so pipelined clients are safe.
#include <memory>
#include <optional>

#include "server/dispatcher.hpp"
#include "server/net.hpp"

namespace ecslocal::server {

struct SessionLimits {
  size_t body_limit = 8 * 1024 * 1024;
  std::chrono::seconds read_timeout{60};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, Dispatcher& dispatcher, SessionLimits limits);
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void send(HttpResponse response);
  void on_write(bool close, beast::error_code ec, size_t bytes);
  void do_close();
  void reply_error(http::status status, const char* message);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  Dispatcher& dispatcher_;
  SessionLimits limits_;
};

}  // namespace ecslocal::server
