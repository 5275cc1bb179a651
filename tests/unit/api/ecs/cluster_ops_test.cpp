// Cluster operations through the gateway (model validation + strict output shapes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "api/ecs/cluster_model.hpp"
#include "api/protocol/aws_error.hpp"
#include "tests/fakes/api_harness.hpp"

namespace ecslocal::api::ecs {
namespace {

using testing::ApiHarness;
using testing::CallResult;
using testing::expect_error;

const std::string kArn = "arn:aws:ecs:us-east-1:000000000000:cluster/";

RequestContext default_ctx() {
  RequestContext ctx;
  ctx.account_id = "000000000000";
  ctx.region = "us-east-1";
  return ctx;
}

Json cluster_of(const CallResult& r) {
  EXPECT_TRUE(r.ok()) << r.body.dump();
  return r.body.value("cluster", Json::object());
}

Json strategy_item(const std::string& provider, int weight, int base) {
  return {{"capacityProvider", provider}, {"weight", weight}, {"base", base}};
}

class ClusterOpsTest : public ::testing::Test {
 protected:
  Cluster& stored(const std::string& name) {
    Cluster* c = h.ecs_provider().state(default_ctx()).clusters.find(name);
    EXPECT_NE(c, nullptr);
    return *c;
  }
  ApiHarness h;
};

// --- CreateCluster ---

TEST_F(ClusterOpsTest, CreateWithoutNameCreatesDefaultWithAwsShape) {
  Json c = cluster_of(h.ecs("CreateCluster"));
  EXPECT_EQ(c["clusterArn"], kArn + "default");
  EXPECT_EQ(c["clusterName"], "default");
  EXPECT_EQ(c["status"], "ACTIVE");
  for (const char* count : {"registeredContainerInstancesCount", "runningTasksCount", "pendingTasksCount", "activeServicesCount"})
    EXPECT_EQ(c[count], 0) << count;
  EXPECT_EQ(c["statistics"], Json::array());
  EXPECT_EQ(c["tags"], Json::array());
  EXPECT_EQ(c["settings"], Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
  EXPECT_EQ(c["capacityProviders"], Json::array());
  EXPECT_EQ(c["defaultCapacityProviderStrategy"], Json::array());
  EXPECT_FALSE(c.contains("attachments"));
  EXPECT_FALSE(c.contains("attachmentsStatus"));
  EXPECT_FALSE(c.contains("configuration"));
  EXPECT_FALSE(c.contains("serviceConnectDefaults"));
}

TEST_F(ClusterOpsTest, CreateEchoesTagsSettingsConfigurationAndServiceConnect) {
  Json input = Json::parse(R"({
    "clusterName": "web_Prod-1",
    "tags": [{"key": "team", "value": "a b"}, {"key": "empty"}],
    "settings": [{"name": "containerInsights", "value": "enabled"}],
    "configuration": {"executeCommandConfiguration": {"kmsKeyId": "k1", "logging": "OVERRIDE",
        "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec", "cloudWatchEncryptionEnabled": true}}},
    "serviceConnectDefaults": {"namespace": "internal"}})");
  Json c = cluster_of(h.ecs("CreateCluster", input));
  EXPECT_EQ(c["clusterName"], "web_Prod-1");
  EXPECT_EQ(c["tags"], Json::parse(R"([{"key":"team","value":"a b"},{"key":"empty","value":""}])"));
  EXPECT_EQ(c["settings"][0]["value"], "enabled");
  EXPECT_EQ(c["configuration"], input["configuration"]);
  EXPECT_EQ(c["serviceConnectDefaults"], Json::parse(R"({"namespace":"internal"})"));
}

TEST_F(ClusterOpsTest, CreateRejectsInvalidNames) {
  for (const std::string& name : std::vector<std::string>{"bad name", "a/b", "caf\xc3\xa9", std::string(256, 'a'), ""}) {
    auto r = h.ecs("CreateCluster", {{"clusterName", name}});
    expect_error(r, "InvalidParameterException");
    EXPECT_NE(r.message().find("255 letters"), std::string::npos) << r.message();
  }
  EXPECT_TRUE(h.ecs("CreateCluster", {{"clusterName", std::string(255, 'a')}}).ok());
}

TEST_F(ClusterOpsTest, CreateValidatesTags) {
  auto tags_call = [&](Json tags) { return h.ecs("CreateCluster", {{"clusterName", "t"}, {"tags", tags}}); };
  expect_error(tags_call(Json::parse(R"([{"key":"aws:owner","value":"x"}])")), "InvalidParameterException");
  expect_error(tags_call(Json::parse(R"([{"key":"AWS:owner","value":"x"}])")), "InvalidParameterException");
  expect_error(tags_call(Json::parse(R"([{"key":"k","value":"1"},{"key":"k","value":"2"}])")), "InvalidParameterException");
  expect_error(tags_call(Json::parse(R"([{"value":"no key"}])")), "InvalidParameterException");
  expect_error(tags_call(Json::parse(R"([{"key":"semi;colon"}])")), "InvalidParameterException");
  expect_error(tags_call(Json::array({Json{{"key", std::string(129, 'k')}}})), "InvalidParameterException");
  expect_error(tags_call(Json::array({Json{{"key", "k"}, {"value", std::string(257, 'v')}}})), "InvalidParameterException");
  Json fifty_one = Json::array();
  for (int i = 0; i < 51; ++i) fifty_one.push_back({{"key", "k" + std::to_string(i)}, {"value", "v"}});
  expect_error(tags_call(fifty_one), "InvalidParameterException");
  fifty_one.erase(fifty_one.size() - 1);
  EXPECT_EQ(cluster_of(tags_call(fifty_one))["tags"].size(), 50u);
  EXPECT_EQ(h.ecs("DescribeClusters", {{"clusters", {"t"}}, {"include", {"TAGS"}}}).body["clusters"][0]["tags"].size(), 50u);
}

TEST_F(ClusterOpsTest, CreateValidatesSettingsAndConfiguration) {
  auto r = h.ecs("CreateCluster", {{"settings", {{{"name", "containerInsights"}, {"value", "maybe"}}}}});
  expect_error(r, "InvalidParameterException");
  r = h.ecs("CreateCluster", {{"settings", {{{"name", "somethingElse"}, {"value", "enabled"}}}}});
  expect_error(r, "InvalidParameterException");
  r = h.ecs("CreateCluster", Json::parse(R"({"configuration":{"executeCommandConfiguration":{"logging":"OVERRIDE"}}})"));
  expect_error(r, "InvalidParameterException");
  r = h.ecs("CreateCluster", Json::parse(R"({"configuration":{"executeCommandConfiguration":{"logging":"LOUD"}}})"));
  expect_error(r, "InvalidParameterException");
  EXPECT_TRUE(h.ecs("CreateCluster", {{"settings", {{{"name", "containerInsights"}, {"value", "enhanced"}}}}}).ok());
}

TEST_F(ClusterOpsTest, CreateWithFargateCapacityProviders) {
  Json c = cluster_of(h.ecs("CreateCluster", {{"clusterName", "cp"},
                                              {"capacityProviders", {"FARGATE", "FARGATE_SPOT"}},
                                              {"defaultCapacityProviderStrategy",
                                               {strategy_item("FARGATE", 1, 2), {{"capacityProvider", "FARGATE_SPOT"}, {"weight", 3}}}}}));
  EXPECT_EQ(c["capacityProviders"], Json::array({"FARGATE", "FARGATE_SPOT"}));
  EXPECT_EQ(c["defaultCapacityProviderStrategy"], Json::array({strategy_item("FARGATE", 1, 2), strategy_item("FARGATE_SPOT", 3, 0)}));
  EXPECT_EQ(c["attachments"], Json::array());
  EXPECT_EQ(c["attachmentsStatus"], "UPDATE_COMPLETE");
  EXPECT_EQ(c["status"], "ACTIVE");
}

TEST_F(ClusterOpsTest, CreateRejectsBadCapacityProviders) {
  auto create = [&](Json providers, Json strategy) {
    return h.ecs("CreateCluster", {{"capacityProviders", providers}, {"defaultCapacityProviderStrategy", strategy}});
  };
  expect_error(create({"EC2_ASG"}, Json::array()), "InvalidParameterException");
  expect_error(create({"FARGATE", "FARGATE"}, Json::array()), "InvalidParameterException");
  expect_error(create({"FARGATE"}, Json::array({strategy_item("FARGATE_SPOT", 1, 0)})), "InvalidParameterException");
  expect_error(create(Json::array(), Json::array({strategy_item("FARGATE", 1, 0)})), "InvalidParameterException");
  expect_error(create({"FARGATE", "FARGATE_SPOT"}, {strategy_item("FARGATE", 1, 1), strategy_item("FARGATE_SPOT", 1, 1)}),
               "InvalidParameterException");
  expect_error(create({"FARGATE"}, {strategy_item("FARGATE", 1, 0), strategy_item("FARGATE", 2, 0)}), "InvalidParameterException");
  expect_error(create({"FARGATE"}, Json::array({strategy_item("FARGATE", 1001, 0)})), "InvalidParameterException");
  expect_error(create({"FARGATE"}, Json::array({strategy_item("FARGATE", 1, 100001)})), "InvalidParameterException");
  expect_error(create({"FARGATE"}, Json::array({strategy_item("FARGATE", -1, 0)})), "InvalidParameterException");
  EXPECT_TRUE(create({"FARGATE"}, Json::array({strategy_item("FARGATE", 1000, 100000)})).ok());
}

TEST_F(ClusterOpsTest, CreateIsIdempotentForActiveClusters) {
  Json first = cluster_of(h.ecs("CreateCluster", {{"clusterName", "a"}, {"tags", {{{"key", "k"}, {"value", "1"}}}}}));
  Json again = cluster_of(h.ecs("CreateCluster", {{"clusterName", "a"},
                                                  {"tags", {{{"key", "other"}, {"value", "2"}}}},
                                                  {"settings", {{{"name", "containerInsights"}, {"value", "enabled"}}}}}));
  EXPECT_EQ(again, first);
  EXPECT_EQ(h.ecs("ListClusters").body["clusterArns"].size(), 1u);
}

TEST_F(ClusterOpsTest, CreateOverInactiveClusterStartsFresh) {
  h.ecs("CreateCluster", {{"clusterName", "a"}, {"tags", {{{"key", "k"}, {"value", "1"}}}}, {"capacityProviders", {"FARGATE"}}});
  ASSERT_TRUE(h.ecs("DeleteCluster", {{"cluster", "a"}}).ok());
  Json c = cluster_of(h.ecs("CreateCluster", {{"clusterName", "a"}}));
  EXPECT_EQ(c["status"], "ACTIVE");
  EXPECT_EQ(c["tags"], Json::array());
  EXPECT_EQ(c["capacityProviders"], Json::array());
  EXPECT_FALSE(c.contains("attachmentsStatus"));
}

TEST_F(ClusterOpsTest, NewClustersInheritTheContainerInsightsAccountSetting) {
  ASSERT_TRUE(h.ecs("PutAccountSettingDefault", {{"name", "containerInsights"}, {"value", "enabled"}}).ok());
  EXPECT_EQ(cluster_of(h.ecs("CreateCluster", {{"clusterName", "x"}}))["settings"][0]["value"], "enabled");
  Json c = cluster_of(h.ecs("CreateCluster", {{"clusterName", "y"}, {"settings", {{{"name", "containerInsights"}, {"value", "disabled"}}}}}));
  EXPECT_EQ(c["settings"][0]["value"], "disabled");
}

// --- DescribeClusters ---

TEST_F(ClusterOpsTest, DescribeWithoutClustersUsesDefault) {
  auto r = h.ecs("DescribeClusters");
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["clusters"], Json::array());
  EXPECT_EQ(r.body["failures"], Json::parse(R"([{"arn":"arn:aws:ecs:us-east-1:000000000000:cluster/default","reason":"MISSING"}])"));
  h.ecs("CreateCluster");
  r = h.ecs("DescribeClusters", {{"clusters", Json::array()}});
  ASSERT_EQ(r.body["clusters"].size(), 1u);
  EXPECT_EQ(r.body["clusters"][0]["clusterName"], "default");
  EXPECT_EQ(r.body["failures"], Json::array());
}

