// SSM Parameter Store through the gateway: PutParameter versions/overwrite/tiers/patterns and
// name rules, GetParameter(s) with selectors, ARNs and SecureString, paths and filters with
// paging, history and labels, tags, deletes, snapshots and the SecretResolver port.
#include <gtest/gtest.h>

#include "api/ssm/provider.hpp"
#include "tests/unit/api/ssm/json_service_harness.hpp"

namespace ecslocal::api::ssm {
namespace {

using testing::JsonServiceHarness;

class SsmTest : public ::testing::Test {
 protected:
  std::shared_ptr<SsmProvider> provider = std::make_shared<SsmProvider>();
  JsonServiceHarness h{"AmazonSSM", provider};

  Json put(const std::string& name, const std::string& value, const std::string& type = "String", Json extra = {}) {
    Json in{{"Name", name}, {"Value", value}, {"Type", type}};
    if (extra.is_object()) in.update(extra);
    return h.ok("PutParameter", in);
  }
};

TEST_F(SsmTest, PutCreatesVersionOneAndOverwriteBumpsIt) {
  EXPECT_EQ(put("/app/db/host", "db1"), (Json{{"Version", 1}, {"Tier", "Standard"}}));
  auto again = h.call("PutParameter", {{"Name", "/app/db/host"}, {"Value", "db2"}, {"Type", "String"}});
  EXPECT_EQ(again.error_type(), "ParameterAlreadyExists");
  EXPECT_EQ(again.message(),
            "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
  EXPECT_EQ(h.ok("PutParameter", {{"Name", "/app/db/host"}, {"Value", "db2"}, {"Overwrite", true}})["Version"], 2);
  auto got = h.ok("GetParameter", {{"Name", "/app/db/host"}})["Parameter"];
  EXPECT_EQ(got["Value"], "db2");
  EXPECT_EQ(got["Type"], "String");  // kept from version 1
  EXPECT_EQ(got["Version"], 2);
  EXPECT_EQ(got["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host");
  EXPECT_EQ(got["DataType"], "text");
  EXPECT_DOUBLE_EQ(got["LastModifiedDate"].get<double>(), 1'700'000'000.0);
}

TEST_F(SsmTest, PutRefusesBadInput) {
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", "v"}}), "ValidationException");  // no Type on create
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", ""}, {"Type", "String"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "awsThing"}, {"Value", "v"}, {"Type", "String"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "/SSM/x"}, {"Value", "v"}, {"Type", "String"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "a/b"}, {"Value", "v"}, {"Type", "String"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "/a b"}, {"Value", "v"}, {"Type", "String"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16"}, {"Value", "v"}, {"Type", "String"}}),
            "HierarchyLevelLimitExceededException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", "v"}, {"Type", "Number"}}), "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", "v"}, {"Type", "String"}, {"KeyId", "alias/k"}}),
            "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", "v"}, {"Type", "String"}, {"Overwrite", true},
                                     {"Tags", {{{"Key", "a"}, {"Value", "b"}}}}}),
            "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", std::string(4097, 'a')}, {"Type", "String"}}),
            "ValidationException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "x"}, {"Value", "v"}, {"Type", "String"}, {"DataType", "Text"}}),
            "ValidationException");
  EXPECT_TRUE(h.ok("DescribeParameters")["Parameters"].empty());
}

