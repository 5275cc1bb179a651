#include "server/listener.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, Dispatcher& dispatcher, SessionLimits limits)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), dispatcher_(dispatcher), limits_(limits) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);  // throws boost::system::system_error
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
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
    std::make_shared<HttpSession>(std::move(socket), dispatcher_, limits_)->run();
  }
  if (acceptor_.is_open()) do_accept();
}

}  // namespace ecslocal::server
