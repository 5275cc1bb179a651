#pragma once
// What every emulated AWS service offers the gateway: its model, an explicit operation table
// and a way to drop its state. Handlers run on the state strand, one at a time.
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

struct RequestContext {
  std::string account_id;  // from a 12-digit access key id, else the configured default
  std::string region;      // from the SigV4 credential scope, else the configured default
  std::string access_key;
  std::string request_id;
  Clock::time_point now;
};

using OperationHandler = std::function<Json(const RequestContext&, Json& input)>;
using OperationTable = std::unordered_map<std::string, OperationHandler>;

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;  // "ecs", "logs", ...
  virtual const protocol::ServiceModel& model() const = 0;
  virtual const OperationTable& operations() const = 0;
  virtual void reset() = 0;
  // The __type used for failed input constraints (ECS answers InvalidParameterException).
  virtual std::string validation_error_code() const { return "ValidationException"; }
};

}  // namespace ecslocal::api