TEST_F(SsmTest, TiersAndAllowedPatterns) {
  EXPECT_EQ(put("big", std::string(5000, 'a'), "String", {{"Tier", "Advanced"}})["Tier"], "Advanced");
  EXPECT_EQ(put("auto", std::string(5000, 'a'), "String", {{"Tier", "Intelligent-Tiering"}})["Tier"], "Advanced");
  EXPECT_EQ(put("small", "a", "String", {{"Tier", "Intelligent-Tiering"}})["Tier"], "Standard");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "big"}, {"Value", "v"}, {"Overwrite", true}, {"Tier", "Standard"}}),
            "ValidationException");
  put("port", "8080", "String", {{"AllowedPattern", "^\\d+$"}});
  auto bad = h.call("PutParameter", {{"Name", "port"}, {"Value", "http"}, {"Overwrite", true}});
  EXPECT_EQ(bad.error_type(), "ParameterPatternMismatchException");  // the pattern stays with the parameter
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "p2"}, {"Value", "v"}, {"Type", "String"}, {"AllowedPattern", "(["}}),
            "InvalidAllowedPatternException");
  // Hostile patterns answer at once: no catastrophic backtracking, no huge automaton.
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "redos"}, {"Value", std::string(4000, 'a')}, {"Type", "String"},
                                     {"AllowedPattern", "(a*)*b"}}),
            "ParameterPatternMismatchException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "huge"}, {"Value", "a"}, {"Type", "String"}, {"AllowedPattern", "((a{100}){100}){100}"}}),
            "InvalidAllowedPatternException");
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "backref"}, {"Value", "aa"}, {"Type", "String"}, {"AllowedPattern", "(a)\\1"}}),
            "InvalidAllowedPatternException");
}

TEST_F(SsmTest, SecureStringKeepsTheKeyAndHidesTheValueWithoutDecryption) {
  put("/app/db/password", "s3cret", "SecureString");
  put("/app/api/key", "k", "SecureString", {{"KeyId", "alias/mine"}});
  auto hidden = h.ok("GetParameter", {{"Name", "/app/db/password"}})["Parameter"];
  EXPECT_NE(hidden["Value"], "s3cret");
  EXPECT_EQ(hidden["Type"], "SecureString");
  auto shown = h.ok("GetParameter", {{"Name", "/app/db/password"}, {"WithDecryption", true}})["Parameter"];
  EXPECT_EQ(shown["Value"], "s3cret");
  auto described = h.ok("DescribeParameters", {{"ParameterFilters", {{{"Key", "KeyId"}, {"Values", {"alias/aws/ssm"}}}}}});
  ASSERT_EQ(described["Parameters"].size(), 1u);
  EXPECT_EQ(described["Parameters"][0]["Name"], "/app/db/password");
  EXPECT_EQ(described["Parameters"][0]["KeyId"], "alias/aws/ssm");
  EXPECT_FALSE(described["Parameters"][0].contains("Value"));
}

TEST_F(SsmTest, SelectorsArnsAndMissingParameters) {
  put("/app/color", "red");
  h.ok("PutParameter", {{"Name", "/app/color"}, {"Value", "blue"}, {"Overwrite", true}});
  h.ok("LabelParameterVersion", {{"Name", "/app/color"}, {"ParameterVersion", 1}, {"Labels", {"prod"}}});
  auto v1 = h.ok("GetParameter", {{"Name", "/app/color:1"}})["Parameter"];
  EXPECT_EQ(v1["Value"], "red");
  EXPECT_EQ(v1["Name"], "/app/color");
  EXPECT_EQ(v1["Selector"], ":1");
  auto labelled = h.ok("GetParameter", {{"Name", "/app/color:prod"}})["Parameter"];
  EXPECT_EQ(labelled["Value"], "red");
  EXPECT_EQ(labelled["Selector"], ":prod");
  const std::string arn = "arn:aws:ssm:us-east-1:000000000000:parameter/app/color";
  auto by_arn = h.ok("GetParameter", {{"Name", arn}})["Parameter"];
  EXPECT_EQ(by_arn["Value"], "blue");
  EXPECT_EQ(by_arn["Name"], arn);  // echoed as asked (the ECS agent keys results by it)
  auto missing = h.call("GetParameter", {{"Name", "/nope"}});
  EXPECT_EQ(missing.error_type(), "ParameterNotFound");
  EXPECT_EQ(missing.message(), "");
  auto bad_version = h.call("GetParameter", {{"Name", "/app/color:7"}});
  EXPECT_EQ(bad_version.error_type(), "ParameterVersionNotFound");
  EXPECT_EQ(bad_version.message(), "Systems Manager could not find version 7 of /app/color. Verify the version and try again.");
  EXPECT_EQ(h.fails("GetParameter", {{"Name", "arn:aws:ssm:us-east-1:111111111111:parameter/app/color"}}), "ParameterNotFound");

  auto many = h.ok("GetParameters", {{"Names", {"/app/color", "/nope", "/app/color:1", "/app/color:9"}}});
  ASSERT_EQ(many["Parameters"].size(), 2u);
  EXPECT_EQ(many["Parameters"][1]["Value"], "red");
  EXPECT_EQ(many["InvalidParameters"], (Json{"/nope", "/app/color:9"}));
  EXPECT_FALSE(h.ok("GetParameters", {{"Names", {"/app/color"}}}).contains("InvalidParameters"));
  EXPECT_EQ(h.fails("GetParameters", {{"Names", Json::array()}}), "ValidationException");
}

