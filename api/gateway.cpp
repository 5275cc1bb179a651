#include "api/gateway.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "api/ports/identity.hpp"
#include "api/protocol/compression.hpp"
#include "api/protocol/shape_walker.hpp"

namespace ecslocal::api {
namespace {

// Errors any operation of a protocol may answer besides its modelled ones.
bool is_protocol_error(const std::string& code) {
  static const char* const kCodes[] = {
      "SerializationException", "UnknownOperationException", "NotImplementedException", "ServerException",
      "InternalFailure", "InternalError", "ValidationException", "ValidationError", "MissingAction",
      "InvalidAction", "MalformedQueryString", "MissingParameter", "InvalidParameterValue",
      "InvalidParameterCombination", "AccessDeniedException", "AccessDenied", "ThrottlingException",
      "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature"};
  return std::any_of(std::begin(kCodes), std::end(kCodes), [&](const char* c) { return code == c; });
}

// Codes AWS answers for an operation although the model does not list them there.
bool is_known_unlisted_error(std::string_view service, const std::string& operation, const std::string& code) {
  static const char* const kKnown[][3] = {
      // A missing permissions boundary policy: "Scope ARN: ... does not exist or is not attachable."
      {"iam", "CreateRole", "NoSuchEntity"},
      // As TagResource and UntagResource (which list it) answer for an ARN naming no resource.
      {"ecs", "ListTagsForResource", "ResourceNotFoundException"},
  };
  return std::any_of(std::begin(kKnown), std::end(kKnown), [&](const auto& k) {
    return service == k[0] && operation == k[1] && code == k[2];
  });
}

AwsError internal_error(const std::string& message) {
  return AwsError("ServerException", "ecslocal internal error: " + message, 500, false);
}

}  // namespace

std::string account_for_access_key(const std::string& access_key, const std::string& fallback) {
  if (access_key.size() == 12 &&
      std::all_of(access_key.begin(), access_key.end(), [](unsigned char c) { return std::isdigit(c); }))
    return access_key;
  return fallback;
}

bool error_is_modelled(const Service& service, const protocol::Operation& operation, const std::string& code) {
  if (is_protocol_error(code) || code == service.validation_error_code()) return true;
  if (is_known_unlisted_error(service.name(), operation.name, code)) return true;
  // EC2's model lists no errors at all: every code of the EC2 error reference may come.
  if (service.model().protocol == "ec2") return true;
  return std::any_of(operation.errors.begin(), operation.errors.end(), [&](const protocol::Shape* e) {
    return (e->error_code.empty() ? e->name : e->error_code) == code || e->name == code;
  });
}

Gateway::Gateway(GatewayOptions options) : options_(std::move(options)) {}

void Gateway::add(std::shared_ptr<Service> service) {
  for (const auto& [operation, handler] : service->operations())
    if (!service->model().has_operation(operation))
      throw std::logic_error(std::string(service->name()) + " registers " + operation + ", which its model lacks");
  services_.push_back(std::move(service));
}

void Gateway::connect(Ports& ports) {
  for (auto& s : services_) s->provide(ports);
  for (auto& s : services_) s->connect(ports);
  if (const CredentialDirectory* credentials = ports.find<CredentialDirectory>()) {
    access_key_accounts_ = [credentials](const std::string& key) -> std::optional<std::string> {
      if (auto identity = credentials->identity_of(key)) return identity->account_id;
      return std::nullopt;
    };
  }
}

std::vector<std::string> Gateway::service_names() const {
  std::vector<std::string> names;
  for (const auto& s : services_) names.emplace_back(s->name());
  return names;
}

Call Gateway::decode(ApiRequest request) const {
  Call call;
  call.access_key = std::move(request.access_key);
  call.region = std::move(request.region);
  call.request_id = request.request_id;
  call.host = std::move(request.host);
  for (const protocol::Codec* codec : protocol::all_codecs()) {
    if (codec->recognizes(request)) {
      call.codec = codec;
      break;
    }
  }
  if (!call.codec) {
    call.codec = &protocol::json_codec();  // JSON: the protocol of the stock error
    call.error = AwsError("UnknownOperationException",
                          "The request names no operation: send X-Amz-Target (JSON protocols), the header "
                          "smithy-protocol: rpc-v2-cbor (CBOR), or a form body with Action (query protocols)");
    return call;
  }
  try {
    if (!request.content_encoding.empty() && protocol::is_gzip_encoding(request.content_encoding)) {
      try {
        request.body = protocol::gunzip(request.body);
      } catch (const AwsError&) {
        // Routed without the body all the same, so the error comes in the service's own dialect.
        request.body.clear();
        try {
          call.codec->route(request, services_, call.route);
        } catch (const AwsError&) {  // the body's own error says more
        }
        throw;
      }
    }
    call.codec->route(request, services_, call.route);
    call.input = call.codec->decode(call.route, request);
    const auto& table = call.route.service->operations();
    if (!table.count(call.route.operation_name))
      throw not_implemented(std::string(call.route.service->name()), call.route.operation_name);
  } catch (const AwsError& e) {
    call.error = e;
  } catch (const std::exception& e) {
    call.error = internal_error(e.what());
  }
  return call;
}

RequestContext Gateway::context_for(const Call& call) const {
  RequestContext ctx;
  ctx.access_key = call.access_key;
  std::optional<std::string> issued;
  if (access_key_accounts_ && !call.access_key.empty()) issued = access_key_accounts_(call.access_key);
  ctx.account_id = issued ? *issued : account_for_access_key(call.access_key, options_.default_account_id);
  ctx.region = call.region.empty() ? options_.default_region : call.region;
  ctx.request_id = call.request_id;
  ctx.host = call.host;
  ctx.now = options_.clock();
  return ctx;
}

void Gateway::invoke(Call& call) const {
  if (call.error) return;
  const Service& service = *call.route.service;
  try {
    const RequestContext ctx = context_for(call);
    call.output = service.operations().at(call.route.operation_name)(ctx, call.input);
    if (call.output.is_null()) call.output = Json::object();
  } catch (const AwsError& e) {
    if (options_.strict_shapes && !error_is_modelled(service, *call.route.operation, e.code))
      call.error = internal_error(e.code + " is not an error " + call.route.operation_name + " can answer: " + e.what());
    else
      call.error = e;
  } catch (const std::exception& e) {
    call.error = internal_error(e.what());
  }
}

ApiResponse Gateway::encode(Call& call) const {
  ApiResponse out;
  if (call.route.service) out.service = std::string(call.route.service->name());
  out.operation = call.route.operation_name;
  if (!call.error && call.route.operation && call.route.operation->output) {
    try {
      protocol::shape_output(*call.route.operation->output, call.output, options_.strict_shapes);
    } catch (const std::exception& e) {
      call.error = internal_error(e.what());
    }
  }
  try {
    if (call.error)
      call.codec->encode_error(call.route, *call.error, call.request_id, out);
    else
      call.codec->encode(call.route, call.output, call.request_id, out);
  } catch (const std::exception& e) {
    // Encoding itself failed (e.g. text XML cannot carry): say so in the protocol's envelope.
    call.error = internal_error(std::string("cannot encode the reply: ") + e.what());
    call.codec->encode_error(call.route, *call.error, call.request_id, out);
  }
  return out;
}

ApiResponse Gateway::handle(ApiRequest request) const {
  Call call = decode(std::move(request));
  invoke(call);
  return encode(call);
}

void Gateway::tick(Clock::time_point now) {
  for (auto& s : services_) s->tick(now);
}

void Gateway::reset() {
  for (auto& s : services_) s->on_reset();
}

Json Gateway::snapshot() const {
  Json out = Json::object();
  for (const auto& s : services_) out[std::string(s->name())] = s->snapshot();
  return out;
}

void Gateway::restore(const Json& snapshot) {
  for (auto& s : services_)
    if (auto it = snapshot.find(std::string(s->name())); it != snapshot.end()) s->restore(*it);
}

Json Gateway::state_view(const StateViewQuery& query) const {
  Json out = Json::object();
  for (const auto& s : services_) out[std::string(s->name())] = s->state_view(query);
  return out;
}

}  // namespace ecslocal::api
