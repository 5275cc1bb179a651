#pragma once
// ecslocal's own routes, under /_ecslocal/:
//   GET  /_ecslocal/health  {"status":"running","version":...,"services":[...]}
//   POST /_ecslocal/reset   stops what the instance runs (containers, data-plane listeners), then
//                           forgets every service's state, then answers {"reset":true}
//   GET  /_ecslocal/state   every service's state_view as one document; ?account=&region= narrow it
//   GET  /_ecslocal/clock   the virtual clock: {"now": <epoch s>, "nowIso", "scale", "mode"}
//   POST /_ecslocal/clock/advance  {"seconds": N}: moves the virtual clock N seconds forward (the
//                           only way a manual clock moves; a jump for the others), runs every
//                           timer that became due in time order and one tick, then answers the clock
// State is read and changed on the state strand only.
#include <functional>
#include <memory>

#include "api/common/clock.hpp"
#include "api/gateway.hpp"
#include "server/http_handler.hpp"

namespace ecslocal::server {

class AdminRoutes : public HttpHandler {
 public:
  // Stops what the state stands for outside the process; calls `done` (from any thread) once
  // that is finished. Called on the state strand. Null: nothing runs outside.
  using BeforeReset = std::function<void(std::function<void()> done)>;

  struct ClockControl {
    std::shared_ptr<api::VirtualClock> clock;  // null: no clock routes
    std::function<void()> run_due;             // on the state strand: due timers, then one tick
  };

  AdminRoutes(StateStrand& state, std::shared_ptr<api::Gateway> gateway, BeforeReset before_reset = {},
              ClockControl clock = {});
  void handle(HttpRequest request, Respond respond) override;

 private:
  void reset(HttpRequest request, Respond respond);
  void advance(HttpRequest request, Respond respond);
  api::Json clock_view() const;

  StateStrand& state_;
  std::shared_ptr<api::Gateway> gateway_;
  BeforeReset before_reset_;
  ClockControl clock_;
};

// Sends /_ecslocal/... to `admin`, ECS Exec's /v1/data-channel/... to `exec` (when given) and
// everything else to `api`.
class MainRoutes : public HttpHandler {
 public:
  MainRoutes(std::shared_ptr<HttpHandler> admin, std::shared_ptr<HttpHandler> api,
             std::shared_ptr<HttpHandler> exec = nullptr)
      : admin_(std::move(admin)), api_(std::move(api)), exec_(std::move(exec)) {}
  void handle(HttpRequest request, Respond respond) override { pick(request).handle(std::move(request), std::move(respond)); }
  std::shared_ptr<WebSocketHandler> upgrade(const HttpRequest& request) override { return pick(request).upgrade(request); }

 private:
  HttpHandler& pick(const HttpRequest& request) const {
    std::string_view path = target_path(request.target());
    if (path.substr(0, 11) == "/_ecslocal/") return *admin_;
    if (exec_ && path.substr(0, 17) == "/v1/data-channel/") return *exec_;
    return *api_;
  }
  std::shared_ptr<HttpHandler> admin_, api_, exec_;
};

}  // namespace ecslocal::server
