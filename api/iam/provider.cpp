#include "api/iam/provider.hpp"

#include <stdexcept>

#include "api/iam/mapping.hpp"
#include "api/iam/snapshot.hpp"

namespace ecslocal::api::iam {

IamProvider::IamProvider(std::shared_ptr<IdSource> ids) : ids_(std::move(ids)) {
  register_role_operations(*this, table_);
  register_role_policy_operations(*this, table_);
  register_policy_operations(*this, table_);
}

const protocol::ServiceModel& IamProvider::model() const { return protocol::ServiceModel::get("iam"); }

void IamProvider::provide(Ports& ports) { ports.provide<RoleDirectory>(this); }

std::optional<RoleInfo> IamProvider::find_role(const std::string& account_id, const std::string& name) const {
  const IamState* state = store_.find(account_id);
  if (!state) return std::nullopt;
  auto it = state->roles.find(lower(name));
  if (it == state->roles.end()) return std::nullopt;
  const Role& r = it->second;
  return RoleInfo{r.name, r.path, r.id, r.arn, r.max_session_duration};
}

Json IamProvider::snapshot() const { return snapshot_iam(store_); }
void IamProvider::restore(const Json& snapshot) { restore_iam(store_, snapshot); }

// Roles (with their policies' names) and customer managed policies of each account.
Json IamProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string&, const IamState& state) {
    if (!query.account_id.empty() && query.account_id != account) return;
    Json roles = Json::array(), policies = Json::array();
    for (const auto& [key, role] : state.roles) {
      Json r = role_to_json(role, true);
      r["AttachedPolicyArns"] = role.attached_policy_arns;
      Json names = Json::array();
      for (const auto& [name, doc] : role.inline_policies) names.push_back(name);
      r["InlinePolicyNames"] = std::move(names);
      roles.push_back(std::move(r));
    }
    for (const auto& [key, policy] : state.policies)
      policies.push_back(policy_to_json(policy, state.attachment_count(policy.arn), true));
    out.push_back({{"account", account}, {"roles", std::move(roles)}, {"policies", std::move(policies)}});
  });
  return out;
}

}  // namespace ecslocal::api::iam