TEST_F(ClusterOpsTest, DescribeByNameAndArnWithMissingOnes) {
  h.ecs("CreateCluster", {{"clusterName", "a"}});
  h.ecs("CreateCluster", {{"clusterName", "b"}});
  auto r = h.ecs("DescribeClusters", {{"clusters", {"a", kArn + "b", "nope", kArn + "gone", "a"}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(r.body["clusters"].size(), 2u);
  EXPECT_EQ(r.body["clusters"][0]["clusterArn"], kArn + "a");
  EXPECT_EQ(r.body["clusters"][1]["clusterArn"], kArn + "b");
  EXPECT_EQ(r.body["failures"], Json::array({{{"arn", kArn + "nope"}, {"reason", "MISSING"}}, {{"arn", kArn + "gone"}, {"reason", "MISSING"}}}));
}

TEST_F(ClusterOpsTest, DescribeShowsOptionalPartsOnlyWhenIncluded) {
  h.ecs("CreateCluster", Json::parse(R"({"clusterName":"a","tags":[{"key":"k","value":"v"}],
      "capacityProviders":["FARGATE"],
      "configuration":{"executeCommandConfiguration":{"logging":"DEFAULT"}}})"));
  Json plain = h.ecs("DescribeClusters", {{"clusters", {"a"}}}).body["clusters"][0];
  for (const char* member : {"tags", "settings", "statistics", "configuration", "attachments", "attachmentsStatus"})
    EXPECT_FALSE(plain.contains(member)) << member;
  EXPECT_EQ(plain["capacityProviders"], Json::array({"FARGATE"}));
  EXPECT_EQ(plain["activeServicesCount"], 0);

  Json full = h.ecs("DescribeClusters", {{"clusters", {"a"}}, {"include", {"TAGS", "SETTINGS", "STATISTICS", "CONFIGURATIONS", "ATTACHMENTS"}}})
                  .body["clusters"][0];
  EXPECT_EQ(full["tags"], Json::parse(R"([{"key":"k","value":"v"}])"));
  EXPECT_EQ(full["settings"], Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
  EXPECT_EQ(full["configuration"], Json::parse(R"({"executeCommandConfiguration":{"logging":"DEFAULT"}})"));
  EXPECT_EQ(full["attachments"], Json::array());
  EXPECT_EQ(full["attachmentsStatus"], "UPDATE_COMPLETE");
  ASSERT_EQ(full["statistics"].size(), 8u);
  for (const auto& entry : full["statistics"]) EXPECT_EQ(entry["value"], "0") << entry.dump();

  Json tags_only = h.ecs("DescribeClusters", {{"clusters", {"a"}}, {"include", {"TAGS"}}}).body["clusters"][0];
  EXPECT_TRUE(tags_only.contains("tags"));
  EXPECT_FALSE(tags_only.contains("settings"));
}

TEST_F(ClusterOpsTest, DescribeRejectsUnknownIncludeAndTooManyClusters) {
  expect_error(h.ecs("DescribeClusters", {{"include", {"EVERYTHING"}}}), "InvalidParameterException");
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back("c" + std::to_string(i));
  expect_error(h.ecs("DescribeClusters", {{"clusters", many}}), "InvalidParameterException");
}

TEST_F(ClusterOpsTest, DescribeArnsOfOtherAccountsAndRegions) {
  h.ecs("CreateCluster", {{"clusterName", "a"}});
  expect_error(h.ecs("DescribeClusters", {{"clusters", {"arn:aws:ecs:us-east-1:111111111111:cluster/a"}}}), "InvalidParameterException");
  expect_error(h.ecs("DescribeClusters", {{"clusters", {"arn:aws:ecs:us-east-1:000000000000:service/a/b"}}}), "InvalidParameterException");
  auto r = h.ecs("DescribeClusters", {{"clusters", {"arn:aws:ecs:eu-west-1:000000000000:cluster/a"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.body["failures"][0]["arn"], "arn:aws:ecs:eu-west-1:000000000000:cluster/a");
}

// --- ListClusters ---

TEST_F(ClusterOpsTest, ListIsSortedAndSkipsInactive) {
  EXPECT_EQ(h.ecs("ListClusters").body, Json::parse(R"({"clusterArns":[]})"));
  for (const char* name : {"zeta", "alpha", "mid", "gone"}) h.ecs("CreateCluster", {{"clusterName", name}});
  h.ecs("DeleteCluster", {{"cluster", "gone"}});
  auto r = h.ecs("ListClusters");
  EXPECT_EQ(r.body["clusterArns"], Json::array({kArn + "alpha", kArn + "mid", kArn + "zeta"}));
  EXPECT_FALSE(r.body.contains("nextToken"));
}

TEST_F(ClusterOpsTest, ListPaginatesOverMoreThanOneHundredClusters) {
  std::set<std::string> created;
  for (int i = 0; i < 150; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "c%03d", i);
    ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", name}}).ok());
    created.insert(kArn + name);
  }
  auto first = h.ecs("ListClusters");
  ASSERT_EQ(first.body["clusterArns"].size(), 100u);
  ASSERT_TRUE(first.body.contains("nextToken"));
  auto second = h.ecs("ListClusters", {{"nextToken", first.body["nextToken"]}});
  ASSERT_EQ(second.body["clusterArns"].size(), 50u);
  EXPECT_FALSE(second.body.contains("nextToken"));

  std::vector<std::string> seen;
  Json input = {{"maxResults", 7}};
  for (int pages = 0; pages < 30; ++pages) {
    auto page = h.ecs("ListClusters", input);
    ASSERT_TRUE(page.ok()) << page.body.dump();
    for (const auto& arn : page.body["clusterArns"]) seen.push_back(arn.get<std::string>());
    if (!page.body.contains("nextToken")) break;
    input["nextToken"] = page.body["nextToken"];
  }
  EXPECT_EQ(seen.size(), 150u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), created);
}

TEST_F(ClusterOpsTest, ListRejectsBadPaging) {
  expect_error(h.ecs("ListClusters", {{"maxResults", 0}}), "InvalidParameterException");
  expect_error(h.ecs("ListClusters", {{"maxResults", 101}}), "InvalidParameterException");
  expect_error(h.ecs("ListClusters", {{"nextToken", "garbage"}}), "InvalidParameterException");
}

// --- UpdateCluster, UpdateClusterSettings, PutClusterCapacityProviders ---

TEST_F(ClusterOpsTest, UpdateClusterChangesSettingsConfigurationAndServiceConnect) {
  h.ecs("CreateCluster", {{"clusterName", "a"}});
  Json c = cluster_of(h.ecs("UpdateCluster", Json::parse(R"({"cluster":"a",
      "settings":[{"name":"containerInsights","value":"enabled"}],
      "configuration":{"executeCommandConfiguration":{"logging":"NONE"}},
      "serviceConnectDefaults":{"namespace":"ns"}})")));
  EXPECT_EQ(c["settings"], Json::parse(R"([{"name":"containerInsights","value":"enabled"}])"));
  EXPECT_EQ(c["configuration"], Json::parse(R"({"executeCommandConfiguration":{"logging":"NONE"}})"));
  EXPECT_EQ(c["serviceConnectDefaults"]["namespace"], "ns");
  c = cluster_of(h.ecs("UpdateCluster", {{"cluster", kArn + "a"}, {"serviceConnectDefaults", {{"namespace", ""}}}}));
  EXPECT_FALSE(c.contains("serviceConnectDefaults"));
  EXPECT_EQ(c["settings"][0]["value"], "enabled");
  expect_error(h.ecs("UpdateCluster", Json::parse(R"({"cluster":"a","configuration":{"executeCommandConfiguration":{"logging":"OVERRIDE"}}})")),
               "InvalidParameterException");
}

TEST_F(ClusterOpsTest, UpdateOperationsNeedAnActiveCluster) {
  h.ecs("CreateCluster", {{"clusterName", "old"}});
  h.ecs("DeleteCluster", {{"cluster", "old"}});
  const Json settings = {{{"name", "containerInsights"}, {"value", "enabled"}}};
  const std::vector<std::pair<std::string, Json>> calls = {
      {"UpdateCluster", {{"settings", settings}}},
      {"UpdateClusterSettings", {{"settings", settings}}},
      {"PutClusterCapacityProviders", {{"capacityProviders", {"FARGATE"}}, {"defaultCapacityProviderStrategy", Json::array()}}},
      {"DeleteCluster", Json::object()}};
  for (const auto& [operation, base] : calls) {
    Json input = base;
    input["cluster"] = "nope";
    expect_error(h.ecs(operation, input), "ClusterNotFoundException", "Cluster not found.");
    input["cluster"] = "old";
    expect_error(h.ecs(operation, input), "ClusterNotFoundException", "The referenced cluster was inactive.");
    input.erase("cluster");
    expect_error(h.ecs(operation, input), "InvalidParameterException");  // cluster is required
  }
}

TEST_F(ClusterOpsTest, UpdateClusterSettings) {
  h.ecs("CreateCluster");
  Json c = cluster_of(h.ecs("UpdateClusterSettings", {{"cluster", "default"}, {"settings", {{{"name", "containerInsights"}, {"value", "enabled"}}}}}));
  EXPECT_EQ(c["settings"][0]["value"], "enabled");
  EXPECT_EQ(c["statistics"], Json::array());
  expect_error(h.ecs("UpdateClusterSettings", {{"cluster", "default"}, {"settings", {{{"name", "containerInsights"}, {"value", "on"}}}}}),
               "InvalidParameterException");
  expect_error(h.ecs("UpdateClusterSettings", {{"cluster", "default"}}), "InvalidParameterException");
}

TEST_F(ClusterOpsTest, PutClusterCapacityProvidersReplacesBoth) {
  h.ecs("CreateCluster", {{"clusterName", "a"}});
  Json c = cluster_of(h.ecs("PutClusterCapacityProviders", {{"cluster", "a"},
                                                            {"capacityProviders", {"FARGATE_SPOT", "FARGATE"}},
                                                            {"defaultCapacityProviderStrategy", Json::array({strategy_item("FARGATE_SPOT", 4, 1)})}}));
  EXPECT_EQ(c["capacityProviders"], Json::array({"FARGATE_SPOT", "FARGATE"}));
  EXPECT_EQ(c["defaultCapacityProviderStrategy"], Json::array({strategy_item("FARGATE_SPOT", 4, 1)}));
  EXPECT_EQ(c["attachmentsStatus"], "UPDATE_COMPLETE");
  c = cluster_of(h.ecs("PutClusterCapacityProviders", {{"cluster", "a"}, {"capacityProviders", Json::array()},
                                                       {"defaultCapacityProviderStrategy", Json::array()}}));
  EXPECT_EQ(c["capacityProviders"], Json::array());
  expect_error(h.ecs("PutClusterCapacityProviders", {{"cluster", "a"}, {"capacityProviders", {"FARGATE"}}}), "InvalidParameterException");
  expect_error(h.ecs("PutClusterCapacityProviders", {{"cluster", "a"}, {"capacityProviders", {"MINE"}},
                                                     {"defaultCapacityProviderStrategy", Json::array()}}),
               "InvalidParameterException");
  expect_error(h.ecs("PutClusterCapacityProviders", {{"cluster", "a"}, {"capacityProviders", {"FARGATE"}},
                                                     {"defaultCapacityProviderStrategy", Json::array({strategy_item("FARGATE_SPOT", 1, 0)})}}),
               "InvalidParameterException");
}

// --- DeleteCluster and the usage counters ---

TEST_F(ClusterOpsTest, DeleteMakesTheClusterInactiveButDescribable) {
  h.ecs("CreateCluster", {{"clusterName", "a"}, {"tags", {{{"key", "k"}, {"value", "v"}}}}});
  Json c = cluster_of(h.ecs("DeleteCluster", {{"cluster", kArn + "a"}}));
  EXPECT_EQ(c["status"], "INACTIVE");
  EXPECT_EQ(c["clusterArn"], kArn + "a");
  auto r = h.ecs("DescribeClusters", {{"clusters", {"a"}}, {"include", {"TAGS"}}});
  ASSERT_EQ(r.body["clusters"].size(), 1u);
  EXPECT_EQ(r.body["clusters"][0]["status"], "INACTIVE");
  EXPECT_EQ(r.body["clusters"][0]["tags"], Json::array());
  EXPECT_EQ(h.ecs("ListClusters").body["clusterArns"], Json::array());
}

TEST_F(ClusterOpsTest, DeleteRefusesWhileServicesOrTasksAreActive) {
  h.ecs("CreateCluster", {{"clusterName", "busy"}});
  ClusterUsage& usage = stored("busy").usage;
  usage.add_service(ServiceBucket::Draining, CapacityKind::Fargate, 1);
  expect_error(h.ecs("DeleteCluster", {{"cluster", "busy"}}), "ClusterContainsServicesException",
               "The Cluster cannot be deleted while Services are active.");
  usage.add_service(ServiceBucket::Draining, CapacityKind::Fargate, -1);
  usage.add_task(TaskBucket::Pending, CapacityKind::Fargate, 1);
  expect_error(h.ecs("DeleteCluster", {{"cluster", "busy"}}), "ClusterContainsTasksException",
               "The Cluster cannot be deleted while Tasks are active.");
  usage.add_task(TaskBucket::Pending, CapacityKind::Fargate, -1);
  EXPECT_TRUE(h.ecs("DeleteCluster", {{"cluster", "busy"}}).ok());
}

TEST_F(ClusterOpsTest, CountsAndStatisticsFollowTheUsageCounters) {
  h.ecs("CreateCluster");
  ClusterUsage& usage = stored("default").usage;
  usage.add_task(TaskBucket::Running, CapacityKind::Fargate, 3);
  usage.add_task(TaskBucket::Running, CapacityKind::Ec2, 1);
  usage.add_task(TaskBucket::Pending, CapacityKind::Fargate, 2);
  usage.add_service(ServiceBucket::Active, CapacityKind::Fargate, 2);
  usage.add_service(ServiceBucket::Draining, CapacityKind::Fargate, 1);
  usage.add_task(TaskBucket::Pending, CapacityKind::Ec2, -5);  // never below zero
  Json c = h.ecs("DescribeClusters", {{"include", {"STATISTICS"}}}).body["clusters"][0];
  EXPECT_EQ(c["runningTasksCount"], 4);
  EXPECT_EQ(c["pendingTasksCount"], 2);
  EXPECT_EQ(c["activeServicesCount"], 2);
  std::map<std::string, std::string> stats;
  for (const auto& e : c["statistics"]) stats[e["name"].get<std::string>()] = e["value"].get<std::string>();
  EXPECT_EQ(stats["runningFargateTasksCount"], "3");
  EXPECT_EQ(stats["runningEC2TasksCount"], "1");
  EXPECT_EQ(stats["pendingFargateTasksCount"], "2");
  EXPECT_EQ(stats["pendingEC2TasksCount"], "0");
  EXPECT_EQ(stats["activeFargateServiceCount"], "2");
  EXPECT_EQ(stats["drainingFargateServiceCount"], "1");
}

// --- require_active_cluster (used by every later operation) ---

TEST_F(ClusterOpsTest, RequireActiveClusterResolvesNamesArnsAndDefault) {
  h.ecs("CreateCluster");
  h.ecs("CreateCluster", {{"clusterName", "a"}});
  h.ecs("CreateCluster", {{"clusterName", "dead"}});
  h.ecs("DeleteCluster", {{"cluster", "dead"}});
  auto ctx = default_ctx();
  auto& state = h.ecs_provider().state(ctx);
  EXPECT_EQ(require_active_cluster(state, ctx, std::nullopt).name, "default");
  EXPECT_EQ(require_active_cluster(state, ctx, std::string("a")).name, "a");
  EXPECT_EQ(require_active_cluster(state, ctx, kArn + "a").name, "a");
  auto message_of = [&](const std::optional<std::string>& which) {
    try {
      require_active_cluster(state, ctx, which);
    } catch (const AwsError& e) {
      return e.code + ": " + e.what();
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of(std::string("zzz")), "ClusterNotFoundException: Cluster not found.");
  EXPECT_EQ(message_of(std::string("dead")), "ClusterNotFoundException: The referenced cluster was inactive.");
  EXPECT_EQ(message_of(std::string("arn:aws:ecs:eu-west-1:000000000000:cluster/a")), "ClusterNotFoundException: Cluster not found.");
  EXPECT_EQ(message_of(std::string("arn:aws:ecs:us-east-1:000000000000:task/a/1")).rfind("InvalidParameterException", 0), 0u);
}

// --- accounts and regions ---

TEST_F(ClusterOpsTest, AccountsAndRegionsAreIsolated) {
  Json c = cluster_of(h.ecs("CreateCluster", {{"clusterName", "mine"}}, "111111111111"));
  EXPECT_EQ(c["clusterArn"], "arn:aws:ecs:us-east-1:111111111111:cluster/mine");
  Json west = cluster_of(h.ecs("CreateCluster", {{"clusterName", "mine"}}, "111111111111", "eu-west-1"));
  EXPECT_EQ(west["clusterArn"], "arn:aws:ecs:eu-west-1:111111111111:cluster/mine");
  EXPECT_EQ(h.ecs("ListClusters").body["clusterArns"], Json::array());
  EXPECT_EQ(h.ecs("ListClusters", Json::object(), "222222222222").body["clusterArns"], Json::array());
  EXPECT_EQ(h.ecs("ListClusters", Json::object(), "111111111111").body["clusterArns"], Json::array({c["clusterArn"]}));
  EXPECT_EQ(h.ecs("DescribeClusters", {{"clusters", {"mine"}}}).body["failures"][0]["reason"], "MISSING");
  expect_error(h.ecs("DeleteCluster", {{"cluster", "mine"}}, "222222222222"), "ClusterNotFoundException");
  EXPECT_TRUE(h.ecs("DeleteCluster", {{"cluster", "mine"}}, "111111111111").ok());
  EXPECT_EQ(h.ecs("ListClusters", Json::object(), "111111111111", "eu-west-1").body["clusterArns"].size(), 1u);
}

}  // namespace
}  // namespace ecslocal::api::ecs
