// ListAccountSettings, PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "api/protocol/model.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using testing::ApiHarness;
using testing::CallResult;
using testing::expect_error;

const std::string kRoot = "arn:aws:iam::000000000000:root";
const std::string kUser = "arn:aws:iam::000000000000:user/alice";
const std::string kRole = "arn:aws:iam::000000000000:role/deployer";

Json setting(const std::string& name, const std::string& value, const std::string& principal) {
  return Json{{"name", name}, {"value", value}, {"principalArn", principal}};
}

// Every setting of the model ecslocal is built from, with its default, sorted by name (the 2025
// model names four more than the awscli package's).
Json effective_defaults() {
  static const std::map<std::string, std::string> kDefaults = {
      {"awsvpcTrunking", "disabled"},       {"containerInsights", "disabled"},
      {"containerInstanceLongArnFormat", "enabled"}, {"fargateFIPSMode", "disabled"},
      {"fargateTaskRetirementWaitPeriod", "7"},      {"guardDutyActivate", "off"},
      {"serviceLongArnFormat", "enabled"},  {"tagResourceAuthorization", "on"},
      {"taskLongArnFormat", "enabled"}};
  const auto* names = protocol::ServiceModel::get("ecs").find_shape("SettingName");
  Json out = Json::array();
  for (const auto& [name, value] : kDefaults)
    if (names && names->enum_values.count(name)) out.push_back(setting(name, value, kRoot));
  return out;
}

class AccountSettingOpsTest : public ::testing::Test {
 protected:
  Json list(Json input = Json::object(), const std::string& key = "") {
    auto r = h.ecs("ListAccountSettings", input, key);
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.body;
  }
  ApiHarness h;
};

TEST_F(AccountSettingOpsTest, NothingIsSetOnANewAccount) {
  EXPECT_EQ(list(), Json::parse(R"({"settings":[]})"));
}

TEST_F(AccountSettingOpsTest, EffectiveSettingsShowTheDefaults) {
  Json body = list({{"effectiveSettings", true}});
  ASSERT_GE(effective_defaults().size(), 5u);
  EXPECT_EQ(body["settings"], effective_defaults());
  EXPECT_FALSE(body.contains("nextToken"));
}

TEST_F(AccountSettingOpsTest, PutAccountSettingWithoutPrincipalSetsTheCallersRootSetting) {
  auto r = h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body, Json({{"setting", setting("awsvpcTrunking", "enabled", kRoot)}}));
  EXPECT_EQ(list()["settings"], Json::array({setting("awsvpcTrunking", "enabled", kRoot)}));
  EXPECT_EQ(list({{"effectiveSettings", true}, {"name", "awsvpcTrunking"}})["settings"],
            Json::array({setting("awsvpcTrunking", "enabled", kRoot)}));
}

TEST_F(AccountSettingOpsTest, PrincipalsOverrideTheAccountDefault) {
  auto r = h.ecs("PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enabled"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["setting"], setting("containerInsights", "enabled", kRoot));
  r = h.ecs("PutAccountSetting", {{"name", "containerInsights"}, {"value", "disabled"}, {"principalArn", kUser}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["setting"], setting("containerInsights", "disabled", kUser));

  EXPECT_EQ(list({{"principalArn", kUser}})["settings"], Json::array({setting("containerInsights", "disabled", kUser)}));
  EXPECT_EQ(list({{"principalArn", kRole}})["settings"], Json::array());
  Json user = list({{"principalArn", kUser}, {"effectiveSettings", true}})["settings"];
  ASSERT_EQ(user.size(), effective_defaults().size());
  for (const auto& s : user) {
    if (s["name"] == "containerInsights") EXPECT_EQ(s, setting("containerInsights", "disabled", kUser));
    else EXPECT_EQ(s["principalArn"], kRoot) << s.dump();
  }
  EXPECT_NE(std::find(user.begin(), user.end(), setting("serviceLongArnFormat", "enabled", kRoot)), user.end());
  Json role = list({{"principalArn", kRole}, {"effectiveSettings", true}, {"name", "containerInsights"}})["settings"];
  EXPECT_EQ(role, Json::array({setting("containerInsights", "enabled", kRoot)}));
}

TEST_F(AccountSettingOpsTest, ListFiltersByNameAndValue) {
  h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"}});
  Json effective = {{"effectiveSettings", true}};
  effective["value"] = "enabled";
  effective["name"] = "taskLongArnFormat";
  EXPECT_EQ(list(effective)["settings"], Json::array({setting("taskLongArnFormat", "enabled", kRoot)}));
  effective["value"] = "disabled";
  EXPECT_EQ(list(effective)["settings"], Json::array());
  EXPECT_EQ(list({{"name", "awsvpcTrunking"}, {"value", "enabled"}})["settings"].size(), 1u);
  EXPECT_EQ(list({{"name", "containerInsights"}})["settings"], Json::array());
  expect_error(h.ecs("ListAccountSettings", {{"value", "enabled"}}), "InvalidParameterException");
  expect_error(h.ecs("ListAccountSettings", {{"name", "noSuchSetting"}}), "InvalidParameterException");
}

TEST_F(AccountSettingOpsTest, ListPaginatesWithMaxResultsUpToTen) {
  std::vector<std::string> names;
  Json input = {{"effectiveSettings", true}, {"maxResults", 2}};
  int pages = 0;
  for (; pages < 10; ++pages) {
    Json body = list(input);
    EXPECT_LE(body["settings"].size(), 2u);
    for (const auto& s : body["settings"]) names.push_back(s["name"].get<std::string>());
    if (!body.contains("nextToken")) break;
    input["nextToken"] = body["nextToken"];
  }
  const Json all = effective_defaults();
  EXPECT_EQ(pages, static_cast<int>((all.size() + 1) / 2) - 1);  // pages of 2, the last one shorter
  std::vector<std::string> expected;
  for (const auto& s : all) expected.push_back(s["name"].get<std::string>());
  EXPECT_EQ(names, expected);
  expect_error(h.ecs("ListAccountSettings", {{"maxResults", 0}}), "InvalidParameterException");
  expect_error(h.ecs("ListAccountSettings", {{"maxResults", 11}}), "InvalidParameterException");
  expect_error(h.ecs("ListAccountSettings", {{"nextToken", "nope"}}), "InvalidParameterException");
  EXPECT_EQ(list({{"effectiveSettings", true}, {"maxResults", 10}})["settings"].size(), all.size());
}

TEST_F(AccountSettingOpsTest, ValuesAndNamesAreValidated) {
  expect_error(h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "on"}}), "InvalidParameterException",
               "The value 'on' is not valid for the account setting awsvpcTrunking. Valid values: enabled, disabled.");
  expect_error(h.ecs("PutAccountSettingDefault", {{"name", "serviceLongArnFormat"}, {"value", ""}}), "InvalidParameterException");
  expect_error(h.ecs("PutAccountSetting", {{"name", "madeUp"}, {"value", "enabled"}}), "InvalidParameterException");
  expect_error(h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}}), "InvalidParameterException");
  expect_error(h.ecs("PutAccountSettingDefault", {{"value", "enabled"}}), "InvalidParameterException");
  expect_error(h.ecs("DeleteAccountSetting", Json::object()), "InvalidParameterException");
  EXPECT_TRUE(h.ecs("PutAccountSetting", {{"name", "containerInsights"}, {"value", "enhanced"}}).ok());
  EXPECT_EQ(list()["settings"], Json::array({setting("containerInsights", "enhanced", kRoot)}));
}

