// TagResource / UntagResource / ListTagsForResource through the gateway, and the resolver seam.
#include <gtest/gtest.h>

#include <set>

#include "api/ecs/tags.hpp"
#include "api/protocol/aws_error.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using testing::ApiHarness;
using testing::CallResult;
using testing::expect_error;

const std::string kClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/web";

Json tag(const std::string& key, const std::string& value) { return Json{{"key", key}, {"value", value}}; }

class TagOpsTest : public ::testing::Test {
 protected:
  TagOpsTest() { EXPECT_TRUE(h.ecs("CreateCluster", {{"clusterName", "web"}}).ok()); }

  CallResult tag_cluster(Json tags, const std::string& arn = kClusterArn) {
    return h.ecs("TagResource", {{"resourceArn", arn}, {"tags", std::move(tags)}});
  }
  Json tags_of(const std::string& arn = kClusterArn) {
    auto r = h.ecs("ListTagsForResource", {{"resourceArn", arn}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    return r.body["tags"];
  }
  ApiHarness h;
};

TEST_F(TagOpsTest, TagListAndUntagACluster) {
  EXPECT_EQ(tags_of(), Json::array());
  auto r = tag_cluster(Json::array({tag("env", "prod"), tag("team", "a")}));
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body, Json::object());
  EXPECT_EQ(tags_of(), Json::array({tag("env", "prod"), tag("team", "a")}));

  ASSERT_TRUE(tag_cluster(Json::array({tag("team", "b"), tag("cost", "")})).ok());  // replaces and adds
  EXPECT_EQ(tags_of(), Json::array({tag("env", "prod"), tag("team", "b"), tag("cost", "")}));

  r = h.ecs("UntagResource", {{"resourceArn", kClusterArn}, {"tagKeys", {"team", "not-there"}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body, Json::object());
  EXPECT_EQ(tags_of(), Json::array({tag("env", "prod"), tag("cost", "")}));
  ASSERT_TRUE(h.ecs("UntagResource", {{"resourceArn", kClusterArn}, {"tagKeys", {"env", "cost"}}}).ok());
  EXPECT_EQ(tags_of(), Json::array());
}

TEST_F(TagOpsTest, ClusterTagsShowInDescribeClustersAndCreateTags) {
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "t"}, {"tags", Json::array({tag("a", "1")})}}).ok());
  const std::string arn = "arn:aws:ecs:us-east-1:000000000000:cluster/t";
  EXPECT_EQ(tags_of(arn), Json::array({tag("a", "1")}));
  ASSERT_TRUE(tag_cluster(Json::array({tag("b", "2")}), arn).ok());
  auto r = h.ecs("DescribeClusters", {{"clusters", {"t"}}, {"include", {"TAGS"}}});
  EXPECT_EQ(r.body["clusters"][0]["tags"], Json::array({tag("a", "1"), tag("b", "2")}));
}

TEST_F(TagOpsTest, MalformedOrForeignArnsAreInvalidParameters) {
  const std::vector<std::string> bad = {
      "web",                                                // not an ARN
      "arn:aws:ecs:us-east-1:000000000000",                 // no resource
      "arn:aws:ecs:us-east-1:000000000000:cluster",         // no id
      "arn:aws:s3:::bucket/key",                            // another service
      "arn:aws-cn:ecs:us-east-1:000000000000:cluster/web",  // another partition
      "arn:aws:ecs:us-east-1:111111111111:cluster/web",     // another account
      "arn:aws:ecs:eu-west-1:000000000000:cluster/web",     // another region
  };
  for (const auto& arn : bad) {
    expect_error(tag_cluster(Json::array({tag("k", "v")}), arn), "InvalidParameterException");
    expect_error(h.ecs("UntagResource", {{"resourceArn", arn}, {"tagKeys", {"k"}}}), "InvalidParameterException");
    expect_error(h.ecs("ListTagsForResource", {{"resourceArn", arn}}), "InvalidParameterException");
  }
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", "arn:aws:ecs:us-east-1:000000000000:widget/x"}}),
               "InvalidParameterException", "Unsupported resource type: widget");
}

TEST_F(TagOpsTest, UnknownAndInactiveClusters) {
  const std::string unknown = "arn:aws:ecs:us-east-1:000000000000:cluster/nope";
  expect_error(tag_cluster(Json::array({tag("k", "v")}), unknown), "ClusterNotFoundException", "Cluster not found.");
  expect_error(h.ecs("UntagResource", {{"resourceArn", unknown}, {"tagKeys", {"k"}}}), "ClusterNotFoundException");
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", unknown}}), "ClusterNotFoundException");

  ASSERT_TRUE(tag_cluster(Json::array({tag("k", "v")})).ok());
  ASSERT_TRUE(h.ecs("DeleteCluster", {{"cluster", "web"}}).ok());
  const std::string inactive = "The specified cluster is inactive. Specify an active cluster and try again.";
  expect_error(tag_cluster(Json::array({tag("k", "v")})), "InvalidParameterException", inactive);
  expect_error(h.ecs("UntagResource", {{"resourceArn", kClusterArn}, {"tagKeys", {"k"}}}), "InvalidParameterException", inactive);
  EXPECT_EQ(tags_of(), Json::array());  // a deleted resource's tags go with it
}

TEST_F(TagOpsTest, TypesWithoutAResolverAreNotFound) {
  // ecslocal runs Fargate only: nothing registers container instances.
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", "arn:aws:ecs:us-east-1:000000000000:container-instance/web/abc"}}),
               "ResourceNotFoundException");
}

