#include "server/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>

#include "server/websocket.hpp"

namespace ecslocal::server {

void SessionRegistry::add(std::weak_ptr<Closable> session) {
  bool late = false;
  {
    std::lock_guard lock(mutex_);
    sessions_.remove_if([](const std::weak_ptr<Closable>& s) { return s.expired(); });
    if (shutting_down_) late = true;
    else sessions_.push_back(session);
  }
  if (late)
    if (auto s = session.lock()) s->shut_down();
}

void SessionRegistry::shut_down_all() {
  std::list<std::weak_ptr<Closable>> sessions;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    sessions.swap(sessions_);
  }
  for (auto& weak : sessions)
    if (auto s = weak.lock()) s->shut_down();
}

size_t SessionRegistry::live() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& s : sessions_) n += s.expired() ? 0 : 1;
  return n;
}

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<HttpHandler> handler, SessionLimits limits,
                         std::shared_ptr<SessionRegistry> registry)
    : stream_(std::move(socket)), handler_(std::move(handler)), limits_(limits), registry_(std::move(registry)) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->registry_) self->registry_->add(self);
    self->do_read();
  });
}

void HttpSession::shut_down() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->reading_) {
      beast::error_code ec;
      self->stream_.socket().cancel(ec);  // on_read sees operation_aborted and closes
    }
    // A request in flight: on_write closes after its reply.
  });
}

void HttpSession::do_read() {
  if (stopping_) return do_close();
  parser_.emplace();
  parser_->body_limit(limits_.body_limit);
  parser_->header_limit(64 * 1024);
  stream_.expires_after(limits_.read_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, size_t) {
  reading_ = false;
  if (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || stopping_)
    return do_close();
  if (ec == http::error::body_limit) return reply_error(http::status::payload_too_large, "Request body too large");
  if (ec) {
    spdlog::debug("bad request on connection: {}", ec.message());
    return reply_error(http::status::bad_request, "Malformed HTTP request");
  }
  stream_.expires_never();
  if (websocket::is_upgrade(parser_->get())) {
    if (auto ws_handler = handler_->upgrade(parser_->get())) {
      auto connection = std::make_shared<WebSocketConnection>(std::move(stream_), std::move(ws_handler));
      if (registry_) registry_->add(connection);
      connection->accept(parser_->release());
      return;  // this session ends here; the connection owns the socket
    }
  }
  busy_ = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
  auto self = shared_from_this();
  handler_->handle(parser_->release(), [self](HttpResponse response) {
    // Back to this connection's strand to write.
    net::post(self->stream_.get_executor(), [self, r = std::move(response)]() mutable { self->send(std::move(r)); });
  });
}

void HttpSession::reply_error(http::status status, const char* message) {
  HttpResponse res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.set("x-amzn-RequestId", new_request_id());
  res.keep_alive(false);
  res.body() = std::string(R"({"message":")") + message + "\"}";
  res.prepare_payload();
  send(std::move(res));
}

void HttpSession::send(HttpResponse response) {
  if (stopping_) response.keep_alive(false);
  response_ = std::make_shared<HttpResponse>(std::move(response));
  const bool close = response_->need_eof();
  http::async_write(stream_, *response_, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close));
}

void HttpSession::on_write(bool close, beast::error_code ec, size_t) {
  response_.reset();
  busy_ = net::any_io_executor();
  if (ec || close || stopping_) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace ecslocal::server
