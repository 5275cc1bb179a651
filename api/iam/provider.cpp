#include "api/iam/provider.hpp"

namespace ecslocal::api::iam {

IamProvider::IamProvider(std::shared_ptr<IdSource> ids) : ids_(std::move(ids)) {
  register_role_operations(*this, table_);
  register_role_policy_operations(*this, table_);
  register_policy_operations(*this, table_);
}

const protocol::ServiceModel& IamProvider::model() const { return protocol::ServiceModel::get("iam"); }

const Role* IamProvider::find_role(const std::string& account_id, const std::string& role_name) {
  IamState* state = store_.find(account_id);
  return state ? state->find_role(role_name) : nullptr;
}

}  // namespace ecslocal::api::iam
