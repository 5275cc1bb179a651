#pragma once
// IAM's wire form: the only file that spells IAM member names. Requests (already checked against
// the model by the gateway) become IamRequest; entities become response documents. Policy
// documents go out URL-encoded, as IAM sends them (botocore decodes them back).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/common/pagination.hpp"
#include "api/iam/model.hpp"

namespace ecslocal::api::iam {

using Json = nlohmann::json;

// The members IAM's role and policy operations take (each reads what it needs).
struct IamRequest {
  std::string role_name, policy_name, policy_arn, policy_document, version_id;
  std::optional<std::string> path, path_prefix, description, marker, scope, assume_role_policy;
  std::optional<long long> max_items;
  std::optional<int> max_session_duration;
  bool only_attached = false;
  Tags tags;
  std::vector<std::string> tag_keys;
};

IamRequest iam_request_from_json(const Json& input);

Json role_to_json(const Role& role, bool with_tags);
Json policy_to_json(const ManagedPolicy& policy, int attachment_count, bool with_description);
Json tags_to_json(const Tags& tags);

Json role_response(const Role& role);  // {"Role": ...}: CreateRole, GetRole
Json list_roles_response(const std::vector<const Role*>& roles, const Page& page);
Json list_role_tags_response(const Tags& tags, const Page& page);
Json attached_policies_response(const std::vector<std::pair<std::string, std::string>>& name_arn, const Page& page);
Json role_policy_response(const Role& role, const std::string& name, const std::string& document);
Json role_policy_names_response(const std::vector<std::string>& names, const Page& page);
Json policy_response(const ManagedPolicy& policy, int attachment_count, bool with_description);  // {"Policy": ...}
Json policy_version_response(const ManagedPolicy& policy);
Json list_policy_versions_response(const ManagedPolicy& policy);
Json list_policies_response(const std::vector<std::pair<const ManagedPolicy*, int>>& policies, const Page& page);

}  // namespace ecslocal::api::iam
