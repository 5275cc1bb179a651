#include "api/protocol/codec.hpp"

#include <cctype>

namespace ecslocal::api::protocol {

const Codec& cbor_codec();
const Codec& query_codec();

const std::vector<const Codec*>& all_codecs() {
  // CBOR first: its requests are recognized by their smithy-protocol header alone.
  static const std::vector<const Codec*> codecs{&cbor_codec(), &json_codec(), &query_codec()};
  return codecs;
}

void check_operation_input(const Route& route, Json& input, InputRules rules) {
  if (route.operation && route.operation->input) check_input(*route.operation->input, input, rules);
}

void check_operation_input(const Route& route, Json& input) {
  InputRules rules;
  rules.validation_error_code = route.service->validation_error_code();
  check_operation_input(route, input, rules);
}

std::string query_compatible_type(const Route& route, const std::string& code) {
  const ServiceModel& model = route.service->model();
  std::string ns = "com.amazonaws.";
  for (char c : model.service_id)
    if (c != ' ') ns += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Several shapes can share a query code (CloudWatch: ResourceNotFound and DashboardNotFoundError):
  // the operation's own errors decide first.
  const Shape* shape = nullptr;
  if (route.operation)
    for (const Shape* e : route.operation->errors)
      if (e && (e->error_code == code || (e->error_code.empty() && e->name == code))) shape = e;
  if (!shape) shape = model.find_error_shape(code);
  return ns + "#" + (shape ? shape->name : code);
}

std::string query_error_header(const AwsError& error) {
  return error.code + (error.sender_fault ? ";Sender" : ";Receiver");
}

}  // namespace ecslocal::api::protocol
