#pragma once
// Turns an HTTP request into a reply: admin routes (/_ecslocal/...) and AWS requests. AWS work
// hops to the state strand, where the Gateway runs; the reply hops back to the connection.
#include <functional>
#include <memory>

#include "api/gateway.hpp"
#include "server/net.hpp"

namespace ecslocal::server {

class Dispatcher {
 public:
  using Reply = std::function<void(HttpResponse)>;  // called on the state strand; the session hops back

  Dispatcher(net::io_context& ioc, std::shared_ptr<api::Gateway> gateway);

  void dispatch(HttpRequest request, Reply reply);
  net::strand<net::io_context::executor_type>& state_strand() { return state_; }
  // Runs `fn` on the state strand (used by admin routes, timers and runtime events).
  void post_to_state(std::function<void()> fn);

 private:
  HttpResponse handle_admin(const HttpRequest& request);
  void handle_aws(HttpRequest request, Reply reply);

  net::strand<net::io_context::executor_type> state_;
  std::shared_ptr<api::Gateway> gateway_;
};

std::string new_request_id();

}  // namespace ecslocal::server
