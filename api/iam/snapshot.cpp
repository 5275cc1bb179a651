#include "api/iam/snapshot.hpp"

#include <stdexcept>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::iam {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_FIELDS(Role, name, path, id, arn, description, assume_role_policy, permissions_boundary_arn,
                         max_session_duration, created, tags, attached_policy_arns, inline_policies)
ECSLOCAL_SNAPSHOT_FIELDS(ManagedPolicy, name, path, id, arn, description, document, created, updated, tags, aws_managed)

namespace {

template <typename T>
void check_keys(const std::map<std::string, T>& items, const char* what) {
  for (const auto& [key, item] : items)
    if (item.name.empty() || key != lower(item.name))
      throw std::runtime_error(std::string(what) + " stored under '" + key + "' is named '" + item.name + "'");
}

}  // namespace

Json snapshot_state(const IamState& state) { return Json{{"roles", state.roles}, {"policies", state.policies}}; }

void restore_state(IamState& state, const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("an IAM state must be an object");
  IamState fresh;
  if (auto roles = snapshot.find("roles"); roles != snapshot.end()) roles->get_to(fresh.roles);
  if (auto policies = snapshot.find("policies"); policies != snapshot.end()) policies->get_to(fresh.policies);
  check_keys(fresh.roles, "a role");
  check_keys(fresh.policies, "a policy");
  state = std::move(fresh);
}

Json snapshot_iam(const IamStore& store) {
  return snap::document(
      "iam", Json{{"states", snap::states_to_json(store, [](const IamState& s) { return snapshot_state(s); })}});
}

void restore_iam(IamStore& store, const Json& snapshot) {
  snap::check_document("iam", snapshot);
  auto states = snap::states_from_json<IamState>("iam", snap::array_member(snapshot, "states"),
                                                 [](IamState& s, const Json& j) { restore_state(s, j); });
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::iam
