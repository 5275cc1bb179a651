#pragma once
// Calls operations through the real Gateway (model validation, strict output shapes, error
// envelopes) without sockets. Deterministic ids (seeded). Header-only, for unit tests.
#include <memory>
#include <string>

#include "api/ecs/provider.hpp"
#include "api/gateway.hpp"
#include "tests/fakes/gateway_calls.hpp"

namespace ecslocal::testing {

class ApiHarness {
 public:
  // `clock` gives every request's time (default: the system clock); `networks`: a VPC state to
  // share (with an EC2 provider), the ECS provider's own when null.
  explicit ApiHarness(uint64_t seed = 42, std::function<api::Clock::time_point()> clock = nullptr,
                      std::shared_ptr<api::vpc::VpcRegistry> networks = nullptr)
      : gateway_(strict_gateway_options(std::move(clock))) {
    ecs_ = std::make_shared<api::ecs::EcsProvider>(std::make_shared<api::IdSource>(seed), std::move(networks));
    gateway_.add(ecs_);
  }

  // `access_key` of 12 digits selects that account; `region` as in a SigV4 scope.
  CallResult call(const std::string& target_prefix, const std::string& operation, const api::Json& input,
                  const std::string& access_key = "", const std::string& region = "") {
    return json_call(gateway_, target_prefix + "." + operation, input, {"", access_key, region, "test-request"});
  }

  CallResult ecs(const std::string& operation, const api::Json& input = api::Json::object(),
                 const std::string& access_key = "", const std::string& region = "") {
    return call("AmazonEC2ContainerServiceV20141113", operation, input, access_key, region);
  }

  api::Gateway& gateway() { return gateway_; }
  api::ecs::EcsProvider& ecs_provider() { return *ecs_; }

 private:
  api::Gateway gateway_;
  std::shared_ptr<api::ecs::EcsProvider> ecs_;
};

}  // namespace ecslocal::testing
