// ListAccountSettings, PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting.
// Rules and defaults: api/ecs/account_settings.hpp.
#include <algorithm>
#include <tuple>

#include "api/ecs/errors.hpp"
#include "api/common/pagination.hpp"
#include "api/ecs/account_settings.hpp"
#include "api/ecs/provider.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr long long kMaxSettingsPage = 10;  // ListAccountSettings maxResults: 1-10, default 10

std::vector<AccountSetting> listed_settings(const AccountSettings& settings, const RequestContext& ctx,
                                            const AccountSettingRequest& request) {
  const std::string principal = principal_or_caller(ctx, request.principal_arn);
  std::vector<AccountSetting> all;
  if (request.effective_settings) {
    for (const auto& name : account_setting_names())
      all.push_back(settings.effective(principal, root_principal_arn(ctx), name));
  } else {
    all = settings.explicit_settings(principal);
  }
  std::vector<AccountSetting> out;
  for (auto& setting : all) {
    if (request.name && setting.name != *request.name) continue;
    if (request.value && setting.value != *request.value) continue;
    out.push_back(std::move(setting));
  }
  return out;
}

Json list_account_settings(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto request = account_setting_request_from_json(input);
  if (request.value && !request.name)
    throw InvalidParameterException("A setting name must be given when filtering account settings by value.");
  auto settings = listed_settings(provider.state(ctx).account_settings, ctx, request);
  std::sort(settings.begin(), settings.end(), [](const AccountSetting& a, const AccountSetting& b) {
    return std::tie(a.name, a.principal_arn) < std::tie(b.name, b.principal_arn);
  });
  std::vector<std::string> keys;
  for (const auto& setting : settings) keys.push_back(setting.name + '\x01' + setting.principal_arn);
  Page page = paginate(keys, {request.next_token, request.max_results, kMaxSettingsPage, kMaxSettingsPage,
                              InvalidParameterException::kCode});
  std::vector<AccountSetting> slice(settings.begin() + static_cast<long>(page.begin), settings.begin() + static_cast<long>(page.end));
  return settings_page_response(slice, page.next_token);
}

Json put_setting(EcsProvider& provider, const RequestContext& ctx, const AccountSettingRequest& request,
                 const std::string& principal) {
  const std::string& name = request.name.value();
  const std::string& value = request.value.value();
  validate_account_setting_value(name, value);
  provider.state(ctx).account_settings.put(principal, name, value);
  return setting_response({name, value, principal});
}

Json put_account_setting(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto request = account_setting_request_from_json(input);
  return put_setting(provider, ctx, request, principal_or_caller(ctx, request.principal_arn));
}

Json put_account_setting_default(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto request = account_setting_request_from_json(input);
  return put_setting(provider, ctx, request, root_principal_arn(ctx));
}

// Returns the value that was removed; when the principal had none, the value still in force.
Json delete_account_setting(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto request = account_setting_request_from_json(input);
  const std::string& name = request.name.value();
  const std::string principal = principal_or_caller(ctx, request.principal_arn);
  auto& settings = provider.state(ctx).account_settings;
  if (auto removed = settings.erase(principal, name)) return setting_response({name, *removed, principal});
  AccountSetting current = settings.effective(principal, root_principal_arn(ctx), name);
  return setting_response({name, current.value, principal});
}

}  // namespace

void register_account_setting_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "ListAccountSettings", provider, list_account_settings);
  bind_operation(table, "PutAccountSetting", provider, put_account_setting);
  bind_operation(table, "PutAccountSettingDefault", provider, put_account_setting_default);
  bind_operation(table, "DeleteAccountSetting", provider, delete_account_setting);
}

}  // namespace ecslocal::api::ecs
