#include "server/listener.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, SessionFactory factory,
                   std::optional<net::any_io_executor> acceptor_executor)
    : ioc_(ioc),
      acceptor_(acceptor_executor ? *acceptor_executor : net::any_io_executor(net::make_strand(ioc))),
      factory_(std::move(factory)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);  // throws boost::system::system_error
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->stop_now(); });
}

void Listener::stop_now() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;
  if (ec) {
    spdlog::warn("accept failed: {}", ec.message());
  } else {
    socket.set_option(tcp::no_delay(true), ec);
    factory_(std::move(socket));
  }
  if (acceptor_.is_open()) do_accept();
}

}  // namespace ecslocal::server
