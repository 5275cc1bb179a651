#include "api/iam/model.hpp"

#include <algorithm>
#include <cctype>

namespace ecslocal::api::iam {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

Role* IamState::find_role(const std::string& name) {
  auto it = roles.find(lower(name));
  return it == roles.end() ? nullptr : &it->second;
}

const ManagedPolicy* IamState::find_local_policy_by_arn(const std::string& arn) const {
  for (const auto& [_, policy] : policies)
    if (policy.arn == arn) return &policy;
  return nullptr;
}

int IamState::attachment_count(const std::string& arn) const {
  int count = 0;
  for (const auto& [_, role] : roles)
    count += static_cast<int>(std::count(role.attached_policy_arns.begin(), role.attached_policy_arns.end(), arn));
  return count;
}

}  // namespace ecslocal::api::iam
