#include "server/http_session.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<HttpHandler> handler, SessionLimits limits)
    : stream_(std::move(socket)), handler_(std::move(handler)), limits_(limits) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(limits_.body_limit);
  parser_->header_limit(64 * 1024);
  stream_.expires_after(limits_.read_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, size_t) {
  if (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == beast::error::timeout ||
      ec == net::error::operation_aborted)
    return do_close();
  if (ec == http::error::body_limit) return reply_error(http::status::payload_too_large, "Request body too large");
  if (ec) {
    spdlog::debug("bad request on connection: {}", ec.message());
    return reply_error(http::status::bad_request, "Malformed HTTP request");
  }
  stream_.expires_never();
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
  response_ = std::make_shared<HttpResponse>(std::move(response));
  const bool close = response_->need_eof();
  http::async_write(stream_, *response_, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close));
}

void HttpSession::on_write(bool close, beast::error_code ec, size_t) {
  response_.reset();
  if (ec || close) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace ecslocal::server
