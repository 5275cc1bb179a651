#include "api/ecs/errors.hpp"
#include "api/ecs/account_settings.hpp"

#include <algorithm>

#include "api/ecs/arn.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/protocol/model.hpp"

namespace ecslocal::api::ecs {
namespace {


struct SettingRule {
  std::string default_value;
  std::vector<std::string> allowed;
};

const std::map<std::string, SettingRule>& rules() {
  static const std::map<std::string, SettingRule> table = {
      {"serviceLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"taskLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"containerInstanceLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"awsvpcTrunking", {"disabled", {"enabled", "disabled"}}},
      {"containerInsights", {"disabled", {"enabled", "disabled", "enhanced"}}},
      {"fargateFIPSMode", {"disabled", {"enabled", "disabled"}}},
      {"tagResourceAuthorization", {"on", {"on", "off"}}},
      {"fargateTaskRetirementWaitPeriod", {"7", {"0", "7", "14"}}},
      {"guardDutyActivate", {"off", {"on", "off"}}},
  };
  return table;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::optional<std::string> AccountSettings::explicit_value(const std::string& principal_arn,
                                                           const std::string& name) const {
  auto p = by_principal_.find(principal_arn);
  if (p == by_principal_.end()) return std::nullopt;
  auto s = p->second.find(name);
  if (s == p->second.end()) return std::nullopt;
  return s->second;
}

void AccountSettings::put(const std::string& principal_arn, const std::string& name, const std::string& value) {
  by_principal_[principal_arn][name] = value;
}

std::optional<std::string> AccountSettings::erase(const std::string& principal_arn, const std::string& name) {
  auto value = explicit_value(principal_arn, name);
  if (!value) return std::nullopt;
  auto p = by_principal_.find(principal_arn);
  p->second.erase(name);
  if (p->second.empty()) by_principal_.erase(p);
  return value;
}

AccountSetting AccountSettings::effective(const std::string& principal_arn, const std::string& root_arn,
                                          const std::string& name) const {
  if (auto own = explicit_value(principal_arn, name)) return {name, *own, principal_arn};
  if (auto root = explicit_value(root_arn, name)) return {name, *root, root_arn};
  return {name, builtin_account_setting_default(name), root_arn};
}

std::vector<AccountSetting> AccountSettings::explicit_settings(const std::string& principal_arn) const {
  std::vector<AccountSetting> out;
  auto p = by_principal_.find(principal_arn);
  if (p == by_principal_.end()) return out;
  for (const auto& [name, value] : p->second) out.push_back({name, value, principal_arn});
  return out;
}

const std::vector<std::string>& account_setting_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    if (const auto* shape = protocol::ServiceModel::get("ecs").find_shape("SettingName")) out = shape->enum_order;
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

std::string builtin_account_setting_default(const std::string& name) {
  auto it = rules().find(name);
  return it == rules().end() ? "disabled" : it->second.default_value;
}

void validate_account_setting_value(const std::string& name, const std::string& value) {
  auto it = rules().find(name);
  if (it == rules().end()) {
    if (value.empty()) throw InvalidParameterException("The value of the account setting " + name + " must not be empty.");
    return;
  }
  const auto& allowed = it->second.allowed;
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    throw InvalidParameterException("The value '" + value + "' is not valid for the account setting " + name +
                                 ". Valid values: " + join(allowed) + ".");
}

std::string root_principal_arn(const RequestContext& ctx) { return "arn:aws:iam::" + ctx.account_id + ":root"; }

std::string principal_or_caller(const RequestContext& ctx, const std::optional<std::string>& principal_arn) {
  if (!principal_arn) return root_principal_arn(ctx);
  auto arn = parse_arn(*principal_arn);
  auto is_identity = [](const std::string& r) {
    if (r == "root") return true;
    for (const char* prefix : {"user/", "role/"})
      if (r.rfind(prefix, 0) == 0 && r.size() > std::string(prefix).size()) return true;
    return false;
  };
  if (!arn || arn->partition != "aws" || arn->service != "iam" || !arn->region.empty() || !is_identity(arn->resource))
    throw InvalidParameterException("Invalid principalArn '" + *principal_arn +
                                 "'. Specify the ARN of an IAM user, an IAM role or the root user of your account.");
  if (arn->account != ctx.account_id)
    throw InvalidParameterException("The principal " + *principal_arn + " does not belong to your account " + ctx.account_id + ".");
  return *principal_arn;
}

AccountSettingRequest account_setting_request_from_json(const Json& input) {
  AccountSettingRequest request;
  auto text = [&](const char* member) -> std::optional<std::string> {
    if (input.contains(member) && input[member].is_string()) return input[member].get<std::string>();
    return std::nullopt;
  };
  request.name = text("name");
  request.value = text("value");
  request.principal_arn = text("principalArn");
  request.next_token = text("nextToken");
  if (input.contains("maxResults") && input["maxResults"].is_number_integer())
    request.max_results = input["maxResults"].get<long long>();
  request.effective_settings = input.value("effectiveSettings", false);
  return request;
}

namespace {
Json setting_to_json(const AccountSetting& setting) {
  return {{"name", setting.name}, {"value", setting.value}, {"principalArn", setting.principal_arn}};
}
}  // namespace

Json setting_response(const AccountSetting& setting) { return {{"setting", setting_to_json(setting)}}; }

Json settings_page_response(const std::vector<AccountSetting>& settings, const std::optional<std::string>& next_token) {
  Json out = {{"settings", Json::array()}};
  for (const auto& setting : settings) out["settings"].push_back(setting_to_json(setting));
  if (next_token) out["nextToken"] = *next_token;
  return out;
}

std::string container_insights_default(const AccountSettings& settings, const RequestContext& ctx) {
  const std::string root = root_principal_arn(ctx);
  return settings.effective(root, root, "containerInsights").value;
}

}  // namespace ecslocal::api::ecs
