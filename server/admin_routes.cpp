#include "server/admin_routes.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "api/protocol/timestamp.hpp"

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

AdminRoutes::AdminRoutes(StateStrand& state, std::shared_ptr<api::Gateway> gateway, BeforeReset before_reset,
                         ClockControl clock)
    : state_(state), gateway_(std::move(gateway)), before_reset_(std::move(before_reset)), clock_(std::move(clock)) {}

api::Json AdminRoutes::clock_view() const {
  const auto now = clock_.clock->now();
  const double epoch = std::chrono::duration<double>(now.time_since_epoch()).count();
  const char* mode = clock_.clock->is_manual() ? "manual"
                     : clock_.clock->mode() == api::VirtualClock::Mode::Scaled ? "scaled"
                                                                               : "real";
  return api::Json{{"now", epoch}, {"nowIso", api::protocol::iso8601(epoch, true)}, {"scale", clock_.clock->scale()},
                   {"mode", mode}};
}

// The body is {"seconds": N}, N a positive number of at most ten years.
void AdminRoutes::advance(HttpRequest request, Respond respond) {
  const auto body = api::Json::parse(request.body(), nullptr, false);
  const api::Json* seconds = body.is_object() && body.contains("seconds") ? &body["seconds"] : nullptr;
  if (!seconds || !seconds->is_number() || !std::isfinite(seconds->get<double>()) || seconds->get<double>() <= 0 ||
      seconds->get<double>() > 10.0 * 366 * 86400)
    return respond(json_message(request, 400, "the body must be {\"seconds\": N} with N a positive number of seconds"));
  const auto by = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds->get<double>() * 1e9));
  net::post(state_, [this, by, req = std::move(request), respond = std::move(respond)] {
    clock_.clock->advance(by);
    if (clock_.run_due) clock_.run_due();
    respond(json_reply(req, 200, clock_view()));
  });
}

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
  if (clock_.clock && path == "/_ecslocal/clock") {
    if (method != http::verb::get) return respond(wrong_method(request, "GET"));
    return respond(json_reply(request, 200, clock_view()));  // the clock is readable from any thread
  }
  if (clock_.clock && path == "/_ecslocal/clock/advance") {
    if (method != http::verb::post) return respond(wrong_method(request, "POST"));
    return advance(std::move(request), std::move(respond));
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
