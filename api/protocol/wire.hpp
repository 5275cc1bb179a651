#pragma once
// A request as the protocol layer sees it (the parts of the HTTP message that matter for AWS
// protocols, already read off the socket by the server), and the reply it makes.
#include <string>

namespace ecslocal::api {

struct ApiRequest {
  std::string method = "POST";
  std::string path = "/";       // request target before '?'
  std::string query_string;     // after '?' (query protocol GET requests)
  std::string target;           // X-Amz-Target
  std::string content_type;
  std::string smithy_protocol;  // smithy-protocol header (rpc-v2-cbor)
  std::string query_mode;       // x-amzn-query-mode header (JSON 1.0 services compatible with query)
  std::string content_encoding; // "gzip": the body is compressed (api/protocol/compression.hpp)
  std::string body;
  std::string signing_service;  // SigV4 credential scope, may be empty
  std::string region;           // SigV4 credential scope, may be empty
  std::string access_key;       // SigV4 credential, may be empty
  std::string request_id;
  std::string host;             // Host header (ECS Exec's streamUrl names the address the client used)
};

struct ApiResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string error_type;   // empty on success; sent as X-Amzn-ErrorType too
  std::string query_error;  // x-amzn-query-error ("Code;Sender") for query-compatible services
  std::string smithy_protocol;  // smithy-protocol header of a CBOR reply ("rpc-v2-cbor")
  std::string service;      // for the access log
  std::string operation;
};

}  // namespace ecslocal::api
