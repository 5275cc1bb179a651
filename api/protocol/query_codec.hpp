#pragma once
// The AWS query protocols: `query` (IAM, STS, ...) and its `ec2` dialect. Requests are form
// parameters (Action=...&Version=...&Name.member.1=...), decoded here into the same JSON-by-member-
// name documents the JSON services get; replies and errors are XML documents written from the
// output shape.
#include <nlohmann/json.hpp>
#include <string>

#include "api/protocol/form.hpp"
#include "api/protocol/model.hpp"

namespace ecslocal::api::protocol {

enum class QueryDialect { Query, Ec2 };

QueryDialect dialect_of(const ServiceModel& model);

struct QueryInputRules {
  QueryDialect dialect = QueryDialect::Query;
  std::string validation_error_code = "ValidationError";  // for values that do not convert
  bool camel_case_paths = true;                            // "roleName" in messages, as IAM writes them
};

// Form parameters → JSON object by member name along `shape` (nullptr: no input). Parameters the
// shape does not name are ignored, as AWS does. Booleans, numbers and timestamps are converted
// (timestamps to epoch seconds); a value that does not convert throws AwsError.
nlohmann::json decode_query_input(const Shape* shape, const FormParams& params, const QueryInputRules& rules);

// The reply document of `op` from its (already shaped) output:
// query: <OpResponse xmlns=ns><OpResult>...</OpResult><ResponseMetadata><RequestId>..
// ec2:   <OpResponse xmlns=ns><requestId>..</requestId>...members...</OpResponse>
std::string encode_query_response(const ServiceModel& model, const Operation& op, const nlohmann::json& output,
                                  const std::string& request_id);

struct QueryErrorInfo {
  std::string code, message;
  bool sender_fault = true;
};

// query: <ErrorResponse xmlns=ns><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error>
//        <RequestId>..</RequestId></ErrorResponse>
// ec2:   <Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors><RequestID>..
std::string encode_query_error(QueryDialect dialect, const std::string& xml_namespace, const QueryErrorInfo& error,
                               const std::string& request_id);

// The namespace replies carry: the model's xmlNamespace, with EC2's trailing '/' as EC2 sends it.
std::string reply_namespace(const ServiceModel& model);

constexpr const char* kXmlContentType = "text/xml";

}  // namespace ecslocal::api::protocol
