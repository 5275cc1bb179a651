#pragma once
// Calls operations through the real Gateway (model validation, strict output shapes, error
// envelopes) without sockets. Deterministic ids (seeded). Header-only, for unit tests.
#include <memory>
#include <string>

#include "api/ecs/provider.hpp"
#include "api/gateway.hpp"

namespace ecslocal::testing {

struct CallResult {
  int status = 0;
  api::Json body;
  std::string error_type() const { return body.is_object() ? body.value("__type", "") : ""; }
  std::string message() const { return body.is_object() ? body.value("message", "") : ""; }
  bool ok() const { return status == 200; }
};

class ApiHarness {
 public:
  // `clock` gives every request's time (default: the system clock); `networks`: a VPC state to
  // share (with an EC2 provider), the ECS provider's own when null.
  explicit ApiHarness(uint64_t seed = 42, std::function<api::Clock::time_point()> clock = nullptr,
                      std::shared_ptr<api::vpc::VpcRegistry> networks = nullptr)
      : gateway_(options(std::move(clock))) {
    ecs_ = std::make_shared<api::ecs::EcsProvider>(std::make_shared<api::IdSource>(seed), std::move(networks));
    gateway_.add(ecs_);
  }

  // `access_key` of 12 digits selects that account; `region` as in a SigV4 scope.
  CallResult call(const std::string& target_prefix, const std::string& operation, const api::Json& input,
                  const std::string& access_key = "", const std::string& region = "") {
    api::ApiRequest request;
    request.target = target_prefix + "." + operation;
    request.content_type = "application/x-amz-json-1.1";
    request.body = input.dump();
    request.access_key = access_key;
    request.region = region;
    request.request_id = "test-request";
    auto response = gateway_.handle(request);
    return CallResult{response.status, api::Json::parse(response.body)};
  }

  CallResult ecs(const std::string& operation, const api::Json& input = api::Json::object(),
                 const std::string& access_key = "", const std::string& region = "") {
    return call("AmazonEC2ContainerServiceV20141113", operation, input, access_key, region);
  }

  api::Gateway& gateway() { return gateway_; }
  api::ecs::EcsProvider& ecs_provider() { return *ecs_; }

 private:
  static api::GatewayOptions options(std::function<api::Clock::time_point()> clock) {
    api::GatewayOptions o;
    o.strict_shapes = true;
    if (clock) o.clock = std::move(clock);
    return o;
  }
  api::Gateway gateway_;
  std::shared_ptr<api::ecs::EcsProvider> ecs_;
};

}  // namespace ecslocal::testing
