#pragma once
// What every emulated AWS service offers the gateway: its model, an explicit operation table and
// a lifecycle the gateway drives for all services alike. Handlers and lifecycle calls run on the
// state strand, one at a time.
//
// A new service is a folder under api/ with a provider deriving from Service, plus one line in
// the service list (api/services.cpp). Wiring between services goes through api/ports/: in
// provide() a service registers the ports it implements, in connect() it looks up the ones it uses.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/protocol/model.hpp"

namespace ecslocal::api {

using Json = nlohmann::json;
using Clock = std::chrono::system_clock;

class Ports;

struct RequestContext {
  std::string account_id;  // from a 12-digit access key id, else the configured default
  std::string region;      // from the SigV4 credential scope, else the configured default
  std::string access_key;
  std::string request_id;
  Clock::time_point now;
  std::string host;  // the request's Host header (host[:port]), may be empty
};

using OperationHandler = std::function<Json(const RequestContext&, Json& input)>;
using OperationTable = std::unordered_map<std::string, OperationHandler>;

// Which part of the state a view covers; empty members mean "every".
struct StateViewQuery {
  std::string account_id, region;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;  // "ecs", "logs", ...
  virtual const protocol::ServiceModel& model() const = 0;
  virtual const OperationTable& operations() const = 0;
  // The __type used for failed input constraints (ECS answers InvalidParameterException).
  virtual std::string validation_error_code() const { return "ValidationException"; }

  // ---- wiring (once, at start-up, before any request) ----
  virtual void provide(Ports& ports) {}
  virtual void connect(Ports& ports) {}

  // ---- lifecycle ----
  // The slow level-triggered pass, about once a second (`now`: the gateway's clock).
  virtual void tick(Clock::time_point now) {}
  // Everything the service keeps, as a document restore() takes back (persistence). restore()
  // replaces the whole state, or throws std::runtime_error and leaves the state as it was.
  virtual Json snapshot() const = 0;
  virtual void restore(const Json& snapshot) = 0;
  // A read-only view for people (the console, GET /_ecslocal/state): one entry per account and
  // region that has state, {"account": ..., "region": ..., <collections>}, in wire spelling.
  virtual Json state_view(const StateViewQuery& query) const = 0;
  // Forgets everything (POST /_ecslocal/reset). What the state stood for outside the process
  // (containers, listeners) is stopped by the app before, through the runtime and the data plane.
  virtual void on_reset() = 0;
};

// Registers `handler` for `operation`, bound to `provider`; every service registers this way.
// The operation must be one of the service's model (checked when the gateway adds the service).
template <typename Provider>
void bind_operation(OperationTable& table, const std::string& operation, Provider& provider,
                    Json (*handler)(Provider&, const RequestContext&, Json&)) {
  table[operation] = [&provider, handler](const RequestContext& ctx, Json& input) {
    return handler(provider, ctx, input);
  };
}

}  // namespace ecslocal::api
