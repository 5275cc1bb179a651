#pragma once
// AWS Security Token Service: GetCallerIdentity and AssumeRole. Temporary credentials are
// remembered so that requests signed with them act as the assumed role, in the role's account.
// Roles are looked up in IAM (when given) so AssumeRole of a missing role is refused as AWS does.
#include <memory>
#include <optional>

#include "api/common/ids.hpp"
#include "api/iam/provider.hpp"
#include "api/service.hpp"
#include "api/sts/sessions.hpp"

namespace ecslocal::api::sts {

class StsProvider : public Service {
 public:
  explicit StsProvider(std::shared_ptr<iam::IamProvider> iam, std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "sts"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  void reset() override { sessions_.clear(); }
  std::string validation_error_code() const override { return "ValidationError"; }

  // The account of a temporary access key AssumeRole issued; nullopt for any other key.
  std::optional<std::string> account_for_access_key(const std::string& access_key) const;

  SessionRegistry& sessions() { return sessions_; }
  iam::IamProvider* iam() const { return iam_.get(); }
  IdSource& ids() { return *ids_; }

 private:
  std::shared_ptr<iam::IamProvider> iam_;
  std::shared_ptr<IdSource> ids_;
  SessionRegistry sessions_;
  OperationTable table_;
};

void register_sts_operations(StsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::sts
