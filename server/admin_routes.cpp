#include "server/admin_routes.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {
namespace {

HttpResponse json_reply(const HttpRequest& request, int status, const api::Json& body) {
  return make_response(request.version(), request.keep_alive(), status, "application/json", body.dump(),
                       new_request_id());
}

HttpResponse wrong_method(const HttpRequest& request, const char* allowed) {
  auto res = json_message(request, 405, std::string("use ") + allowed + " for this route");
  res.set(http::field::allow, allowed);
  return res;
}

}  // namespace

AdminRoutes::AdminRoutes(StateStrand& state, std::shared_ptr<api::Gateway> gateway, BeforeReset before_reset)
    : state_(state), gateway_(std::move(gateway)), before_reset_(std::move(before_reset)) {}

void AdminRoutes::handle(HttpRequest request, Respond respond) {
  const auto path = target_path(request.target());
  const auto method = request.method();
  if (path == "/_ecslocal/health") {
    if (method != http::verb::get) return respond(wrong_method(request, "GET"));
    // service_names() is fixed after start-up: no hop to the state strand needed.
    api::Json body{{"status", "running"}, {"version", "0.1.0"}, {"services", gateway_->service_names()}};
    return respond(json_reply(request, 200, body));
  }
  if (path == "/_ecslocal/reset") {
    if (method != http::verb::post) return respond(wrong_method(request, "POST"));
    return reset(std::move(request), std::move(respond));
  }
  if (path == "/_ecslocal/state") {
    if (method != http::verb::get) return respond(wrong_method(request, "GET"));
    api::StateViewQuery query{query_param(request.target(), "account"), query_param(request.target(), "region")};
    net::post(state_, [this, query, req = std::move(request), respond = std::move(respond)] {
      respond(json_reply(req, 200, gateway_->state_view(query)));
    });
    return;
  }
  respond(json_message(request, 404, "no such ecslocal admin route"));
}

// Containers and listeners first (they hold addresses the state hands out), then the state, then
// the reply: a client that sees the reply sees nothing left of the instance.
void AdminRoutes::reset(HttpRequest request, Respond respond) {
  auto req = std::make_shared<HttpRequest>(std::move(request));
  auto finish = [this, req, respond = std::move(respond)]() mutable {
    gateway_->reset();
    spdlog::info("state reset");
    auto reply = [req, respond = std::move(respond)] { respond(json_reply(*req, 200, api::Json{{"reset", true}})); };
    if (!before_reset_) return reply();
    // A request served while the runtime was stopping may have launched a task that the state
    // no longer knows: stop whatever the runtime still runs (on the strand, right after the
    // clear, nothing else has launched since), and answer once that is gone too.
    before_reset_(std::move(reply));
  };
  net::post(state_, [this, finish = std::move(finish)]() mutable {
    if (!before_reset_) return finish();
    before_reset_([this, finish = std::move(finish)]() mutable { net::post(state_, std::move(finish)); });
  });
}

}  // namespace ecslocal::server
