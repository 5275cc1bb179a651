// The policies of a role: AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies (managed
// policies) and PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy (inline ones).
#include <algorithm>

#include "api/iam/lookup.hpp"
#include "api/iam/mapping.hpp"
#include "api/iam/provider.hpp"
#include "api/iam/validation.hpp"

namespace ecslocal::api::iam {
namespace {

constexpr size_t kManagedPoliciesPerRole = 10;  // IAM's default quota
constexpr size_t kInlinePolicyBytesPerRole = 10240;



Json attach_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  IamRequest r = iam_request_from_json(input);
  validate_policy_arn(r.policy_arn);
  Role& role = require_role(state, r.role_name);
  if (!find_managed_policy(state, r.policy_arn))
    throw NoSuchEntityException("Policy " + r.policy_arn + " does not exist or is not attachable.");
  auto& attached = role.attached_policy_arns;
  if (std::find(attached.begin(), attached.end(), r.policy_arn) != attached.end()) return Json::object();
  if (attached.size() >= kManagedPoliciesPerRole)
    throw LimitExceededException("Cannot exceed quota for PoliciesPerRole: " + std::to_string(kManagedPoliciesPerRole));
  attached.push_back(r.policy_arn);
  return Json::object();
}

Json detach_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  validate_policy_arn(r.policy_arn);
  Role& role = require_role(provider.state(ctx), r.role_name);
  auto& attached = role.attached_policy_arns;
  auto it = std::find(attached.begin(), attached.end(), r.policy_arn);
  if (it == attached.end()) throw NoSuchEntityException("Policy " + r.policy_arn + " was not found.");
  attached.erase(it);
  return Json::object();
}

Json list_attached_role_policies(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  IamRequest r = iam_request_from_json(input);
  const Role& role = require_role(state, r.role_name);
  const std::string prefix = r.path_prefix.value_or("/");
  std::vector<std::pair<std::string, std::string>> listed;
  for (const auto& arn : role.attached_policy_arns) {
    const ManagedPolicy* p = find_managed_policy(state, arn);
    if (p && p->path.rfind(prefix, 0) == 0) listed.emplace_back(p->name, p->arn);
  }
  std::sort(listed.begin(), listed.end());  // by name, then ARN: the page keys
  std::vector<std::string> keys;
  for (const auto& [name, arn] : listed) keys.push_back(name + '\x01' + arn);
  return attached_policies_response(listed, iam_page(keys, r));
}

Json put_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  validate_name(r.role_name, "roleName");
  validate_name(r.policy_name, "policyName");
  Role& role = require_role(provider.state(ctx), r.role_name);
  validate_policy_document(r.policy_document);
  size_t total = r.policy_document.size();
  for (const auto& [name, doc] : role.inline_policies)
    if (name != r.policy_name) total += doc.size();
  if (total > kInlinePolicyBytesPerRole)
    throw LimitExceededException("Maximum policy size of " + std::to_string(kInlinePolicyBytesPerRole) + " bytes exceeded for role " + role.name);
  role.inline_policies[r.policy_name] = r.policy_document;
  return Json::object();
}

Json get_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  const Role& role = require_role(provider.state(ctx), r.role_name);
  auto it = role.inline_policies.find(r.policy_name);
  if (it == role.inline_policies.end())
    throw NoSuchEntityException("The role policy with name " + r.policy_name + " cannot be found.");
  return role_policy_response(role, it->first, it->second);
}

Json list_role_policies(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  const Role& role = require_role(provider.state(ctx), r.role_name);
  std::vector<std::string> names;
  for (const auto& [name, _] : role.inline_policies) names.push_back(name);
  return role_policy_names_response(names, iam_page(names, r));  // the map keeps them sorted
}

Json delete_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  Role& role = require_role(provider.state(ctx), r.role_name);
  if (role.inline_policies.erase(r.policy_name) == 0)
    throw NoSuchEntityException("The role policy with name " + r.policy_name + " cannot be found.");
  return Json::object();
}

}  // namespace

void register_role_policy_operations(IamProvider& provider, OperationTable& table) {
  bind_operation(table, "AttachRolePolicy", provider, attach_role_policy);
  bind_operation(table, "DetachRolePolicy", provider, detach_role_policy);
  bind_operation(table, "ListAttachedRolePolicies", provider, list_attached_role_policies);
  bind_operation(table, "PutRolePolicy", provider, put_role_policy);
  bind_operation(table, "GetRolePolicy", provider, get_role_policy);
  bind_operation(table, "ListRolePolicies", provider, list_role_policies);
  bind_operation(table, "DeleteRolePolicy", provider, delete_role_policy);
}

}  // namespace ecslocal::api::iam
