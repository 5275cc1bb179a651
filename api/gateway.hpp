#pragma once
// The protocol boundary of api/: takes a request already read off HTTP (headers of interest and
// body), finds service and operation, decodes, validates against the model, calls the handler,
// shapes the output and encodes the reply or the AWS error. The only place AwsError is caught.
// JSON 1.1: X-Amz-Target names service and operation. Query protocols: no X-Amz-Target, a form
// body (or query string) with Action=...; the service is the SigV4 scope's signing name, or,
// for unsigned requests, the first query service (in the order added) whose model has Action.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/service.hpp"

namespace ecslocal::api {

struct ApiRequest {
  std::string target;          // X-Amz-Target
  std::string content_type;
  std::string body;
  std::string query_string;     // after '?' of the request target (query protocol GET requests)
  std::string signing_service;  // SigV4 credential scope, may be empty
  std::string region;           // SigV4 credential scope, may be empty
  std::string access_key;       // SigV4 credential, may be empty
  std::string request_id;
};

struct ApiResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string query_string;     // after '?' of the request target (query protocol GET requests)
  std::string error_type;  // empty on success; sent as X-Amzn-ErrorType too
  std::string service;     // for the access log
  std::string operation;
};

struct GatewayOptions {
  std::string default_account_id = "000000000000";
  std::string default_region = "us-east-1";
  bool strict_shapes = false;  // tests: a response outside the model is a ServerException
};

class Gateway {
 public:
  explicit Gateway(GatewayOptions options);
  void add(std::shared_ptr<Service> service);
  // Accounts of access keys ecslocal issued itself (STS temporary credentials); other keys map
  // by account_for_access_key. Called on the state strand.
  using AccessKeyAccounts = std::function<std::optional<std::string>(const std::string& access_key)>;
  void set_access_key_accounts(AccessKeyAccounts resolver) { access_key_accounts_ = std::move(resolver); }
  ApiResponse handle(const ApiRequest& request) const;
  void reset();
  std::vector<std::string> service_names() const;  // in the order added (health route)
  const GatewayOptions& options() const { return options_; }

 private:
  ApiResponse handle_json(const Service& service, const std::string& operation, const ApiRequest& request,
                          RequestContext& ctx) const;
  // Query protocols (IAM, STS: query; EC2: ec2), in api/gateway_query.cpp.
  ApiResponse handle_query(const ApiRequest& request, RequestContext& ctx) const;
  const Service* query_service_for(const ApiRequest& request, const std::string& action) const;
  RequestContext context_for(const ApiRequest& request) const;

  GatewayOptions options_;
  std::vector<std::shared_ptr<Service>> services_;
  AccessKeyAccounts access_key_accounts_;
};

// The account a request acts in: a 12-digit access key id is the account, as LocalStack does.
std::string account_for_access_key(const std::string& access_key, const std::string& fallback);

}  // namespace ecslocal::api
