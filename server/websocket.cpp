#include "server/websocket.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {

WebSocketConnection::WebSocketConnection(beast::tcp_stream&& stream, std::shared_ptr<WebSocketHandler> handler)
    : ws_(std::move(stream)), handler_(std::move(handler)) {}

void WebSocketConnection::accept(HttpRequest request) {
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "ecslocal"); }));
  ws_.read_message_max(16 * 1024 * 1024);
  auto req = std::make_shared<HttpRequest>(std::move(request));
  ws_.async_accept(*req, [self = shared_from_this(), req](beast::error_code ec) { self->on_accept(ec); });
}

void WebSocketConnection::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("websocket handshake failed: {}", ec.message());
    return finish();
  }
  open_ = true;
  handler_->on_open(shared_from_this());
  do_read();
  if (!outbox_.empty()) do_write();  // sent from on_open
}

void WebSocketConnection::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketConnection::on_read, shared_from_this()));
}

void WebSocketConnection::on_read(beast::error_code ec, size_t) {
  if (ec) return finish();  // closed by the peer (websocket::error::closed), reset, timeout, abort
  std::string data = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handler_->on_message(shared_from_this(), std::move(data), !ws_.got_text());
  do_read();
}

void WebSocketConnection::send(std::string data, bool binary) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), data = std::move(data), binary]() mutable {
    if (self->finished_ || self->closing_) return;
    self->outbox_.emplace_back(std::move(data), binary);
    if (self->open_ && self->outbox_.size() == 1) self->do_write();
  });
}

void WebSocketConnection::do_write() {
  ws_.binary(outbox_.front().second);
  ws_.async_write(net::buffer(outbox_.front().first),
                  beast::bind_front_handler(&WebSocketConnection::on_write, shared_from_this()));
}

void WebSocketConnection::on_write(beast::error_code ec, size_t) {
  if (ec) return finish();
  outbox_.pop_front();
  if (!outbox_.empty()) return do_write();
  if (closing_) do_close();
}

void WebSocketConnection::close(websocket::close_code code) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), code] {
    if (self->finished_ || self->closing_) return;
    self->closing_ = true;
    if (!self->open_) return self->abort();
    self->close_code_ = code;
    if (self->outbox_.empty()) self->do_close();  // else once the queued messages are written
  });
}

void WebSocketConnection::do_close() {
  // Beast allows one async_close while a read is pending (not while a write is).
  ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) { self->abort(); });
}

void WebSocketConnection::abort() {
  net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(self->ws_).socket().close(ec);
    self->finish();
  });
}

void WebSocketConnection::finish() {
  if (finished_) return;
  finished_ = true;
  outbox_.clear();
  handler_->on_close(shared_from_this());
}

}  // namespace ecslocal::server
