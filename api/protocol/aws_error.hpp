#pragma once
// The one error type thrown inside api/ and caught at exactly one place (the protocol codec).
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ecslocal::api {

struct AwsError : std::runtime_error {
  std::string code;  // the __type / <Code>, e.g. "ClusterNotFoundException"
  int http_status;   // 400 unless the model says otherwise
  bool sender_fault;

  // Members of the error shape beyond its message (e.g. Cloud Map's NamespaceAlreadyExists carries
  // NamespaceId and CreatorRequestId), as the model names them; the JSON and CBOR codecs add them
  // to the error document. Set them on the thrown object itself (not a copy of its base).
  std::vector<std::pair<std::string, std::string>> members;

  AwsError(std::string error_code, const std::string& message, int status = 400, bool sender = true)
      : std::runtime_error(message), code(std::move(error_code)), http_status(status), sender_fault(sender) {}

};

// Coral-level errors answered before a service's operation runs.
inline AwsError serialization_error(const std::string& message) {
  return AwsError("SerializationException", message);
}
inline AwsError not_implemented(const std::string& service, const std::string& operation) {
  return AwsError("NotImplementedException",
                  "ecslocal does not implement " + service + ":" + operation + " yet.", 501);
}

}  // namespace ecslocal::api