TEST_F(SsmTest, PathsRecursionFiltersAndPaging) {
  for (const char* n : {"/app/a", "/app/b", "/app/sub/c", "/app/sub/deep/d", "/other/e", "top"}) put(n, n);
  put("/app/s", "x", "SecureString");
  auto names = [](const Json& params) {
    std::vector<std::string> out;
    for (const auto& p : params) out.push_back(p["Name"]);
    return out;
  };
  EXPECT_EQ(names(h.ok("GetParametersByPath", {{"Path", "/app"}})["Parameters"]),
            (std::vector<std::string>{"/app/a", "/app/b", "/app/s"}));
  EXPECT_EQ(names(h.ok("GetParametersByPath", {{"Path", "/app/"}, {"Recursive", true}})["Parameters"]),
            (std::vector<std::string>{"/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deep/d"}));
  EXPECT_EQ(names(h.ok("GetParametersByPath", {{"Path", "/app"}, {"Recursive", true},
                                               {"ParameterFilters", {{{"Key", "Type"}, {"Values", {"SecureString"}}}}}})["Parameters"]),
            (std::vector<std::string>{"/app/s"}));
  EXPECT_EQ(h.fails("GetParametersByPath", {{"Path", "/app"}, {"ParameterFilters", {{{"Key", "Name"}, {"Values", {"x"}}}}}}),
            "InvalidFilterKey");
  EXPECT_EQ(h.fails("GetParametersByPath", {{"Path", "app"}}), "ValidationException");

  std::vector<std::string> paged;
  Json in{{"Path", "/"}, {"Recursive", true}, {"MaxResults", 2}};
  for (int guard = 0; guard < 10; ++guard) {
    auto page = h.ok("GetParametersByPath", in);
    for (const auto& n : names(page["Parameters"])) paged.push_back(n);
    if (!page.contains("NextToken")) break;
    in["NextToken"] = page["NextToken"];
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deep/d", "/other/e"}));
  EXPECT_EQ(h.fails("GetParametersByPath", {{"Path", "/"}, {"NextToken", "garbage"}}), "InvalidNextToken");

  auto begins = h.ok("DescribeParameters", {{"ParameterFilters", {{{"Key", "Name"}, {"Option", "BeginsWith"}, {"Values", {"/app/sub"}}}}}});
  EXPECT_EQ(names(begins["Parameters"]), (std::vector<std::string>{"/app/sub/c", "/app/sub/deep/d"}));
  auto one_level = h.ok("DescribeParameters", {{"ParameterFilters", {{{"Key", "Path"}, {"Values", {"/app/sub"}}}}}});
  EXPECT_EQ(names(one_level["Parameters"]), (std::vector<std::string>{"/app/sub/c"}));
  auto legacy = h.ok("DescribeParameters", {{"Filters", {{{"Key", "Name"}, {"Values", {"to"}}}}}});
  EXPECT_EQ(names(legacy["Parameters"]), (std::vector<std::string>{"top"}));
  auto both = h.call("DescribeParameters", {{"Filters", {{{"Key", "Name"}, {"Values", {"to"}}}}},
                                            {"ParameterFilters", {{{"Key", "Name"}, {"Values", {"top"}}}}}});
  EXPECT_EQ(both.error_type(), "ValidationException");
  EXPECT_EQ(both.message(), "You can use either Filters or ParameterFilters in a single request.");
  EXPECT_EQ(h.fails("DescribeParameters", {{"ParameterFilters", {{{"Key", "Type"}, {"Option", "Contains"}, {"Values", {"S"}}}}}}),
            "InvalidFilterOption");
  EXPECT_EQ(h.fails("DescribeParameters", {{"ParameterFilters", {{{"Key", "Bogus"}, {"Values", {"S"}}}}}}), "InvalidFilterKey");
  auto first = h.ok("DescribeParameters", {{"MaxResults", 3}});
  EXPECT_EQ(first["Parameters"].size(), 3u);
  EXPECT_TRUE(first.contains("NextToken"));
}

TEST_F(SsmTest, HistoryLabelsAndTheVersionCap) {
  put("p", "v1");
  for (int i = 2; i <= 3; ++i) h.ok("PutParameter", {{"Name", "p"}, {"Value", "v" + std::to_string(i)}, {"Overwrite", true}});
  auto labelled = h.ok("LabelParameterVersion", {{"Name", "p"}, {"Labels", {"live", "9bad", "awsx", "ok.label"}}});
  EXPECT_EQ(labelled["ParameterVersion"], 3);
  EXPECT_EQ(labelled["InvalidLabels"], (Json{"9bad", "awsx"}));
  h.ok("LabelParameterVersion", {{"Name", "p"}, {"ParameterVersion", 1}, {"Labels", {"live"}}});  // moves it
  auto history = h.ok("GetParameterHistory", {{"Name", "p"}})["Parameters"];
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]["Labels"], (Json{"live"}));
  EXPECT_EQ(history[2]["Labels"], (Json{"ok.label"}));
  EXPECT_FALSE(history[1].contains("Labels"));  // the model's label list has at least one item
  EXPECT_EQ(history[2]["Value"], "v3");
  auto unlabel = h.ok("UnlabelParameterVersion", {{"Name", "p"}, {"ParameterVersion", 1}, {"Labels", {"live", "none"}}});
  EXPECT_EQ(unlabel["RemovedLabels"], (Json{"live"}));
  EXPECT_EQ(unlabel["InvalidLabels"], (Json{"none"}));
  EXPECT_EQ(h.fails("LabelParameterVersion", {{"Name", "p"}, {"ParameterVersion", 42}, {"Labels", {"x"}}}),
            "ParameterVersionNotFound");
  EXPECT_EQ(h.fails("GetParameterHistory", {{"Name", "nope"}}), "ParameterNotFound");

  // 100 versions are kept: the 101st drops version 1, unless version 1 carries a label.
  for (int i = 4; i <= 100; ++i) h.ok("PutParameter", {{"Name", "p"}, {"Value", "v"}, {"Overwrite", true}});
  h.ok("LabelParameterVersion", {{"Name", "p"}, {"ParameterVersion", 1}, {"Labels", {"pinned"}}});
  EXPECT_EQ(h.fails("PutParameter", {{"Name", "p"}, {"Value", "v"}, {"Overwrite", true}}), "ParameterMaxVersionLimitExceeded");
  h.ok("UnlabelParameterVersion", {{"Name", "p"}, {"ParameterVersion", 1}, {"Labels", {"pinned"}}});
  EXPECT_EQ(h.ok("PutParameter", {{"Name", "p"}, {"Value", "v"}, {"Overwrite", true}})["Version"], 101);
  EXPECT_EQ(h.fails("GetParameter", {{"Name", "p:1"}}), "ParameterVersionNotFound");
  EXPECT_EQ(h.ok("GetParameter", {{"Name", "p:2"}})["Parameter"]["Value"], "v2");
}

