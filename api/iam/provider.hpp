#pragma once
// AWS Identity and Access Management: roles, their inline and attached policies, and managed
// policies (the customer's and AWS's). Global: one state per account, whatever the region.
// Stored and described; nothing is enforced. Handlers are named like the operation.
#include <memory>

#include "api/common/ids.hpp"
#include "api/iam/model.hpp"
#include "api/ports/identity.hpp"
#include "api/ports/ports.hpp"
#include "api/service.hpp"

namespace ecslocal::api::iam {

class IamProvider : public Service, public RoleDirectory {
 public:
  explicit IamProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "iam"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "ValidationError"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { store_.clear(); }

  // ---- RoleDirectory (STS, ECS task roles) ----
  std::optional<RoleInfo> find_role(const std::string& account_id, const std::string& name) const override;

  IamState& state(const RequestContext& ctx) { return store_.at(ctx.account_id); }
  IdSource& ids() { return *ids_; }

 private:
  std::shared_ptr<IdSource> ids_;
  IamStore store_;
  OperationTable table_;
};

void register_role_operations(IamProvider& provider, OperationTable& table);
void register_role_policy_operations(IamProvider& provider, OperationTable& table);
void register_policy_operations(IamProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::iam
