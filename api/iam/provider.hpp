#pragma once
// AWS Identity and Access Management: roles, their inline and attached policies, and managed
// policies (the customer's and AWS's). Global: one state per account, whatever the region.
// Stored and described; nothing is enforced. Handlers are named like the operation.
#include <memory>

#include "api/common/ids.hpp"
#include "api/iam/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::iam {

class IamProvider : public Service {
 public:
  explicit IamProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "iam"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  void reset() override { store_.clear(); }
  std::string validation_error_code() const override { return "ValidationError"; }

  IamState& state(const RequestContext& ctx) { return store_.at(ctx.account_id); }
  // For STS: the role of that name in that account, if any.
  const Role* find_role(const std::string& account_id, const std::string& role_name);
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
