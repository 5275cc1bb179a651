#pragma once
// What a connection serves. HttpSession reads a request and hands it to an HttpHandler; the
// handler answers through `respond`, at once or later (the reset route replies once the runtime
// has stopped every task). The AWS API (Dispatcher), the admin routes, CORS and later the task
// metadata endpoint are handlers; Listener and ListenerSet only accept and build sessions.
//
// A handler may also take a websocket upgrade (ECS Exec): upgrade() returns the WebSocketHandler
// that serves the connection once the handshake is done, or null to answer the request with
// handle() as any other (a 4xx, typically).
#include <functional>
#include <memory>
#include <string>

#include "server/net.hpp"

namespace ecslocal::server {

// The reply to one request: called exactly once, from any thread (the session hops back to its
// own strand before writing).
using Respond = std::function<void(HttpResponse)>;

class WebSocketConnection;

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // The handshake is done; the connection reads until closed and calls on_message per message.
  virtual void on_open(const std::shared_ptr<WebSocketConnection>& connection) {}
  virtual void on_message(const std::shared_ptr<WebSocketConnection>& connection, std::string data, bool binary) = 0;
  // The connection is gone (peer close, error, shutdown). Called once.
  virtual void on_close(const std::shared_ptr<WebSocketConnection>& connection) {}
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void handle(HttpRequest request, Respond respond) = 0;
  // For a websocket upgrade request: the handler of the upgraded connection, or null (then the
  // request goes to handle()).
  virtual std::shared_ptr<WebSocketHandler> upgrade(const HttpRequest& request) { return nullptr; }
};

// A response with ecslocal's common headers (Server, Content-Type, x-amzn-RequestId).
HttpResponse make_response(unsigned version, bool keep_alive, int status, const std::string& content_type,
                           std::string body, const std::string& request_id);
// {"message": ...} as JSON with a fresh request id.
HttpResponse json_message(const HttpRequest& request, int status, const std::string& message);
std::string new_request_id();

// The path of a request target, without the query string.
std::string_view target_path(std::string_view target);
// The value of `name` in the target's query string (percent-decoded), or empty.
std::string query_param(std::string_view target, std::string_view name);

}  // namespace ecslocal::server
