#pragma once
// AWS Secrets Manager (JSON 1.1, secretsmanager): secrets with versions and staging labels,
// scheduled deletion and restore, tags, random passwords. Offers the SecretResolver for ECS
// `secrets` given as a Secrets Manager ARN, with the agent's ":json-key:version-stage:version-id"
// suffix. Handlers live in secret_ops (lifecycle and values), query_ops (describe, list,
// versions, tags) and password_ops.
#include <memory>
#include <string>

#include "api/common/ids.hpp"
#include "api/ports/ports.hpp"
#include "api/ports/secret_resolver.hpp"
#include "api/secretsmanager/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::secretsmanager {

class SecretsManagerProvider : public Service, public SecretResolver {
 public:
  explicit SecretsManagerProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "secretsmanager"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override { ports.provide<SecretResolver>(this); }
  void tick(Clock::time_point now) override;  // purges secrets whose deletion date has come
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { store_.clear(); }

  // ---- SecretResolver ----
  bool serves(std::string_view value_from) const override;
  SecretValue resolve(const SecretReference& reference) const override;

  // The state of the request's account and region, purged as of the request's time.
  SecretsState& state(const RequestContext& ctx);
  // The secret `input`'s SecretId names (ARN or name) in the request's account and region;
  // ResourceNotFoundException when there is none.
  Secret& existing(const RequestContext& ctx, const Json& input);
  SecretsStore& store() { return store_; }
  IdSource& ids() { return *ids_; }
  // The 6-character ARN suffix.
  std::string arn_suffix();

 private:
  std::shared_ptr<IdSource> ids_;
  mutable SecretsStore store_;
  OperationTable table_;
};

void register_secret_operations(SecretsManagerProvider& provider, OperationTable& table);
void register_query_operations(SecretsManagerProvider& provider, OperationTable& table);
void register_password_operations(SecretsManagerProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::secretsmanager
