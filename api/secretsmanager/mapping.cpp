#include "api/secretsmanager/mapping.hpp"

#include "api/common/time.hpp"

namespace ecslocal::api::secretsmanager {

Json tags_json(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

Json secret_json(const Secret& s, bool list_entry) {
  Json out{{"ARN", s.arn}, {"Name", s.name}, {"LastChangedDate", epoch_seconds(s.last_changed)},
           {"CreatedDate", epoch_seconds(s.created)}};
  if (!s.description.empty()) out["Description"] = s.description;
  if (!s.kms_key_id.empty()) out["KmsKeyId"] = s.kms_key_id;
  if (!list_entry) out["RotationEnabled"] = false;
  if (s.last_accessed) out["LastAccessedDate"] = epoch_seconds(*s.last_accessed);
  if (s.deleted_at) out["DeletedDate"] = epoch_seconds(*s.deleted_at);
  if (!s.tags.empty()) out["Tags"] = tags_json(s.tags);
  Json stages = Json::object();
  for (const auto& [id, v] : s.versions)
    if (!v.stages.empty()) stages[id] = v.stages;
  out[list_entry ? "SecretVersionsToStages" : "VersionIdsToStages"] = std::move(stages);
  return out;
}

}  // namespace ecslocal::api::secretsmanager
