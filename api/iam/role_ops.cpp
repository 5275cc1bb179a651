// CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy, DeleteRole, TagRole,
// UntagRole, ListRoleTags.
#include <algorithm>

#include "api/iam/lookup.hpp"
#include "api/iam/mapping.hpp"
#include "api/iam/provider.hpp"
#include "api/iam/validation.hpp"

namespace ecslocal::api::iam {
namespace {

constexpr size_t kMaxTags = 50;



void check_max_session_duration(const std::optional<int>& seconds) {
  // The model says 3600-43200 already; kept here so the rule is visible where it applies.
  if (seconds && (*seconds < 3600 || *seconds > 43200))
    throw validation_error("The requested MaxSessionDuration is outside the allowed range of 3600 to 43200 seconds.");
}

// Tags with the same key replace the old value; the result may hold at most 50.
void merge_tags(Tags& tags, const Tags& added) {
  Tags merged = tags;
  for (const auto& [k, v] : added) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& t) { return t.first == k; });
    if (it != merged.end())
      it->second = v;
    else
      merged.emplace_back(k, v);
  }
  if (merged.size() > kMaxTags) throw LimitExceededException("The number of tags has reached the maximum limit.");
  tags = std::move(merged);
}

Json create_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  IamRequest r = iam_request_from_json(input);
  validate_name(r.role_name, "roleName");
  const std::string path = r.path.value_or("/");
  validate_path(path, "path");
  check_max_session_duration(r.max_session_duration);
  validate_policy_document(r.assume_role_policy.value_or(""));
  if (r.permissions_boundary) {
    validate_policy_arn(*r.permissions_boundary);
    if (!find_managed_policy(state, *r.permissions_boundary))
      throw NoSuchEntityException("Scope ARN: " + *r.permissions_boundary + " does not exist or is not attachable.");
  }
  if (state.find_role(r.role_name)) throw EntityAlreadyExistsException("Role with name " + r.role_name + " already exists.");
  Role role;
  role.name = r.role_name;
  role.path = path;
  role.id = iam_unique_id(provider.ids(), "AROA");
  role.arn = "arn:aws:iam::" + ctx.account_id + ":role" + path + r.role_name;
  role.description = r.description.value_or("");
  role.assume_role_policy = *r.assume_role_policy;
  role.permissions_boundary_arn = r.permissions_boundary.value_or("");
  role.max_session_duration = r.max_session_duration.value_or(3600);
  role.created = ctx.now;
  merge_tags(role.tags, r.tags);
  Role& stored = state.roles.emplace(lower(role.name), std::move(role)).first->second;
  return role_response(stored);
}

Json get_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  return role_response(require_role(provider.state(ctx), iam_request_from_json(input).role_name));
}

Json list_roles(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  const std::string prefix = r.path_prefix.value_or("/");
  std::vector<const Role*> roles;
  std::vector<std::string> keys;  // the lower-cased names the map is sorted by
  for (const auto& [key, role] : provider.state(ctx).roles)
    if (role.path.rfind(prefix, 0) == 0) {
      roles.push_back(&role);
      keys.push_back(key);
    }
  return list_roles_response(roles, iam_page(keys, r));
}

Json update_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  Role& role = require_role(provider.state(ctx), r.role_name);
  check_max_session_duration(r.max_session_duration);
  if (r.description) role.description = *r.description;
  if (r.max_session_duration) role.max_session_duration = *r.max_session_duration;
  return Json::object();
}

Json update_assume_role_policy(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  Role& role = require_role(provider.state(ctx), r.role_name);
  validate_policy_document(r.policy_document);
  role.assume_role_policy = r.policy_document;
  return Json::object();
}

Json delete_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  Role& role = require_role(state, iam_request_from_json(input).role_name);
  if (!role.attached_policy_arns.empty()) throw DeleteConflictException("Cannot delete entity, must detach all policies first.");
  if (!role.inline_policies.empty()) throw DeleteConflictException("Cannot delete entity, must delete policies first.");
  state.roles.erase(lower(role.name));
  return Json::object();
}

Json tag_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  merge_tags(require_role(provider.state(ctx), r.role_name).tags, r.tags);
  return Json::object();
}

Json untag_role(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  Tags& tags = require_role(provider.state(ctx), r.role_name).tags;
  std::erase_if(tags, [&](const auto& t) { return std::find(r.tag_keys.begin(), r.tag_keys.end(), t.first) != r.tag_keys.end(); });
  return Json::object();
}

Json list_role_tags(IamProvider& provider, const RequestContext& ctx, Json& input) {
  IamRequest r = iam_request_from_json(input);
  Tags tags = require_role(provider.state(ctx), r.role_name).tags;
  std::sort(tags.begin(), tags.end());  // by key (unique): the page keys
  std::vector<std::string> keys;
  for (const auto& [key, value] : tags) keys.push_back(key);
  return list_role_tags_response(tags, iam_page(keys, r));
}

}  // namespace

void register_role_operations(IamProvider& provider, OperationTable& table) {
  bind_operation(table, "CreateRole", provider, create_role);
  bind_operation(table, "GetRole", provider, get_role);
  bind_operation(table, "ListRoles", provider, list_roles);
  bind_operation(table, "UpdateRole", provider, update_role);
  bind_operation(table, "UpdateAssumeRolePolicy", provider, update_assume_role_policy);
  bind_operation(table, "DeleteRole", provider, delete_role);
  bind_operation(table, "TagRole", provider, tag_role);
  bind_operation(table, "UntagRole", provider, untag_role);
  bind_operation(table, "ListRoleTags", provider, list_role_tags);
}

}  // namespace ecslocal::api::iam
