// Secrets Manager through the gateway: ARNs with the 6-character suffix, SecretId forms, versions
// and staging labels (AWSCURRENT/AWSPREVIOUS), idempotent tokens, scheduled deletion and restore,
// filters and paging, tags, random passwords, snapshots and the SecretResolver port.
#include <gtest/gtest.h>

#include <regex>

#include "api/secretsmanager/provider.hpp"
#include "tests/unit/api/ssm/json_service_harness.hpp"

namespace ecslocal::api::secretsmanager {
namespace {

using testing::JsonServiceHarness;

constexpr const char* kToken1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* kToken2 = "22222222-2222-4222-8222-222222222222";
constexpr const char* kToken3 = "33333333-3333-4333-8333-333333333333";

class SecretsTest : public ::testing::Test {
 protected:
  std::shared_ptr<SecretsManagerProvider> provider = std::make_shared<SecretsManagerProvider>(std::make_shared<IdSource>(7));
  JsonServiceHarness h{"secretsmanager", provider};

  std::string create(const std::string& name, const std::string& value, const char* token = kToken1) {
    return h.ok("CreateSecret", {{"Name", name}, {"SecretString", value}, {"ClientRequestToken", token}})["ARN"];
  }
};

TEST_F(SecretsTest, CreateGivesAnArnWithASixCharacterSuffixAndAnyIdFormFindsIt) {
  auto out = h.ok("CreateSecret", {{"Name", "prod/db"}, {"SecretString", "pw"}, {"ClientRequestToken", kToken1}});
  const std::string arn = out["ARN"];
  EXPECT_TRUE(std::regex_match(arn, std::regex("arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-[A-Za-z0-9]{6}")))
      << arn;
  EXPECT_EQ(out["VersionId"], kToken1);
  for (const std::string& id : {arn, std::string("arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db"), std::string("prod/db")}) {
    auto v = h.ok("GetSecretValue", {{"SecretId", id}});
    EXPECT_EQ(v["SecretString"], "pw") << id;
    EXPECT_EQ(v["ARN"], arn);
    EXPECT_EQ(v["VersionStages"], (Json{"AWSCURRENT"}));
  }
  auto again = h.call("CreateSecret", {{"Name", "prod/db"}, {"SecretString", "x"}});
  EXPECT_EQ(again.error_type(), "ResourceExistsException");
  EXPECT_EQ(again.message(), "The operation failed because the secret prod/db already exists.");
  auto missing = h.call("GetSecretValue", {{"SecretId", "nope"}});
  EXPECT_EQ(missing.error_type(), "ResourceNotFoundException");
  EXPECT_EQ(missing.message(), "Secrets Manager can't find the specified secret.");
  EXPECT_EQ(h.fails("CreateSecret", {{"Name", "bad name!"}}), "InvalidParameterException");
  EXPECT_EQ(h.fails("CreateSecret", {{"Name", "both"}, {"SecretString", "a"}, {"SecretBinary", "Yg=="}}), "InvalidParameterException");
}

TEST_F(SecretsTest, SecretWithoutValueThenBinaryValue) {
  auto out = h.ok("CreateSecret", {{"Name", "empty"}});
  EXPECT_FALSE(out.contains("VersionId"));
  auto none = h.call("GetSecretValue", {{"SecretId", "empty"}});
  EXPECT_EQ(none.error_type(), "ResourceNotFoundException");
  EXPECT_EQ(none.message(), "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
  h.ok("PutSecretValue", {{"SecretId", "empty"}, {"SecretBinary", "AAEC"}, {"ClientRequestToken", kToken1}});
  auto v = h.ok("GetSecretValue", {{"SecretId", "empty"}});
  EXPECT_EQ(v["SecretBinary"], "AAEC");
  EXPECT_FALSE(v.contains("SecretString"));
}

TEST_F(SecretsTest, PutSecretValueMovesCurrentAndPrevious) {
  create("s", "one");
  auto second = h.ok("PutSecretValue", {{"SecretId", "s"}, {"SecretString", "two"}, {"ClientRequestToken", kToken2}});
  EXPECT_EQ(second["VersionStages"], (Json{"AWSCURRENT"}));
  h.ok("PutSecretValue", {{"SecretId", "s"}, {"SecretString", "three"}, {"ClientRequestToken", kToken3}});
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "s"}})["SecretString"], "three");
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "s"}, {"VersionStage", "AWSPREVIOUS"}})["SecretString"], "two");
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "s"}, {"VersionId", kToken1}})["SecretString"], "one");
  auto described = h.ok("DescribeSecret", {{"SecretId", "s"}});
  EXPECT_EQ(described["VersionIdsToStages"], (Json{{kToken2, {"AWSPREVIOUS"}}, {kToken3, {"AWSCURRENT"}}}));
  EXPECT_EQ(h.fails("GetSecretValue", {{"SecretId", "s"}, {"VersionId", kToken1}, {"VersionStage", "AWSCURRENT"}}),
            "InvalidRequestException");
  auto bad_id = h.call("GetSecretValue", {{"SecretId", "s"}, {"VersionId", "44444444-4444-4444-8444-444444444444"}});
  EXPECT_EQ(bad_id.message(),
            "Secrets Manager can't find the specified secret value for VersionId: 44444444-4444-4444-8444-444444444444");
  // The same token again: no-op with the same value, refused with another.
  EXPECT_EQ(h.ok("PutSecretValue", {{"SecretId", "s"}, {"SecretString", "three"}, {"ClientRequestToken", kToken3}})["VersionId"], kToken3);
  EXPECT_EQ(h.fails("PutSecretValue", {{"SecretId", "s"}, {"SecretString", "four"}, {"ClientRequestToken", kToken3}}),
            "ResourceExistsException");
  // Custom stage, then moving AWSCURRENT back by UpdateSecretVersionStage.
  h.ok("UpdateSecretVersionStage", {{"SecretId", "s"}, {"VersionStage", "AWSCURRENT"}, {"MoveToVersionId", kToken1},
                                    {"RemoveFromVersionId", kToken3}});
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "s"}})["SecretString"], "one");
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "s"}, {"VersionStage", "AWSPREVIOUS"}})["SecretString"], "three");
  EXPECT_EQ(h.fails("UpdateSecretVersionStage", {{"SecretId", "s"}, {"VersionStage", "AWSCURRENT"}, {"MoveToVersionId", kToken2}}),
            "InvalidParameterException");  // RemoveFromVersionId must name the current holder
  auto versions = h.ok("ListSecretVersionIds", {{"SecretId", "s"}});
  EXPECT_EQ(versions["Versions"].size(), 2u);  // the version with no label left is deprecated
  EXPECT_EQ(h.ok("ListSecretVersionIds", {{"SecretId", "s"}, {"IncludeDeprecated", true}})["Versions"].size(), 3u);
}

