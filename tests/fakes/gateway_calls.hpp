#pragma once
// What the unit-test harnesses share to call a real Gateway without sockets: strict output shapes
// on a clock the test holds, and requests built the way botocore sends them (JSON 1.1 with an
// X-Amz-Target, or a query-protocol form body). Header-only.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api/gateway.hpp"
#include "api/protocol/form.hpp"

namespace ecslocal::testing {

// A JSON-protocol reply, parsed.
struct CallResult {
  int status = 0;
  api::Json body;
  std::string error_type() const { return body.is_object() ? body.value("__type", "") : ""; }
  std::string message() const { return body.is_object() ? body.value("message", "") : ""; }
  bool ok() const { return status == 200; }
};

// A 400 of AWS error `type` (and, when given, exactly `message`).
inline void expect_error(const CallResult& r, const std::string& type, const std::string& message = "") {
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_EQ(r.error_type(), type) << r.body.dump();
  if (!message.empty()) {
    EXPECT_EQ(r.message(), message) << r.body.dump();
  }
}

using Params = std::vector<std::pair<std::string, std::string>>;

// Strict output shapes; every request's time from `clock` (the system clock when empty).
inline api::GatewayOptions strict_gateway_options(std::function<api::Clock::time_point()> clock = nullptr) {
  api::GatewayOptions o;
  o.strict_shapes = true;
  if (clock) o.clock = std::move(clock);
  return o;
}
// The same with every request's time read from *now (the test moves it).
inline api::GatewayOptions strict_gateway_options(const api::Clock::time_point* now) {
  return strict_gateway_options([now] { return *now; });
}

// Who signs a request and where: the fields a SigV4 header would give the gateway.
struct Caller {
  std::string signing_service;
  std::string access_key;
  std::string region;
  std::string request_id = "rid";
};

// `<target>` (prefix.Operation) with `input` as its JSON 1.1 body.
inline CallResult json_call(const api::Gateway& gateway, const std::string& target, const api::Json& input,
                            const Caller& caller) {
  api::ApiRequest request;
  request.target = target;
  request.content_type = "application/x-amz-json-1.1";
  request.body = input.dump();
  request.signing_service = caller.signing_service;
  request.access_key = caller.access_key;
  request.region = caller.region;
  request.request_id = caller.request_id;
  auto response = gateway.handle(request);
  return CallResult{response.status, api::Json::parse(response.body)};
}

// A query-protocol call: `Action=<action>` (and `&Version=<version>` when given) and the params,
// url-encoded, as a form body.
inline api::ApiResponse form_call(const api::Gateway& gateway, const std::string& action, const std::string& version,
                                  const Params& params, const Caller& caller) {
  std::string body = "Action=" + action;
  if (!version.empty()) body += "&Version=" + version;
  for (const auto& [k, v] : params) body += "&" + api::protocol::url_encode(k) + "=" + api::protocol::url_encode(v);
  api::ApiRequest request;
  request.content_type = "application/x-www-form-urlencoded; charset=utf-8";
  request.body = body;
  request.signing_service = caller.signing_service;
  request.access_key = caller.access_key;
  request.region = caller.region;
  request.request_id = caller.request_id;
  return gateway.handle(request);
}

}  // namespace ecslocal::testing
