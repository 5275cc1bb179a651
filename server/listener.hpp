#pragma once
// Accepts connections, each on its own strand. Bind failure throws: start-up must fail loudly.
#include <memory>

#include "server/http_session.hpp"

namespace ecslocal::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, Dispatcher& dispatcher, SessionLimits limits);
  void run() { do_accept(); }
  void stop();
  uint16_t port() const { return port_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  Dispatcher& dispatcher_;
  SessionLimits limits_;
  uint16_t port_ = 0;
};

}  // namespace ecslocal::server
