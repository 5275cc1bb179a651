#pragma once
// AWS Security Token Service: GetCallerIdentity and AssumeRole. Temporary credentials are
// remembered so that requests signed with them act as the assumed role, in the role's account.
// Roles are looked up through IAM's RoleDirectory (when there is one) so AssumeRole of a missing
// role is refused as AWS does. Offers the CredentialDirectory the gateway resolves accounts with.
#include <memory>
#include <optional>

#include "api/common/ids.hpp"
#include "api/ports/identity.hpp"
#include "api/ports/ports.hpp"
#include "api/service.hpp"
#include "api/sts/sessions.hpp"

namespace ecslocal::api::sts {

class StsProvider : public Service, public CredentialDirectory, public RoleCredentialIssuer {
 public:
  explicit StsProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "sts"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "ValidationError"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override {
    ports.provide<CredentialDirectory>(this);
    ports.provide<RoleCredentialIssuer>(this);
  }
  void connect(Ports& ports) override { roles_ = ports.find<RoleDirectory>(); }
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { sessions_.clear(); }

  // ---- CredentialDirectory ----
  std::optional<IssuedIdentity> identity_of(const std::string& access_key_id) const override;

  // ---- RoleCredentialIssuer (ECS task roles): as AssumeRole, without the caller's checks ----
  RoleCredentials issue_role_credentials(const std::string& role_arn, const std::string& session_name,
                                         std::chrono::seconds duration, Clock::time_point now) override;

  // The account of a temporary access key AssumeRole issued; nullopt for any other key.
  std::optional<std::string> account_for_access_key(const std::string& access_key) const;

  SessionRegistry& sessions() { return sessions_; }
  const RoleDirectory* roles() const { return roles_; }
  void set_roles(const RoleDirectory* roles) { roles_ = roles; }  // unit tests
  IdSource& ids() { return *ids_; }

 private:
  const RoleDirectory* roles_ = nullptr;
  std::shared_ptr<IdSource> ids_;
  SessionRegistry sessions_;
  OperationTable table_;
};

void register_sts_operations(StsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::sts
