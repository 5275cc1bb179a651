// Managed policies: CreatePolicy, GetPolicy, GetPolicyVersion, ListPolicyVersions, ListPolicies,
// DeletePolicy. AWS's own (arn:aws:iam::aws:policy/...) are present in every account, read-only.
#include <algorithm>

#include "api/iam/lookup.hpp"
#include "api/iam/managed_policies.hpp"
#include "api/iam/mapping.hpp"
#include "api/iam/provider.hpp"
#include "api/iam/validation.hpp"

namespace ecslocal::api::iam {
namespace {

const ManagedPolicy& require_policy(const IamState& state, const std::string& arn) {
  validate_policy_arn(arn);
  const ManagedPolicy* policy = find_managed_policy(state, arn);
  if (!policy) throw NoSuchEntityException("Policy " + arn + " was not found.");
  return *policy;
}

Json create_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  IamRequest r = iam_request_from_json(input);
  validate_name(r.policy_name, "policyName");
  const std::string path = r.path.value_or("/");
  validate_path(path, "path");
  validate_policy_document(r.policy_document);
  if (state.policies.count(lower(r.policy_name)))
    throw EntityAlreadyExistsException("A policy called " + r.policy_name + " already exists. Duplicate names are not allowed.");
  ManagedPolicy policy;
  policy.name = r.policy_name;
  policy.path = path;
  policy.id = iam_unique_id(provider.ids(), "ANPA");
  policy.arn = "arn:aws:iam::" + ctx.account_id + ":policy" + path + r.policy_name;
  policy.description = r.description.value_or("");
  policy.document = r.policy_document;
  policy.created = policy.updated = ctx.now;
  policy.tags = r.tags;
  const ManagedPolicy& stored = state.policies.emplace(lower(policy.name), std::move(policy)).first->second;
  return policy_response(stored, 0, true);
}

Json get_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  const ManagedPolicy& policy = require_policy(state, iam_request_from_json(input).policy_arn);
  return policy_response(policy, state.attachment_count(policy.arn), true);
}

Json get_policy_version(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  const ManagedPolicy& policy = require_policy(provider.state(ctx), r.policy_arn);
  if (r.version_id != "v1")
    throw NoSuchEntityException("Policy " + policy.arn + " version " + r.version_id + " does not exist or is not attachable.");
  return policy_version_response(policy);
}

Json list_policy_versions(IamProvider& provider, const RequestContext& ctx, Json& input) {
  return list_policy_versions_response(require_policy(provider.state(ctx), iam_request_from_json(input).policy_arn));
}

Json list_policies(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  IamRequest r = iam_request_from_json(input);
  const std::string scope = r.scope.value_or("All");
  const std::string prefix = r.path_prefix.value_or("/");
  std::vector<std::pair<const ManagedPolicy*, int>> listed;
  auto consider = [&](const ManagedPolicy& p) {
    const int count = state.attachment_count(p.arn);
    if (p.path.rfind(prefix, 0) != 0 || (r.only_attached && count == 0)) return;
    listed.emplace_back(&p, count);
  };
  if (scope != "Local")
    for (const auto& p : aws_managed_policies()) consider(p);
  if (scope != "AWS")
    for (const auto& [_, p] : state.policies) consider(p);
  auto key = [](const ManagedPolicy& p) { return lower(p.name) + '\x01' + p.arn; };
  std::sort(listed.begin(), listed.end(), [&](const auto& a, const auto& b) { return key(*a.first) < key(*b.first); });
  std::vector<std::string> keys;
  for (const auto& [p, count] : listed) keys.push_back(key(*p));
  return list_policies_response(listed, iam_page(keys, r));
}

Json delete_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  const ManagedPolicy& policy = require_policy(state, iam_request_from_json(input).policy_arn);
  if (policy.aws_managed) throw InvalidInputException("Policy " + policy.arn + " is an AWS managed policy and cannot be deleted.");
  if (state.attachment_count(policy.arn) > 0) throw DeleteConflictException("Cannot delete a policy attached to entities.");
  state.policies.erase(lower(policy.name));
  return Json::object();
}

}  // namespace

void register_policy_operations(IamProvider& provider, OperationTable& table) {
  bind_operation(table, "CreatePolicy", provider, create_policy);
  bind_operation(table, "GetPolicy", provider, get_policy);
  bind_operation(table, "GetPolicyVersion", provider, get_policy_version);
  bind_operation(table, "ListPolicyVersions", provider, list_policy_versions);
  bind_operation(table, "ListPolicies", provider, list_policies);
  bind_operation(table, "DeletePolicy", provider, delete_policy);
}

}  // namespace ecslocal::api::iam