TEST_F(SsmTest, TagsAndDeletes) {
  put("/t/a", "1", "String", {{"Tags", {{{"Key", "team"}, {"Value", "x"}}}}});
  put("/t/b", "2");
  auto tags = [&](const std::string& id) {
    return h.ok("ListTagsForResource", {{"ResourceType", "Parameter"}, {"ResourceId", id}})["TagList"];
  };
  EXPECT_EQ(tags("/t/a"), (Json{{{"Key", "team"}, {"Value", "x"}}}));
  h.ok("AddTagsToResource", {{"ResourceType", "Parameter"}, {"ResourceId", "/t/a"}, {"Tags", {{{"Key", "env"}, {"Value", "dev"}}}}});
  h.ok("RemoveTagsFromResource", {{"ResourceType", "Parameter"}, {"ResourceId", "/t/a"}, {"TagKeys", {"team"}}});
  EXPECT_EQ(tags("/t/a"), (Json{{{"Key", "env"}, {"Value", "dev"}}}));
  EXPECT_EQ(h.fails("ListTagsForResource", {{"ResourceType", "Parameter"}, {"ResourceId", "/none"}}), "InvalidResourceId");
  auto by_tag = h.ok("DescribeParameters", {{"ParameterFilters", {{{"Key", "tag:env"}}}}})["Parameters"];
  ASSERT_EQ(by_tag.size(), 1u);
  EXPECT_EQ(by_tag[0]["Name"], "/t/a");

  auto deleted = h.ok("DeleteParameters", {{"Names", {"/t/a", "/missing"}}});
  EXPECT_EQ(deleted["DeletedParameters"], (Json{"/t/a"}));
  EXPECT_EQ(deleted["InvalidParameters"], (Json{"/missing"}));
  h.ok("DeleteParameter", {{"Name", "/t/b"}});
  EXPECT_EQ(h.fails("DeleteParameter", {{"Name", "/t/b"}}), "ParameterNotFound");
}