TEST_F(TagOpsTest, TagRulesAndLimits) {
  expect_error(tag_cluster(Json::array({tag("aws:x", "v")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag("Aws:x", "v")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag("k", "v"), tag("k", "w")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag("bad#key", "v")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag("k", "bad!value")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag(std::string(129, 'k'), "v")})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({tag("k", std::string(257, 'v'))})), "InvalidParameterException");
  expect_error(tag_cluster(Json::array({Json{{"value", "no key"}}})), "InvalidParameterException");
  expect_error(h.ecs("TagResource", {{"resourceArn", kClusterArn}}), "InvalidParameterException");  // tags required
  expect_error(h.ecs("UntagResource", {{"resourceArn", kClusterArn}, {"tagKeys", {"aws:x"}}}), "InvalidParameterException");
  expect_error(h.ecs("UntagResource", {{"resourceArn", kClusterArn}}), "InvalidParameterException");  // tagKeys required
  EXPECT_TRUE(tag_cluster(Json::array({tag(std::string(128, 'k'), std::string(256, 'v')), tag("ok key_1.:/=+-@", "\xc3\xa9t\xc3\xa9")})).ok());
  EXPECT_TRUE(tag_cluster(Json::array()).ok());  // nothing to add
  EXPECT_EQ(tags_of().size(), 2u);
}

TEST_F(TagOpsTest, AResourceHoldsAtMostFiftyTags) {
  Json batch = Json::array();
  for (int i = 0; i < 48; ++i) batch.push_back(tag("k" + std::to_string(i), "v"));
  ASSERT_TRUE(tag_cluster(batch).ok());
  ASSERT_TRUE(tag_cluster(Json::array({tag("k0", "replaced"), tag("x1", "v"), tag("x2", "v")})).ok());
  EXPECT_EQ(tags_of().size(), 50u);
  auto r = tag_cluster(Json::array({tag("x3", "v")}));
  expect_error(r, "InvalidParameterException");
  EXPECT_NE(r.message().find("50"), std::string::npos);
  EXPECT_EQ(tags_of().size(), 50u);  // unchanged
  EXPECT_EQ(tags_of()[0], tag("k0", "replaced"));
}

TEST_F(TagOpsTest, AccountsAreIsolated) {
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "web"}}, "111111111111").ok());
  const std::string other = "arn:aws:ecs:us-east-1:111111111111:cluster/web";
  ASSERT_TRUE(h.ecs("TagResource", {{"resourceArn", other}, {"tags", Json::array({tag("owner", "b")})}}, "111111111111").ok());
  EXPECT_EQ(tags_of(), Json::array());
  auto r = h.ecs("ListTagsForResource", {{"resourceArn", other}}, "111111111111");
  EXPECT_EQ(r.body["tags"], Json::array({tag("owner", "b")}));
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", other}}), "InvalidParameterException");
}

// The seam later areas use: a resolver per ARN resource type, tags kept in EcsState::tags.
TEST_F(TagOpsTest, AreasPlugInThroughTagResolvers) {
  std::vector<std::string> asked;
  auto& provider = h.ecs_provider();
  provider.register_tag_resolver("task-set", [&asked](EcsState&, const RequestContext& ctx, const Arn& arn, TagAccess access) {
    asked.push_back(arn.id() + (access == TagAccess::Write ? ":write" : ":read"));
    if (arn.id() != "ts-1") throw AwsError("ResourceNotFoundException", "The specified task set does not exist.");
  });
  const std::string arn = "arn:aws:ecs:us-east-1:000000000000:task-set/web/svc/ts-1";
  EXPECT_TRUE(h.ecs("TagResource", {{"resourceArn", arn}, {"tags", Json::array({tag("k", "v")})}}).ok());
  EXPECT_EQ(tags_of(arn), Json::array({tag("k", "v")}));
  expect_error(h.ecs("ListTagsForResource", {{"resourceArn", "arn:aws:ecs:us-east-1:000000000000:task-set/web/svc/ts-2"}}),
               "ResourceNotFoundException", "The specified task set does not exist.");
  provider.unregister_tag_resolver("task-set");
  EXPECT_EQ(asked, (std::vector<std::string>{"ts-1:write", "ts-1:read", "ts-2:read"}));
  EXPECT_EQ(provider.find_tag_resolver("task-set"), nullptr);
  EXPECT_NE(provider.find_tag_resolver("cluster"), nullptr);
}

TEST(TagRules, MergeRemoveAndReservedPrefix) {
  EXPECT_TRUE(is_aws_reserved("aws:x"));
  EXPECT_TRUE(is_aws_reserved("AwS:x"));
  EXPECT_FALSE(is_aws_reserved("aws"));
  EXPECT_FALSE(is_aws_reserved("awsx:"));
  std::vector<Tag> existing = {{"aws:cloudformation:stack-name", "s"}};
  for (int i = 0; i < 50; ++i) existing.push_back({"k" + std::to_string(i), ""});
  EXPECT_EQ(merge_tags(existing, {{"k1", "v"}}).size(), 51u);  // aws: tags do not count toward 50
  EXPECT_THROW(merge_tags(existing, {{"new", "v"}}), AwsError);
  auto left = remove_tags(existing, {"k0", "k49", "absent"});
  EXPECT_EQ(left.size(), 49u);
  EXPECT_EQ(left[0].key, "aws:cloudformation:stack-name");
}

}  // namespace
}  // namespace ecslocal::api::ecs
