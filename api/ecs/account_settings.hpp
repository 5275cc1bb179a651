#pragma once
// ECS account settings of one account in one region: explicit values per principal (IAM user,
// role or the account's root user) over AWS's built-in defaults.
//
// Resolution for a principal: its own explicit value, else the root user's (PutAccountSettingDefault
// sets the root user's value, which is the default for every user and role), else the built-in
// default. ecslocal does not model IAM identities: the caller is always the root user
// (arn:aws:iam::<account>:root), so PutAccountSetting without principalArn sets the account default.
//
// Built-in defaults (what a new AWS account sees today): serviceLongArnFormat,
// taskLongArnFormat, containerInstanceLongArnFormat "enabled"; awsvpcTrunking "disabled";
// containerInsights "disabled". Names newer than the model on this machine (fargateFIPSMode
// "disabled", tagResourceAuthorization "on", fargateTaskRetirementWaitPeriod "7",
// guardDutyActivate "off") are known too, for when the model grows them.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct AccountSetting {
  std::string name;
  std::string value;
  std::string principal_arn;
};

class AccountSettings {
 public:
  std::optional<std::string> explicit_value(const std::string& principal_arn, const std::string& name) const;
  void put(const std::string& principal_arn, const std::string& name, const std::string& value);
  // Removes the explicit value; returns it when there was one.
  std::optional<std::string> erase(const std::string& principal_arn, const std::string& name);

  // The value in force for `principal_arn` and where it comes from (principal_arn of the result is
  // the principal itself when it has its own value, else `root_arn`).
  AccountSetting effective(const std::string& principal_arn, const std::string& root_arn, const std::string& name) const;
  // Explicit values of one principal, ordered by name.
  std::vector<AccountSetting> explicit_settings(const std::string& principal_arn) const;
  // Every explicit value: principal → name → value (snapshots).
  const std::map<std::string, std::map<std::string, std::string>>& all() const { return by_principal_; }

 private:
  std::map<std::string, std::map<std::string, std::string>> by_principal_;  // principal → name → value
};

// Setting names, from the model's SettingName enum, sorted by name.
const std::vector<std::string>& account_setting_names();
std::string builtin_account_setting_default(const std::string& name);
// Throws InvalidParameterException when `value` is not one the setting accepts.
void validate_account_setting_value(const std::string& name, const std::string& value);

std::string root_principal_arn(const RequestContext& ctx);
// principalArn as given (checked: an IAM root, user or role ARN of the caller's account), or the
// caller (root) when absent. Throws InvalidParameterException.
std::string principal_or_caller(const RequestContext& ctx, const std::optional<std::string>& principal_arn);

// --- wire form ---

// The members of PutAccountSetting(Default), DeleteAccountSetting and ListAccountSettings requests.
struct AccountSettingRequest {
  std::optional<std::string> name, value, principal_arn, next_token;
  std::optional<long long> max_results;
  bool effective_settings = false;
};
AccountSettingRequest account_setting_request_from_json(const Json& input);
Json setting_response(const AccountSetting& setting);  // {"setting": {...}}
Json settings_page_response(const std::vector<AccountSetting>& settings, const std::optional<std::string>& next_token);

// containerInsights as new clusters of this account inherit it.
std::string container_insights_default(const AccountSettings& settings, const RequestContext& ctx);

}  // namespace ecslocal::api::ecs
