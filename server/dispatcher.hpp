#pragma once
// The AWS API as an HttpHandler: the request is decoded on the connection's thread, the handler
// runs on the state strand (where the Gateway lives), and the reply is encoded there and handed
// back to the connection.
#include <memory>

#include "api/gateway.hpp"
#include "server/http_handler.hpp"

namespace ecslocal::server {

class Dispatcher : public HttpHandler {
 public:
  Dispatcher(StateStrand& state, std::shared_ptr<api::Gateway> gateway);
  void handle(HttpRequest request, Respond respond) override;

 private:
  StateStrand& state_;
  std::shared_ptr<api::Gateway> gateway_;
};

}  // namespace ecslocal::server
