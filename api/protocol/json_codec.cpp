// The AWS JSON protocols (1.1 and 1.0): X-Amz-Target names service and operation, the body is the
// input document, the reply is the output document; errors are {"__type", "message"} with
// HTTP 400 (500 for faults) and X-Amzn-ErrorType. Coral-level errors (before an operation runs)
// carry a namespaced __type, of which botocore keeps what follows '#'.
#include <algorithm>

#include "api/protocol/codec.hpp"

namespace ecslocal::api::protocol {
namespace {

constexpr std::string_view kJson11 = "application/x-amz-json-1.1";
constexpr std::string_view kJson10 = "application/x-amz-json-1.0";

// Deeper than any shape of any model: a document nested further is refused before it is parsed, so
// no walk over client JSON (parse, checks, copies, dump, destruction) can exhaust the stack.
constexpr int kMaxJsonDepth = 64;

// The deepest nesting of arrays and objects in `text`, stopping early past `limit` (a scan over
// the bytes, outside strings: iterative, whatever the input).
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::string content_type_of(const Route& route) {
  if (route.service && route.service->model().json_version == "1.0") return std::string(kJson10);
  return std::string(kJson11);
}

class JsonCodec final : public Codec {
 public:
  std::string_view name() const override { return "json"; }

  bool recognizes(const ApiRequest& request) const override { return !request.target.empty(); }

  void route(const ApiRequest& request, const ServiceList& services, Route& route) const override {
    const auto dot = request.target.rfind('.');
    if (dot == std::string::npos || dot == 0)
      throw AwsError("UnknownOperationException", "X-Amz-Target " + request.target +
                                                       " names no operation: expected <TargetPrefix>.<Operation>");
    const std::string_view prefix(request.target.data(), dot);
    route.operation_name = request.target.substr(dot + 1);
    for (const auto& s : services) {
      if (s->model().target_prefix == prefix) {
        route.service = s.get();
        break;
      }
    }
    if (!route.service)
      throw AwsError("UnknownOperationException",
                     "No service of ecslocal answers the X-Amz-Target prefix " + std::string(prefix));
    route.operation = route.service->model().find_operation(route.operation_name);
    if (!route.operation)
      throw AwsError("UnknownOperationException", std::string(route.service->name()) + " has no operation " +
                                                       route.operation_name);
  }

  Json decode(const Route& route, const ApiRequest& request) const override {
    Json input;
    if (request.body.empty()) {
      input = Json::object();
    } else {
      if (nesting_depth(request.body, kMaxJsonDepth) > kMaxJsonDepth)
        throw serialization_error("The request body is nested more than " + std::to_string(kMaxJsonDepth) +
                                  " levels deep");
      input = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (input.is_discarded())
        throw serialization_error("Unexpected character in request body: not valid JSON");
      if (!input.is_object()) throw serialization_error("Start of list found where not expected");
    }
    check_operation_input(route, input);
    return input;
  }

  void encode(const Route& route, const Json& output, const std::string&, ApiResponse& out) const override {
    out.status = 200;
    out.content_type = content_type_of(route);
    out.body = output.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  void encode_error(const Route& route, const AwsError& error, const std::string&, ApiResponse& out) const override {
    out.status = error.http_status;
    out.content_type = content_type_of(route);
    out.error_type = error.code;
    std::string type = is_coral_error(error.code) ? std::string(kCoralPrefix) + error.code : error.code;
    if (route.service && route.service->model().query_compatible && !is_coral_error(error.code)) {
      // A service that also speaks query (CloudWatch): __type names the error's shape, and the
      // query code (which clients keep using) travels in x-amzn-query-error.
      type = query_compatible_type(route, error.code);
      out.query_error = query_error_header(error);
    }
    out.body = error_document(type, error).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
};

}  // namespace

const Codec& json_codec() {
  static const JsonCodec codec;
  return codec;
}

}  // namespace ecslocal::api::protocol
