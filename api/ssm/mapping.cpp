#include "api/ssm/mapping.hpp"

#include "api/common/time.hpp"

namespace ecslocal::api::ssm {
namespace {

std::string shown_value(const ParameterVersion& v, bool decrypt) {
  return v.type == "SecureString" && !decrypt ? ciphertext(v) : v.value;
}

void common(Json& out, const Parameter& p, const ParameterVersion& v) {
  out["Name"] = p.name;
  out["Type"] = v.type;
  if (!v.key_id.empty()) out["KeyId"] = v.key_id;
  out["LastModifiedDate"] = epoch_seconds(v.modified);
  out["LastModifiedUser"] = v.last_modified_user;
  if (!v.description.empty()) out["Description"] = v.description;
  if (!v.allowed_pattern.empty()) out["AllowedPattern"] = v.allowed_pattern;
  out["Version"] = v.version;
  out["Tier"] = v.tier;
  out["Policies"] = Json::array();
  out["DataType"] = v.data_type;
}

}  // namespace

Json parameter_json(const RequestContext& ctx, const Parameter& p, const ParameterVersion& v, const std::string& name,
                    const std::string& selector, bool decrypt) {
  Json out{{"Name", name},
           {"Type", v.type},
           {"Value", shown_value(v, decrypt)},
           {"Version", v.version},
           {"LastModifiedDate", epoch_seconds(v.modified)},
           {"ARN", parameter_arn(ctx.account_id, ctx.region, p.name)},
           {"DataType", v.data_type}};
  if (!selector.empty()) out["Selector"] = selector;
  return out;
}

Json metadata_json(const Parameter& p) {
  Json out = Json::object();
  common(out, p, p.latest());
  return out;
}

Json history_json(const Parameter& p, const ParameterVersion& v, bool decrypt) {
  Json out = Json::object();
  common(out, p, v);
  out["Value"] = shown_value(v, decrypt);
  if (!v.labels.empty()) out["Labels"] = v.labels;  // ParameterLabelList has at least 1 item
  return out;
}

Json tag_list_json(const std::map<std::string, std::string>& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

}  // namespace ecslocal::api::ssm
