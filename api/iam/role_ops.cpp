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
    throw AwsError("ValidationError", "The requested MaxSessionDuration is outside the allowed range of 3600 to 43200 seconds.");
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
  if (merged.size() > kMaxTags) throw limit_exceeded("The number of tags has reached the maximum limit.");
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
  if (state.find_role(r.role_name)) throw entity_already_exists("Role with name " + r.role_name + " already exists.");
  Role role;
  role.name = r.role_name;
  role.path = path;
  role.id = iam_unique_id(provider.ids(), "AROA");
  role.arn = "arn:aws:iam::" + ctx.account_id + ":role" + path + r.role_name;
  role.description = r.description.value_or("");
  role.assume_role_policy = *r.assume_role_policy;
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
  for (const auto& [_, role] : provider.state(ctx).roles)
    if (role.path.rfind(prefix, 0) == 0) roles.push_back(&role);
  return list_roles_response(roles, iam_page(roles.size(), r));
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
  if (!role.attached_policy_arns.empty()) throw delete_conflict("Cannot delete entity, must detach all policies first.");
  if (!role.inline_policies.empty()) throw delete_conflict("Cannot delete entity, must delete policies first.");
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
  const Tags& tags = require_role(provider.state(ctx), r.role_name).tags;
  return list_role_tags_response(tags, iam_page(tags.size(), r));
}

}  // namespace

void register_role_operations(IamProvider& provider, OperationTable& table) {
  auto bind = [&provider](Json (*fn)(IamProvider&, const RequestContext&, Json&)) {
    return [&provider, fn](const RequestContext& ctx, Json& input) { return fn(provider, ctx, input); };
  };
  table["CreateRole"] = bind(create_role);
  table["GetRole"] = bind(get_role);
  table["ListRoles"] = bind(list_roles);
  table["UpdateRole"] = bind(update_role);
  table["UpdateAssumeRolePolicy"] = bind(update_assume_role_policy);
  table["DeleteRole"] = bind(delete_role);
  table["TagRole"] = bind(tag_role);
  table["UntagRole"] = bind(untag_role);
  table["ListRoleTags"] = bind(list_role_tags);
}

}  // namespace ecslocal::api::iam
