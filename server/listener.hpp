#pragma once
// Accepts connections, each on its own strand, and hands each socket to the session factory.
// Bind failure throws: start-up must fail loudly.
#include <functional>
#include <memory>
#include <optional>

#include "server/net.hpp"

namespace ecslocal::server {

// Builds and starts the session of an accepted connection (the socket is on its own strand).
using SessionFactory = std::function<void(tcp::socket socket)>;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // The acceptor runs on `acceptor_executor` (a strand of its own when absent).
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, SessionFactory factory,
           std::optional<net::any_io_executor> acceptor_executor = std::nullopt);
  void run();
  // Stops accepting and frees the address (asynchronously, on the acceptor's executor).
  void stop();
  // The same, at once; only on the acceptor's executor.
  void stop_now();
  uint16_t port() const { return port_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  SessionFactory factory_;
  uint16_t port_ = 0;
};

}  // namespace ecslocal::server
