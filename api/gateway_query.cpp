// The query protocols' side of the Gateway: form parameters in, XML out (api/protocol/query_codec).
#include "api/gateway.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/protocol/query_codec.hpp"
#include "api/protocol/shape_walker.hpp"

namespace ecslocal::api {
namespace {

using protocol::QueryDialect;

bool speaks_query(const Service& service) {
  const auto& p = service.model().protocol;
  return p == "query" || p == "ec2";
}

ApiResponse xml_error(QueryDialect dialect, const std::string& ns, int status, const std::string& code,
                      const std::string& message, bool sender, const std::string& request_id) {
  ApiResponse r;
  r.status = status;
  r.content_type = protocol::kXmlContentType;
  r.error_type = code;
  r.body = protocol::encode_query_error(dialect, ns, {code, message, sender}, request_id);
  return r;
}

}  // namespace

const Service* Gateway::query_service_for(const ApiRequest& request, const std::string& action) const {
  if (!request.signing_service.empty()) {
    for (const auto& s : services_)
      if (speaks_query(*s) && s->model().signing_name == request.signing_service) return s.get();
    return nullptr;
  }
  for (const auto& s : services_)
    if (speaks_query(*s) && s->model().find_operation(action)) return s.get();
  return nullptr;
}

ApiResponse Gateway::handle_query(const ApiRequest& request, RequestContext& ctx) const {
  protocol::FormParams params;
  const bool well_formed = protocol::decode_form(request.query_string, params) && protocol::decode_form(request.body, params);
  const std::string action = params.count("Action") ? params["Action"] : "";
  const Service* service = query_service_for(request, action);
  if (!service) {
    const std::string what = request.signing_service.empty() ? "action '" + action + "'" : "service '" + request.signing_service + "'";
    return xml_error(QueryDialect::Query, "", 400, "InvalidAction", "ecslocal does not serve " + what + ".", true,
                     request.request_id);
  }
  const auto& model = service->model();
  const QueryDialect dialect = protocol::dialect_of(model);
  const std::string ns = protocol::reply_namespace(model);
  auto error = [&](int status, const std::string& code, const std::string& message, bool sender = true) {
    auto r = xml_error(dialect, ns, status, code, message, sender, request.request_id);
    r.service = std::string(service->name());
    r.operation = action;
    return r;
  };
  if (!well_formed) return error(400, "MalformedQueryString", "The request has a malformed percent-encoded parameter.");
  if (action.empty()) return error(400, "MissingAction", "The request must contain the parameter Action.");
  const protocol::Operation* op = model.find_operation(action);
  if (!op) {
    if (dialect == QueryDialect::Ec2) return error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
    return error(400, "InvalidAction", "Could not find operation " + action + " for version " + model.api_version);
  }
  try {
    protocol::QueryInputRules decode_rules;
    decode_rules.dialect = dialect;
    decode_rules.validation_error_code = service->validation_error_code();
    decode_rules.camel_case_paths = dialect == QueryDialect::Query;
    Json input = protocol::decode_query_input(op->input, params, decode_rules);
    if (op->input) {
      protocol::InputRules rules;
      rules.validation_error_code = service->validation_error_code();
      rules.camel_case_paths = dialect == QueryDialect::Query;
      if (dialect == QueryDialect::Ec2) rules.missing_member_code = "MissingParameter";
      protocol::check_input(*op->input, input, rules);
    }
    const auto& table = service->operations();
    auto it = table.find(action);
    if (it == table.end()) throw not_implemented(std::string(service->name()), action);
    Json output = it->second(ctx, input);
    if (output.is_null()) output = Json::object();
    if (op->output) protocol::shape_output(*op->output, output, options_.strict_shapes);
    ApiResponse r;
    r.content_type = protocol::kXmlContentType;
    r.body = protocol::encode_query_response(model, *op, output, request.request_id);
    r.service = std::string(service->name());
    r.operation = action;
    return r;
  } catch (const AwsError& e) {
    return error(e.http_status, e.code, e.what(), e.sender_fault);
  } catch (const std::exception& e) {
    return error(500, dialect == QueryDialect::Ec2 ? "InternalError" : "InternalFailure",
                 std::string("ecslocal internal error: ") + e.what(), false);
  }
}

}  // namespace ecslocal::api
