#pragma once
// AWS Systems Manager Parameter Store (JSON 1.1, AmazonSSM): parameters with versions, labels,
// SecureString (the KMS key id is recorded, values are kept as given), tiers, allowed patterns,
// paths, filters and tags. Offers the SecretResolver for ECS `secrets` given as a parameter name
// or an SSM parameter ARN. Handlers live in parameter_ops (write/read), query_ops (paths,
// describe, history, labels) and tag_ops.
#include <string>

#include "api/ports/ports.hpp"
#include "api/ports/secret_resolver.hpp"
#include "api/service.hpp"
#include "api/ssm/model.hpp"

namespace ecslocal::api {
class ExecSessions;
}

namespace ecslocal::api::ssm {

class SsmProvider : public Service, public SecretResolver {
 public:
  SsmProvider();

  std::string_view name() const override { return "ssm"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override { ports.provide<SecretResolver>(this); }
  void connect(Ports& ports) override { ports_ = &ports; }
  // ECS Exec's sessions (TerminateSession, ResumeSession), when the server offers them.
  ExecSessions* exec_sessions() const;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { store_.clear(); }

  // ---- SecretResolver: "name", "name:3", "arn:aws:ssm:<r>:<a>:parameter/name" ----
  bool serves(std::string_view value_from) const override;
  SecretValue resolve(const SecretReference& reference) const override;

  SsmState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  SsmStore& store() { return store_; }

 private:
  mutable SsmStore store_;
  OperationTable table_;
  Ports* ports_ = nullptr;
};

void register_parameter_operations(SsmProvider& provider, OperationTable& table);
void register_query_operations(SsmProvider& provider, OperationTable& table);
void register_tag_operations(SsmProvider& provider, OperationTable& table);
void register_session_operations(SsmProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::ssm