TEST_F(SecretsTest, UpdateSecretChangesMetadataAndOptionallyTheValue) {
  create("u", "v1");
  auto meta = h.ok("UpdateSecret", {{"SecretId", "u"}, {"Description", "the db"}});
  EXPECT_FALSE(meta.contains("VersionId"));
  auto valued = h.ok("UpdateSecret", {{"SecretId", "u"}, {"SecretString", "v2"}, {"ClientRequestToken", kToken2}});
  EXPECT_EQ(valued["VersionId"], kToken2);
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "u"}})["SecretString"], "v2");
  EXPECT_EQ(h.ok("DescribeSecret", {{"SecretId", "u"}})["Description"], "the db");
}

TEST_F(SecretsTest, DeleteScheduledRefusesAccessUntilRestoredAndPurgesAtTheDate) {
  create("d", "x");
  EXPECT_EQ(h.fails("DeleteSecret", {{"SecretId", "d"}, {"RecoveryWindowInDays", 7}, {"ForceDeleteWithoutRecovery", true}}),
            "InvalidParameterException");
  EXPECT_EQ(h.fails("DeleteSecret", {{"SecretId", "d"}, {"RecoveryWindowInDays", 6}}), "InvalidParameterException");
  auto deleted = h.ok("DeleteSecret", {{"SecretId", "d"}, {"RecoveryWindowInDays", 7}});
  EXPECT_DOUBLE_EQ(deleted["DeletionDate"].get<double>(), 1'700'000'000.0 + 7 * 86400);
  auto refused = h.call("GetSecretValue", {{"SecretId", "d"}});
  EXPECT_EQ(refused.error_type(), "InvalidRequestException");
  EXPECT_EQ(refused.message(), "You can't perform this operation on the secret because it was marked for deletion.");
  EXPECT_EQ(h.fails("PutSecretValue", {{"SecretId", "d"}, {"SecretString", "y"}}), "InvalidRequestException");
  EXPECT_EQ(h.fails("UpdateSecret", {{"SecretId", "d"}, {"Description", "y"}}), "InvalidRequestException");
  EXPECT_EQ(h.fails("CreateSecret", {{"Name", "d"}}), "InvalidRequestException");
  EXPECT_EQ(h.fails("DeleteSecret", {{"SecretId", "d"}}), "InvalidRequestException");
  EXPECT_TRUE(h.ok("DescribeSecret", {{"SecretId", "d"}}).contains("DeletedDate"));
  EXPECT_TRUE(h.ok("ListSecrets")["SecretList"].empty());
  EXPECT_EQ(h.ok("ListSecrets", {{"IncludePlannedDeletion", true}})["SecretList"].size(), 1u);
  h.ok("RestoreSecret", {{"SecretId", "d"}});
  EXPECT_EQ(h.ok("GetSecretValue", {{"SecretId", "d"}})["SecretString"], "x");
  EXPECT_FALSE(h.ok("DescribeSecret", {{"SecretId", "d"}}).contains("DeletedDate"));

  h.ok("DeleteSecret", {{"SecretId", "d"}});  // 30 days by default
  h.now += std::chrono::hours(24 * 30);
  EXPECT_EQ(h.fails("DescribeSecret", {{"SecretId", "d"}}), "ResourceNotFoundException");
  create("f", "x");
  h.ok("DeleteSecret", {{"SecretId", "f"}, {"ForceDeleteWithoutRecovery", true}});
  EXPECT_EQ(h.fails("DescribeSecret", {{"SecretId", "f"}}), "ResourceNotFoundException");
  create("f", "again");  // the name is free at once
}

TEST_F(SecretsTest, ListFiltersSortingPagingAndTags) {
  h.ok("CreateSecret", {{"Name", "app/one"}, {"Description", "Primary database"}, {"Tags", {{{"Key", "env"}, {"Value", "prod"}}}}});
  h.now += std::chrono::seconds(1);
  h.ok("CreateSecret", {{"Name", "app/two"}, {"Tags", {{{"Key", "env"}, {"Value", "dev"}}}}});
  h.now += std::chrono::seconds(1);
  h.ok("CreateSecret", {{"Name", "other"}});
  auto names = [](const Json& out) {
    std::vector<std::string> v;
    for (const auto& s : out["SecretList"]) v.push_back(s["Name"]);
    return v;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(h.ok("ListSecrets", {{"Filters", {{{"Key", "name"}, {"Values", {"app/"}}}}}})), (V{"app/one", "app/two"}));
  EXPECT_EQ(names(h.ok("ListSecrets", {{"Filters", {{{"Key", "name"}, {"Values", {"!app/"}}}}}})), (V{"other"}));
  EXPECT_EQ(names(h.ok("ListSecrets", {{"Filters", {{{"Key", "tag-value"}, {"Values", {"prod"}}}}}})), (V{"app/one"}));
  EXPECT_EQ(names(h.ok("ListSecrets", {{"Filters", {{{"Key", "description"}, {"Values", {"primary"}}}}}})), (V{"app/one"}));
  EXPECT_EQ(names(h.ok("ListSecrets", {{"Filters", {{{"Key", "all"}, {"Values", {"dev"}}}}}})), (V{"app/two"}));
  EXPECT_EQ(names(h.ok("ListSecrets", {{"SortOrder", "desc"}})), (V{"other", "app/two", "app/one"}));
  auto page1 = h.ok("ListSecrets", {{"MaxResults", 2}});
  EXPECT_EQ(names(page1), (V{"app/one", "app/two"}));
  auto page2 = h.ok("ListSecrets", {{"MaxResults", 2}, {"NextToken", page1["NextToken"]}});
  EXPECT_EQ(names(page2), (V{"other"}));
  EXPECT_FALSE(page2.contains("NextToken"));
  EXPECT_EQ(h.fails("ListSecrets", {{"NextToken", "junk"}}), "InvalidNextTokenException");
  EXPECT_TRUE(page1["SecretList"][0].contains("SecretVersionsToStages"));

  h.ok("TagResource", {{"SecretId", "other"}, {"Tags", {{{"Key", "a"}, {"Value", "1"}}, {{"Key", "b"}, {"Value", "2"}}}}});
  h.ok("UntagResource", {{"SecretId", "other"}, {"TagKeys", {"a"}}});
  EXPECT_EQ(h.ok("DescribeSecret", {{"SecretId", "other"}})["Tags"], (Json{{{"Key", "b"}, {"Value", "2"}}}));
  EXPECT_EQ(h.fails("TagResource", {{"SecretId", "none"}, {"Tags", Json::array()}}), "ResourceNotFoundException");
}

TEST_F(SecretsTest, RandomPasswordsHonourTheRequestedClasses) {
  auto p = h.ok("GetRandomPassword")["RandomPassword"].get<std::string>();
  EXPECT_EQ(p.size(), 32u);
  auto digits = h.ok("GetRandomPassword", {{"PasswordLength", 20}, {"ExcludeLowercase", true}, {"ExcludeUppercase", true},
                                           {"ExcludePunctuation", true}})["RandomPassword"].get<std::string>();
  EXPECT_TRUE(std::regex_match(digits, std::regex("[0-9]{20}"))) << digits;
  auto no_ab = h.ok("GetRandomPassword", {{"ExcludeCharacters", "ab"}, {"PasswordLength", 200}})["RandomPassword"].get<std::string>();
  EXPECT_EQ(no_ab.find_first_of("ab"), std::string::npos);
  EXPECT_EQ(h.fails("GetRandomPassword", {{"ExcludeLowercase", true}, {"ExcludeUppercase", true}, {"ExcludeNumbers", true},
                                          {"ExcludePunctuation", true}}),
            "InvalidParameterException");
}

TEST_F(SecretsTest, SnapshotRoundTrips) {
  create("snap", "v");
  h.ok("PutSecretValue", {{"SecretId", "snap"}, {"SecretString", "w"}, {"ClientRequestToken", kToken2}});
  h.ok("CreateSecret", {{"Name", "gone"}});
  h.ok("DeleteSecret", {{"SecretId", "gone"}});
  const Json snap = provider->snapshot();
  auto restored = std::make_shared<SecretsManagerProvider>();
  restored->restore(snap);
  EXPECT_EQ(restored->snapshot(), snap);
  JsonServiceHarness h2{"secretsmanager", restored};
  EXPECT_EQ(h2.ok("GetSecretValue", {{"SecretId", "snap"}, {"VersionStage", "AWSPREVIOUS"}})["SecretString"], "v");
  EXPECT_EQ(h2.fails("GetSecretValue", {{"SecretId", "gone"}}), "InvalidRequestException");  // still scheduled
  const Json read_once = restored->snapshot();  // GetSecretValue recorded LastAccessedDate
  Json broken = snap;
  broken["states"][0]["state"]["secrets"]["snap"]["versions"][kToken1]["stages"] = {"AWSCURRENT"};
  EXPECT_THROW(restored->restore(broken), std::runtime_error);
  EXPECT_EQ(restored->snapshot(), read_once);
  EXPECT_EQ(provider->state_view({})[0]["secrets"].size(), 2u);
  EXPECT_FALSE(provider->state_view({}).dump().find("\"w\"") != std::string::npos);  // never values
}

TEST_F(SecretsTest, ResolverParsesTheAgentsSuffixes) {
  const std::string arn = create("db", R"({"password":"pw","port":5432,"ssl":true})");
  h.ok("PutSecretValue", {{"SecretId", "db"}, {"SecretString", R"({"password":"new"})"}, {"ClientRequestToken", kToken2}});
  const SecretResolver& r = *provider;
  EXPECT_TRUE(r.serves(arn));
  EXPECT_FALSE(r.serves("/ssm/name"));
  auto read = [&](const std::string& from) { return r.resolve({"000000000000", "us-east-1", from, "arn:aws:iam::000000000000:role/x"}); };
  EXPECT_EQ(read(arn).value, R"({"password":"new"})");
  EXPECT_EQ(read(arn + ":password::").value, "new");
  EXPECT_EQ(read(arn + ":password:AWSPREVIOUS:").value, "pw");
  EXPECT_EQ(read(arn + ":port::" + kToken1).value, "5432");
  EXPECT_EQ(read(arn + ":ssl:AWSPREVIOUS:").value, "true");
  EXPECT_EQ(read("arn:aws:secretsmanager:us-east-1:000000000000:secret:db:password::").value, "new");  // partial ARN
  auto no_key = read(arn + ":user::");
  EXPECT_FALSE(no_key.value);
  EXPECT_NE(no_key.error.find("retrieved secret from Secrets Manager did not contain json key user"), std::string::npos);
  auto bad_format = read(arn + ":password");
  EXPECT_EQ(bad_format.error,
            "an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.");
  auto missing = read("arn:aws:secretsmanager:us-east-1:000000000000:secret:none-AbCdEf");
  EXPECT_FALSE(missing.value);
  EXPECT_EQ(missing.error.rfind("execution resource retrieval failed: unable to retrieve secret from asm: service call "
                                "has been retried 1 time(s): failed to fetch secret "
                                "arn:aws:secretsmanager:us-east-1:000000000000:secret:none-AbCdEf from secrets manager: "
                                "ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: "
                                "400, request id: ",
                                0),
            0u)
      << missing.error;
}

}  // namespace
}  // namespace ecslocal::api::secretsmanager
