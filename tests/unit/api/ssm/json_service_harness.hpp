#pragma once
// Calls a JSON 1.1 service's operations through the real Gateway (model validation, strict output
// shapes, error envelopes) with a clock the test moves. Used by the SSM and Secrets Manager tests.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/gateway.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::testing {

class JsonServiceHarness {
 public:
  JsonServiceHarness(std::string target_prefix, std::shared_ptr<api::Service> service)
      : prefix_(std::move(target_prefix)), gateway_(strict_gateway_options(&now)), service_(std::move(service)) {
    gateway_.add(service_);
  }

  CallResult call(const std::string& operation, const api::Json& input = api::Json::object(),
                  const std::string& access_key = "", const std::string& region = "") {
    return json_call(gateway_, prefix_ + "." + operation, input, {"", access_key, region, "test-request"});
  }
  api::Json ok(const std::string& operation, const api::Json& input = api::Json::object()) {
    auto r = call(operation, input);
    EXPECT_TRUE(r.ok()) << operation << ": " << r.body.dump();
    return r.body;
  }
  // The error code of a call that must fail.
  std::string fails(const std::string& operation, const api::Json& input) {
    auto r = call(operation, input);
    EXPECT_FALSE(r.ok()) << operation << " succeeded: " << r.body.dump();
    return r.error_type();
  }

  api::Clock::time_point now = api::Clock::time_point(std::chrono::seconds(1'700'000'000));

 private:
  std::string prefix_;
  api::Gateway gateway_;
  std::shared_ptr<api::Service> service_;
};

}  // namespace ecslocal::testing
