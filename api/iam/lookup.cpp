#include "api/iam/lookup.hpp"

#include "api/iam/managed_policies.hpp"
#include "api/iam/validation.hpp"

namespace ecslocal::api::iam {

Role& require_role(IamState& state, const std::string& name) {
  Role* role = state.find_role(name);
  if (!role) throw role_not_found(name);
  return *role;
}

Page iam_page(const std::vector<std::string>& keys, const IamRequest& request) {
  return paginate(keys, {request.marker, request.max_items, 100, 1000, "ValidationError"});
}

const ManagedPolicy* find_managed_policy(const IamState& state, const std::string& arn) {
  if (const ManagedPolicy* p = find_aws_managed_policy(arn)) return p;
  return state.find_local_policy_by_arn(arn);
}

void validate_policy_arn(const std::string& arn) {
  // arn:aws:iam::<account or "aws">:policy/<path/>name
  const std::string head = "arn:aws:iam::";
  const auto colon = arn.find(':', head.size());
  if (arn.rfind(head, 0) != 0 || colon == std::string::npos || arn.compare(colon + 1, 7, "policy/") != 0 ||
      arn.size() <= colon + 8)
    throw InvalidInputException("ARN " + arn + " is not valid.");
}

}  // namespace ecslocal::api::iam
