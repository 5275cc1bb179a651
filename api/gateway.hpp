#pragma once
// The protocol boundary of api/: one pipeline for every protocol.
//
//   decode (I/O side, any thread, touches no state): the codec that recognizes the request finds
//          service and operation, parses the input and checks it against the model;
//   invoke (state strand): the account is resolved, the handler runs;
//   encode (I/O side): the output is shaped by the model and encoded, or the error is.
//
// AwsError is caught here and nowhere else. In strict mode (tests), a response outside the model
// or an error code the operation cannot answer is a ServerException: a bug of ours, made loud.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/ports/ports.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/protocol/codec.hpp"
#include "api/protocol/wire.hpp"
#include "api/service.hpp"

namespace ecslocal::api {

struct GatewayOptions {
  std::string default_account_id = "000000000000";
  std::string default_region = "us-east-1";
  bool strict_shapes = false;  // tests: a response outside the model is a ServerException
  std::function<Clock::time_point()> clock = [] { return Clock::now(); };  // RequestContext::now
};

// One request on its way through the pipeline.
struct Call {
  const protocol::Codec* codec = nullptr;
  protocol::Route route;
  Json input;
  std::string access_key, region, request_id, host;
  std::optional<AwsError> error;  // set by whichever step failed; the rest is skipped
  Json output;                    // set by invoke
};

class Gateway {
 public:
  explicit Gateway(GatewayOptions options);
  // Adds a service (before any request). Throws std::logic_error when its table names an
  // operation its model does not have.
  void add(std::shared_ptr<Service> service);
  // Wires the services through `ports` (provide, then connect), once, after every add().
  void connect(Ports& ports);

  // Accounts of access keys ecslocal issued itself (STS temporary credentials); other keys map
  // by account_for_access_key. Called on the state strand.
  using AccessKeyAccounts = std::function<std::optional<std::string>(const std::string& access_key)>;
  void set_access_key_accounts(AccessKeyAccounts resolver) { access_key_accounts_ = std::move(resolver); }

  Call decode(ApiRequest request) const;  // I/O side
  void invoke(Call& call) const;          // state strand
  ApiResponse encode(Call& call) const;   // I/O side
  ApiResponse handle(ApiRequest request) const;  // the three in a row (tests, single thread)

  // ---- the lifecycle, for every service (state strand) ----
  void tick(Clock::time_point now);
  void reset();
  Json snapshot() const;              // {"<service>": <its snapshot>, ...}
  void restore(const Json& snapshot);  // services absent from the document keep their state
  Json state_view(const StateViewQuery& query) const;  // {"<service>": <its view>, ...}

  std::vector<std::string> service_names() const;  // in the order added (health route)
  const std::vector<std::shared_ptr<Service>>& services() const { return services_; }
  const GatewayOptions& options() const { return options_; }
  Clock::time_point now() const { return options_.clock(); }

 private:
  RequestContext context_for(const Call& call) const;

  GatewayOptions options_;
  std::vector<std::shared_ptr<Service>> services_;
  AccessKeyAccounts access_key_accounts_;
};

// The account a request acts in: a 12-digit access key id is the account, as LocalStack does.
std::string account_for_access_key(const std::string& access_key, const std::string& fallback);

// Whether `code` may answer `operation` of `service`: one of the operation's modelled errors,
// the service's validation error, or an error any operation of the protocol may answer.
bool error_is_modelled(const Service& service, const protocol::Operation& operation, const std::string& code);

}  // namespace ecslocal::api
