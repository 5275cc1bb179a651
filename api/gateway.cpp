#include "api/gateway.hpp"

#include <algorithm>
#include <cctype>

#include "api/protocol/aws_error.hpp"
#include "api/protocol/shape_walker.hpp"

namespace ecslocal::api {
namespace {

constexpr const char* kJsonContentType = "application/x-amz-json-1.1";
constexpr const char* kCoral = "com.amazon.coral.service#";

ApiResponse json_error(int status, const std::string& type, const std::string& message) {
  ApiResponse r;
  r.status = status;
  r.content_type = kJsonContentType;
  r.error_type = type;
  r.body = Json{{"__type", type}, {"message", message}}.dump();
  return r;
}

// Coral-level errors carry a namespaced __type; botocore keeps what follows '#'.
ApiResponse coral_error(const std::string& type, const std::string& message) {
  auto r = json_error(400, std::string(kCoral) + type, message);
  r.error_type = type;
  return r;
}

bool is_query_request(const ApiRequest& request) {
  std::string type = request.content_type.substr(0, request.content_type.find(';'));
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  if (type == "application/x-www-form-urlencoded") return true;
  // GET /?Action=...: an unsigned or presigned query request without a body.
  return request.body.empty() && (request.query_string.rfind("Action=", 0) == 0 ||
                                  request.query_string.find("&Action=") != std::string::npos);
}

}  // namespace

std::string account_for_access_key(const std::string& access_key, const std::string& fallback) {
  if (access_key.size() == 12 && std::all_of(access_key.begin(), access_key.end(), [](unsigned char c) { return std::isdigit(c); }))
    return access_key;
  return fallback;
}

Gateway::Gateway(GatewayOptions options) : options_(std::move(options)) {}

void Gateway::add(std::shared_ptr<Service> service) {
  (void)service->model();  // parse the model now: start-up pays, not the first request
  services_.push_back(std::move(service));
}

std::vector<std::string> Gateway::service_names() const {
  std::vector<std::string> names;
  for (const auto& s : services_) names.emplace_back(s->name());
  return names;
}

void Gateway::reset() {
  for (auto& s : services_) s->reset();
}

RequestContext Gateway::context_for(const ApiRequest& request) const {
  RequestContext ctx;
  ctx.access_key = request.access_key;
  std::optional<std::string> issued;
  if (access_key_accounts_ && !request.access_key.empty()) issued = access_key_accounts_(request.access_key);
  ctx.account_id = issued ? *issued : account_for_access_key(request.access_key, options_.default_account_id);
  ctx.region = request.region.empty() ? options_.default_region : request.region;
  ctx.request_id = request.request_id;
  ctx.now = Clock::now();
  return ctx;
}

ApiResponse Gateway::handle(const ApiRequest& request) const {
  RequestContext ctx = context_for(request);
  if (!request.target.empty()) {
    const auto dot = request.target.rfind('.');
    const std::string prefix = request.target.substr(0, dot == std::string::npos ? 0 : dot);
    const std::string operation = dot == std::string::npos ? std::string() : request.target.substr(dot + 1);
    for (const auto& service : services_) {
      if (service->model().target_prefix == prefix && !prefix.empty()) {
        auto response = handle_json(*service, operation, request, ctx);
        response.service = std::string(service->name());
        response.operation = operation;
        return response;
      }
    }
    return coral_error("UnknownOperationException", "");
  }
  if (is_query_request(request)) return handle_query(request, ctx);
  return coral_error("UnknownOperationException", "");
}

ApiResponse Gateway::handle_json(const Service& service, const std::string& operation, const ApiRequest& request,
                                 RequestContext& ctx) const {
  const protocol::Operation* op = service.model().find_operation(operation);
  if (!op) return coral_error("UnknownOperationException", "");
  Json input;
  if (request.body.empty()) {
    input = Json::object();
  } else {
    input = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (input.is_discarded()) return coral_error("SerializationException", "Unexpected character in request body: not valid JSON");
    if (!input.is_object()) return coral_error("SerializationException", "Start of list found where not expected");
  }
  try {
    if (op->input) {
      protocol::InputRules rules;
      rules.validation_error_code = service.validation_error_code();
      protocol::check_input(*op->input, input, rules);
    }
    const auto& table = service.operations();
    auto it = table.find(operation);
    if (it == table.end()) throw not_implemented(std::string(service.name()), operation);
    Json output = it->second(ctx, input);
    if (output.is_null()) output = Json::object();
    if (op->output) protocol::shape_output(*op->output, output, options_.strict_shapes);
    ApiResponse r;
    r.content_type = kJsonContentType;
    r.body = output.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
  } catch (const AwsError& e) {
    if (e.code == "SerializationException") return coral_error(e.code, e.what());
    return json_error(e.http_status, e.code, e.what());
  } catch (const std::exception& e) {
    return json_error(500, "ServerException", std::string("ecslocal internal error: ") + e.what());
  }
}

}  // namespace ecslocal::api
