#include "api/iam/mapping.hpp"

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"
#include "api/protocol/form.hpp"

namespace ecslocal::api::iam {
namespace {

using namespace json_read;

void add_paging(Json& out, const Page& page) {
  out["IsTruncated"] = page.next_token.has_value();
  if (page.next_token) out["Marker"] = *page.next_token;
}

Tags tags_from_json(const Json& input) {
  Tags tags;
  for (const auto& t : items(input, "Tags")) tags.emplace_back(string_or_empty(t, "Key"), string_or_empty(t, "Value"));
  return tags;
}

}  // namespace

IamRequest iam_request_from_json(const Json& input) {
  IamRequest r;
  r.role_name = string_or_empty(input, "RoleName");
  r.policy_name = string_or_empty(input, "PolicyName");
  r.policy_arn = string_or_empty(input, "PolicyArn");
  r.policy_document = string_or_empty(input, "PolicyDocument");
  r.version_id = string_or_empty(input, "VersionId");
  r.assume_role_policy = optional_string(input, "AssumeRolePolicyDocument");
  r.path = optional_string(input, "Path");
  r.path_prefix = optional_string(input, "PathPrefix");
  r.description = optional_string(input, "Description");
  r.marker = optional_string(input, "Marker");
  r.scope = optional_string(input, "Scope");
  r.max_items = optional_long(input, "MaxItems");
  r.max_session_duration = optional_int(input, "MaxSessionDuration");
  r.only_attached = flag(input, "OnlyAttached");
  r.tags = tags_from_json(input);
  r.tag_keys = strings(input, "TagKeys");
  return r;
}

Json tags_to_json(const Tags& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

Json role_to_json(const Role& role, bool with_tags) {
  Json out{{"Path", role.path},
           {"RoleName", role.name},
           {"RoleId", role.id},
           {"Arn", role.arn},
           {"CreateDate", epoch_seconds(role.created)},
           {"AssumeRolePolicyDocument", protocol::url_encode(role.assume_role_policy)},
           {"MaxSessionDuration", role.max_session_duration}};
  if (!role.description.empty()) out["Description"] = role.description;
  if (with_tags && !role.tags.empty()) out["Tags"] = tags_to_json(role.tags);
  return out;
}

Json policy_to_json(const ManagedPolicy& policy, int attachment_count, bool with_description) {
  Json out{{"PolicyName", policy.name},
           {"PolicyId", policy.id},
           {"Arn", policy.arn},
           {"Path", policy.path},
           {"DefaultVersionId", "v1"},
           {"AttachmentCount", attachment_count},
           {"PermissionsBoundaryUsageCount", 0},
           {"IsAttachable", true},
           {"CreateDate", epoch_seconds(policy.created)},
           {"UpdateDate", epoch_seconds(policy.updated)}};
  if (with_description && !policy.description.empty()) out["Description"] = policy.description;
  if (with_description && !policy.tags.empty()) out["Tags"] = tags_to_json(policy.tags);
  return out;
}

Json role_response(const Role& role) { return {{"Role", role_to_json(role, true)}}; }

Json list_roles_response(const std::vector<const Role*>& roles, const Page& page) {
  Json out{{"Roles", Json::array()}};
  for (size_t i = page.begin; i < page.end; ++i) out["Roles"].push_back(role_to_json(*roles[i], false));
  add_paging(out, page);
  return out;
}

Json list_role_tags_response(const Tags& tags, const Page& page) {
  Json out{{"Tags", tags_to_json(Tags(tags.begin() + page.begin, tags.begin() + page.end))}};
  add_paging(out, page);
  return out;
}

Json attached_policies_response(const std::vector<std::pair<std::string, std::string>>& name_arn, const Page& page) {
  Json out{{"AttachedPolicies", Json::array()}};
  for (size_t i = page.begin; i < page.end; ++i)
    out["AttachedPolicies"].push_back({{"PolicyName", name_arn[i].first}, {"PolicyArn", name_arn[i].second}});
  add_paging(out, page);
  return out;
}

Json role_policy_response(const Role& role, const std::string& name, const std::string& document) {
  return {{"RoleName", role.name}, {"PolicyName", name}, {"PolicyDocument", protocol::url_encode(document)}};
}

Json role_policy_names_response(const std::vector<std::string>& names, const Page& page) {
  Json out{{"PolicyNames", Json(std::vector<std::string>(names.begin() + page.begin, names.begin() + page.end))}};
  add_paging(out, page);
  return out;
}

Json policy_response(const ManagedPolicy& policy, int attachment_count, bool with_description) {
  return {{"Policy", policy_to_json(policy, attachment_count, with_description)}};
}

Json policy_version_response(const ManagedPolicy& policy) {
  return {{"PolicyVersion",
           {{"Document", protocol::url_encode(policy.document)},
            {"VersionId", "v1"},
            {"IsDefaultVersion", true},
            {"CreateDate", epoch_seconds(policy.created)}}}};
}

Json list_policy_versions_response(const ManagedPolicy& policy) {
  return {{"Versions", Json::array({{{"VersionId", "v1"}, {"IsDefaultVersion", true}, {"CreateDate", epoch_seconds(policy.created)}}})},
          {"IsTruncated", false}};
}

Json list_policies_response(const std::vector<std::pair<const ManagedPolicy*, int>>& policies, const Page& page) {
  Json out{{"Policies", Json::array()}};
  for (size_t i = page.begin; i < page.end; ++i)
    out["Policies"].push_back(policy_to_json(*policies[i].first, policies[i].second, false));
  add_paging(out, page);
  return out;
}

}  // namespace ecslocal::api::iam
