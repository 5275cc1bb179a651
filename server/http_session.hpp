#pragma once
// One HTTP/1.1 connection: read (body limit, timeout) → handler → write → read again.
// Requests on a connection are answered in order, so pipelined clients are safe.
#include <chrono>
#include <memory>
#include <optional>

#include "server/http_handler.hpp"
#include "server/net.hpp"

namespace ecslocal::server {

struct SessionLimits {
  size_t body_limit = 8 * 1024 * 1024;
  std::chrono::seconds read_timeout{60};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<HttpHandler> handler, SessionLimits limits);
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
  std::shared_ptr<HttpHandler> handler_;
  SessionLimits limits_;
};

// A factory for Listener: every accepted connection becomes an HttpSession on `handler`.
inline auto http_sessions(std::shared_ptr<HttpHandler> handler, SessionLimits limits) {
  return [handler = std::move(handler), limits](tcp::socket socket) {
    std::make_shared<HttpSession>(std::move(socket), handler, limits)->run();
  };
}

}  // namespace ecslocal::server
