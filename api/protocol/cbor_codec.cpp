// Smithy RPC v2 CBOR as a Codec (the protocol newer Go and Java SDKs pick for CloudWatch):
// POST [prefix]/service/<ServiceShape>/operation/<Operation> with the header
// smithy-protocol: rpc-v2-cbor; the body a CBOR map of the input members (none: empty body). The
// reply carries smithy-protocol: rpc-v2-cbor and a CBOR body shaped by the output (timestamps as
// tag 1, blobs as byte strings); an error is a CBOR map {"__type": "<namespace>#<Shape>",
// "message"} with the shape's status, and for query-compatible services x-amzn-query-error.
// The service shape name is the JSON protocols' target prefix (GraniteServiceVersion20100801).
#include "api/protocol/cbor.hpp"
#include "api/protocol/codec.hpp"

namespace ecslocal::api::protocol {
namespace {

constexpr std::string_view kCborType = "application/cbor";
constexpr std::string_view kSmithyProtocol = "rpc-v2-cbor";

// ".../service/<service>/operation/<operation>": both names, or false when the path is not one.
bool split_path(std::string_view path, std::string& service, std::string& operation) {
  const auto at = path.rfind("/service/");
  if (at == std::string_view::npos) return false;
  std::string_view rest = path.substr(at + 9);
  const auto slash = rest.find("/operation/");
  if (slash == std::string_view::npos || slash == 0) return false;
  service = std::string(rest.substr(0, slash));
  operation = std::string(rest.substr(slash + 11));
  return !operation.empty() && operation.find('/') == std::string::npos;
}

class CborCodec final : public Codec {
 public:
  std::string_view name() const override { return "cbor"; }

  bool recognizes(const ApiRequest& request) const override { return request.smithy_protocol == kSmithyProtocol; }

  void route(const ApiRequest& request, const ServiceList& services, Route& route) const override {
    std::string service_name;
    if (!split_path(request.path, service_name, route.operation_name))
      throw AwsError("UnknownOperationException",
                     "A Smithy RPC v2 CBOR request goes to /service/<Service>/operation/<Operation>, not " + request.path);
    for (const auto& s : services) {
      if (s->model().target_prefix == service_name && s->model().speaks("smithy-rpc-v2-cbor")) {
        route.service = s.get();
        break;
      }
    }
    if (!route.service)
      throw AwsError("UnknownOperationException", "No service of ecslocal answers Smithy RPC v2 CBOR as " + service_name);
    route.operation = route.service->model().find_operation(route.operation_name);
    if (!route.operation)
      throw AwsError("UnknownOperationException",
                     std::string(route.service->name()) + " has no operation " + route.operation_name);
  }

  Json decode(const Route& route, const ApiRequest& request) const override {
    Json input = Json::object();
    if (!request.body.empty()) {
      try {
        input = decode_cbor(request.body);
      } catch (const std::exception& e) {
        throw serialization_error(std::string("The request body is not valid CBOR: ") + e.what());
      }
      if (!input.is_object()) throw serialization_error("The request body is not a CBOR map of the input's members");
    }
    check_operation_input(route, input);
    return input;
  }

  void encode(const Route& route, const Json& output, const std::string&, ApiResponse& out) const override {
    out.status = 200;
    out.content_type = kCborType;
    out.smithy_protocol = kSmithyProtocol;
    out.body = encode_cbor(output, route.operation ? route.operation->output : nullptr);
  }

  void encode_error(const Route& route, const AwsError& error, const std::string&, ApiResponse& out) const override {
    out.status = error.http_status;
    out.content_type = kCborType;
    out.smithy_protocol = kSmithyProtocol;
    out.error_type = error.code;
    std::string type = std::string(kCoralPrefix) + error.code;
    if (route.service && !is_coral_error(error.code)) {
      type = query_compatible_type(route, error.code);
      if (route.service->model().query_compatible) out.query_error = query_error_header(error);
    }
    out.body = encode_cbor(error_document(type, error), nullptr);
  }
};

}  // namespace

const Codec& cbor_codec() {
  static const CborCodec codec;
  return codec;
}

}  // namespace ecslocal::api::protocol
