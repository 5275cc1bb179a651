#pragma once
// One codec per AWS wire protocol: finds the operation a request names, decodes its input into
// the JSON-by-member-name document every handler takes, and encodes the output or an error the
// way that protocol's clients parse it. Codecs hold no state and run on the I/O side.
//
//   JSON 1.1 / 1.0: X-Amz-Target "<targetPrefix>.<Operation>", JSON body, JSON reply, errors
//                   {"__type", "message"} (api/protocol/json_codec.cpp)
//   query / ec2:    form body or GET ?Action=..., XML reply (api/protocol/query_codec.cpp)
//   RPC v2 CBOR:    smithy-protocol: rpc-v2-cbor, POST /service/<S>/operation/<Op>, CBOR body and
//                   reply (api/protocol/cbor_codec.cpp)
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/protocol/aws_error.hpp"
#include "api/protocol/form.hpp"
#include "api/protocol/model.hpp"
#include "api/protocol/shape_walker.hpp"
#include "api/protocol/wire.hpp"
#include "api/service.hpp"

namespace ecslocal::api::protocol {

// What a codec found: the service and operation (either may be null when not found; the error
// says why) and what it already parsed on the way.
struct Route {
  const Service* service = nullptr;
  const Operation* operation = nullptr;
  std::string operation_name;  // as the request named it
  FormParams form;             // query protocols: the parameters, parsed once
};

using ServiceList = std::vector<std::shared_ptr<Service>>;

class Codec {
 public:
  virtual ~Codec() = default;
  virtual std::string_view name() const = 0;
  // Does the request speak this protocol? (The gateway asks each codec in turn.)
  virtual bool recognizes(const ApiRequest& request) const = 0;
  // Service and operation. Throws AwsError when the request cannot be routed; `route` then holds
  // whatever was found (the service, for an error in its dialect).
  virtual void route(const ApiRequest& request, const ServiceList& services, Route& route) const = 0;
  // The operation's input document, parsed and checked against the model. Throws AwsError.
  virtual Json decode(const Route& route, const ApiRequest& request) const = 0;
  // The reply of a successful call; `output` is already shaped by the model.
  virtual void encode(const Route& route, const Json& output, const std::string& request_id,
                      ApiResponse& out) const = 0;
  virtual void encode_error(const Route& route, const AwsError& error, const std::string& request_id,
                            ApiResponse& out) const = 0;
};

// The codecs ecslocal speaks, in the order the gateway asks them.
const std::vector<const Codec*>& all_codecs();
// The JSON codec: what answers a request no codec recognizes.
const Codec& json_codec();

// Shared by the codecs: check `input` against the operation's input shape with the service's rules.
void check_operation_input(const Route& route, Json& input, InputRules rules);
// The same with the JSON protocols' rules (the service's validation error code, member names as sent).
void check_operation_input(const Route& route, Json& input);

// Errors the JSON and CBOR protocols themselves answer (before an operation runs), with a Coral
// __type: "com.amazon.coral.service#SerializationException".
constexpr std::string_view kCoralPrefix = "com.amazon.coral.service#";
inline bool is_coral_error(const std::string& code) {
  return code == "SerializationException" || code == "UnknownOperationException";
}

// The error document of the JSON and CBOR protocols: {"__type", "message"} plus the error's own
// members (AwsError::members).
inline Json error_document(const std::string& type, const AwsError& error) {
  Json out{{"__type", type}, {"message", error.what()}};
  for (const auto& [member, value] : error.members) out[member] = value;
  return out;
}

// For services answering JSON 1.0 or CBOR besides query: the error's __type (its shape,
// namespaced as Smithy names it: "com.amazonaws.cloudwatch#ResourceNotFound") and the
// x-amzn-query-error header value ("ResourceNotFound;Sender") carrying the query code.
std::string query_compatible_type(const Route& route, const std::string& code);
std::string query_error_header(const AwsError& error);

}  // namespace ecslocal::api::protocol
