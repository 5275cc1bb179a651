#pragma once
// One HTTP/1.1 connection: read (body limit, timeout) → handler → write → read again.
// Requests on a connection are answered in order, so pipelined clients are safe. A websocket
// upgrade the handler accepts turns the connection into a WebSocketConnection.
//
// Shutdown: every session is in a SessionRegistry; shut_down() closes an idle connection at
// once and one with a request in flight after its reply (which then says Connection: close).
// A session with a request in flight counts as work of the io_context, so the I/O threads keep
// running until the reply is out (App bounds the wait).
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>

#include "server/http_handler.hpp"
#include "server/net.hpp"

namespace ecslocal::server {

struct SessionLimits {
  size_t body_limit = 8 * 1024 * 1024;
  std::chrono::seconds read_timeout{60};
};

// Something a shutdown must end: HTTP sessions and websocket connections.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shut_down() = 0;  // any thread
};

class SessionRegistry {
 public:
  void add(std::weak_ptr<Closable> session);
  // Every live session, shut down; later add() calls shut the new session down at once.
  void shut_down_all();
  size_t live() const;

 private:
  mutable std::mutex mutex_;
  std::list<std::weak_ptr<Closable>> sessions_;
  bool shutting_down_ = false;
};

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, std::shared_ptr<HttpHandler> handler, SessionLimits limits,
              std::shared_ptr<SessionRegistry> registry = nullptr);
  void run();
  void shut_down() override;

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
  std::shared_ptr<SessionRegistry> registry_;
  net::any_io_executor busy_;  // tracked work while a request is in flight
  bool reading_ = false, stopping_ = false;
};

// A factory for Listener: every accepted connection becomes an HttpSession on `handler`.
inline auto http_sessions(std::shared_ptr<HttpHandler> handler, SessionLimits limits,
                          std::shared_ptr<SessionRegistry> registry = nullptr) {
  return [handler = std::move(handler), limits, registry = std::move(registry)](tcp::socket socket) {
    std::make_shared<HttpSession>(std::move(socket), handler, limits, registry)->run();
  };
}

}  // namespace ecslocal::server