TEST_F(SsmTest, SnapshotRoundTripsAndBadDocumentsChangeNothing) {
  put("/s/a", "1", "SecureString", {{"KeyId", "alias/k"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  h.ok("PutParameter", {{"Name", "/s/a"}, {"Value", "2"}, {"Overwrite", true}});
  h.ok("LabelParameterVersion", {{"Name", "/s/a"}, {"ParameterVersion", 1}, {"Labels", {"old"}}});
  const Json snap = provider->snapshot();
  auto restored = std::make_shared<SsmProvider>();
  restored->restore(snap);
  EXPECT_EQ(restored->snapshot(), snap);
  JsonServiceHarness h2{"AmazonSSM", restored};
  EXPECT_EQ(h2.ok("GetParameter", {{"Name", "/s/a:old"}, {"WithDecryption", true}})["Parameter"]["Value"], "1");

  Json broken = snap;
  broken["states"][0]["state"]["parameters"]["/s/a"]["versions"] = Json::array();
  EXPECT_THROW(restored->restore(broken), std::runtime_error);
  EXPECT_THROW(restored->restore(Json{{"format", 1}, {"service", "logs"}}), std::runtime_error);
  EXPECT_EQ(restored->snapshot(), snap);
  auto view = provider->state_view({});
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0]["parameters"][0]["Name"], "/s/a");
  EXPECT_FALSE(view[0]["parameters"][0].contains("Value"));
}

TEST_F(SsmTest, ResolverReadsNamesArnsAndSelectors) {
  put("/db/password", "pw", "SecureString");
  put("plain", "p");
  h.ok("PutParameter", {{"Name", "plain"}, {"Value", "p2"}, {"Overwrite", true}});
  const SecretResolver& r = *provider;
  EXPECT_TRUE(r.serves("/db/password"));
  EXPECT_TRUE(r.serves("arn:aws:ssm:us-east-1:000000000000:parameter/db/password"));
  EXPECT_FALSE(r.serves("arn:aws:secretsmanager:us-east-1:000000000000:secret:x-AbCdEf"));
  auto read = [&](const std::string& from) {
    return r.resolve({"000000000000", "us-east-1", from, "arn:aws:iam::000000000000:role/exec"});
  };
  EXPECT_EQ(read("/db/password").value, "pw");
  EXPECT_EQ(read("arn:aws:ssm:us-east-1:000000000000:parameter/db/password").value, "pw");
  EXPECT_EQ(read("plain").value, "p2");
  EXPECT_EQ(read("plain:1").value, "p");
  auto missing = read("/db/nope");
  EXPECT_FALSE(missing.value);
  EXPECT_EQ(missing.error,
            "execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 "
            "time(s): invalid ssm parameters: /db/nope");
  EXPECT_FALSE(read("arn:aws:ssm:eu-west-1:000000000000:parameter/db/password").value);  // another region
}

}  // namespace
}  // namespace ecslocal::api::ssm
