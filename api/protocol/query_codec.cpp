// The query protocols (IAM, STS, ELBv2: query; EC2: ec2) as a Codec: a form body (or GET
// ?Action=...) routed by the SigV4 scope's signing name, or for unsigned requests by the first
// query service whose model has the Action; decoded along the input shape into the same JSON
// documents the JSON services get; replies and errors written as XML (query_encode.cpp).
#include <algorithm>
#include <cctype>

#include "api/protocol/codec.hpp"
#include "api/protocol/query_codec.hpp"

namespace ecslocal::api::protocol {
namespace {

bool speaks_query(const Service& service) {
  const auto& p = service.model().protocol;
  return p == "query" || p == "ec2";
}

bool is_form(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "application/x-www-form-urlencoded";
}

const Service* query_service_for(const ApiRequest& request, const std::string& action, const ServiceList& services) {
  if (!request.signing_service.empty()) {
    for (const auto& s : services)
      if (speaks_query(*s) && s->model().signing_name == request.signing_service) return s.get();
    return nullptr;
  }
  for (const auto& s : services)
    if (speaks_query(*s) && s->model().has_operation(action)) return s.get();
  return nullptr;
}

QueryDialect dialect_for(const Route& route) {
  return route.service ? dialect_of(route.service->model()) : QueryDialect::Query;
}

class QueryCodec final : public Codec {
 public:
  std::string_view name() const override { return "query"; }

  bool recognizes(const ApiRequest& request) const override {
    if (is_form(request.content_type)) return true;
    // GET /?Action=...: an unsigned or presigned query request without a body.
    return request.body.empty() && (request.query_string.rfind("Action=", 0) == 0 ||
                                    request.query_string.find("&Action=") != std::string::npos);
  }

  void route(const ApiRequest& request, const ServiceList& services, Route& route) const override {
    const bool well_formed = decode_form(request.query_string, route.form) && decode_form(request.body, route.form);
    const auto action_it = route.form.find("Action");
    route.operation_name = action_it == route.form.end() ? "" : action_it->second;
    route.service = query_service_for(request, route.operation_name, services);
    if (!route.service && route.operation_name.empty() && request.signing_service.empty())
      throw AwsError("MissingAction", "The request must contain the parameter Action.");
    if (!route.service) {
      const std::string what = request.signing_service.empty() ? "action '" + route.operation_name + "'"
                                                               : "service '" + request.signing_service + "'";
      throw AwsError("InvalidAction", "ecslocal does not serve " + what + ".");
    }
    if (!well_formed) throw AwsError("MalformedQueryString", "The request has a malformed percent-encoded parameter.");
    if (route.operation_name.empty()) throw AwsError("MissingAction", "The request must contain the parameter Action.");
    const auto& model = route.service->model();
    route.operation = model.find_operation(route.operation_name);
    if (!route.operation) {
      if (dialect_of(model) == QueryDialect::Ec2)
        throw AwsError("InvalidAction", "The action " + route.operation_name + " is not valid for this web service.");
      throw AwsError("InvalidAction", "Could not find operation " + route.operation_name + " for version " + model.api_version);
    }
  }

  Json decode(const Route& route, const ApiRequest&) const override {
    const QueryDialect dialect = dialect_for(route);
    QueryInputRules decode_rules;
    decode_rules.dialect = dialect;
    decode_rules.validation_error_code = route.service->validation_error_code();
    decode_rules.camel_case_paths = dialect == QueryDialect::Query;
    Json input = decode_query_input(route.operation->input, route.form, decode_rules);
    InputRules rules;
    rules.validation_error_code = route.service->validation_error_code();
    rules.camel_case_paths = dialect == QueryDialect::Query;
    if (dialect == QueryDialect::Ec2) rules.missing_member_code = "MissingParameter";
    check_operation_input(route, input, rules);
    return input;
  }

  void encode(const Route& route, const Json& output, const std::string& request_id, ApiResponse& out) const override {
    out.status = 200;
    out.content_type = kXmlContentType;
    out.body = encode_query_response(route.service->model(), *route.operation, output, request_id);
  }

  void encode_error(const Route& route, const AwsError& error, const std::string& request_id,
                    ApiResponse& out) const override {
    const QueryDialect dialect = dialect_for(route);
    const std::string ns = route.service ? reply_namespace(route.service->model()) : "";
    std::string code = error.code;
    // Faults keep the dialect's own spelling of an internal error.
    if (error.code == "ServerException" || error.code == "InternalFailure")
      code = dialect == QueryDialect::Ec2 ? "InternalError" : "InternalFailure";
    out.status = error.http_status;
    out.content_type = kXmlContentType;
    out.error_type = code;
    out.body = encode_query_error(dialect, ns, {code, error.what(), error.sender_fault}, request_id);
  }
};

}  // namespace

const Codec& query_codec() {
  static const QueryCodec codec;
  return codec;
}

}  // namespace ecslocal::api::protocol