TEST_F(AccountSettingOpsTest, PrincipalArnsAreValidated) {
  for (const std::string& principal : std::vector<std::string>{
           "alice", "arn:aws:iam::000000000000:group/admins", "arn:aws:iam::000000000000:user/",
           "arn:aws:s3:::bucket", "arn:aws:iam:us-east-1:000000000000:root"}) {
    expect_error(h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"}, {"principalArn", principal}}),
                 "InvalidParameterException");
    expect_error(h.ecs("ListAccountSettings", {{"principalArn", principal}}), "InvalidParameterException");
    expect_error(h.ecs("DeleteAccountSetting", {{"name", "awsvpcTrunking"}, {"principalArn", principal}}),
                 "InvalidParameterException");
  }
  expect_error(h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"},
                                           {"principalArn", "arn:aws:iam::111111111111:root"}}),
               "InvalidParameterException");
  EXPECT_TRUE(h.ecs("PutAccountSetting", {{"name", "awsvpcTrunking"}, {"value", "enabled"}, {"principalArn", kRole}}).ok());
}

TEST_F(AccountSettingOpsTest, DeleteAccountSettingFallsBackToTheDefault) {
  h.ecs("PutAccountSetting", {{"name", "containerInsights"}, {"value", "enabled"}, {"principalArn", kUser}});
  auto r = h.ecs("DeleteAccountSetting", {{"name", "containerInsights"}, {"principalArn", kUser}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body, Json({{"setting", setting("containerInsights", "enabled", kUser)}}));
  EXPECT_EQ(list({{"principalArn", kUser}})["settings"], Json::array());
  EXPECT_EQ(list({{"principalArn", kUser}, {"effectiveSettings", true}, {"name", "containerInsights"}})["settings"][0],
            setting("containerInsights", "disabled", kRoot));

  h.ecs("PutAccountSettingDefault", {{"name", "awsvpcTrunking"}, {"value", "enabled"}});
  r = h.ecs("DeleteAccountSetting", {{"name", "awsvpcTrunking"}});
  EXPECT_EQ(r.body["setting"], setting("awsvpcTrunking", "enabled", kRoot));
  // Nothing set: the value in force is reported and nothing changes.
  r = h.ecs("DeleteAccountSetting", {{"name", "awsvpcTrunking"}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["setting"], setting("awsvpcTrunking", "disabled", kRoot));
}

TEST_F(AccountSettingOpsTest, AccountsAndRegionsAreIsolated) {
  auto r = h.ecs("PutAccountSettingDefault", {{"name", "awsvpcTrunking"}, {"value", "enabled"}}, "111111111111");
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["setting"]["principalArn"], "arn:aws:iam::111111111111:root");
  EXPECT_EQ(list(Json::object(), "111111111111")["settings"].size(), 1u);
  EXPECT_EQ(list()["settings"], Json::array());
  EXPECT_EQ(h.ecs("ListAccountSettings", Json::object(), "111111111111", "eu-west-1").body["settings"], Json::array());
}

}  // namespace
}  // namespace ecslocal::api::ecs
