#include "api/gateway.hpp"

#include <gtest/gtest.h>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api {
namespace {

// A service on the ECS model with a hand-made operation table.
class FakeEcs : public Service {
 public:
  std::string_view name() const override { return "ecs"; }
  const protocol::ServiceModel& model() const override { return protocol::ServiceModel::get("ecs"); }
  const OperationTable& operations() const override { return table; }
  void reset() override { ++resets; }
  std::string validation_error_code() const override { return "InvalidParameterException"; }
  OperationTable table;
  int resets = 0;
};

struct Reply {
  int status;
  Json body;
  std::string error_type;
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() : gateway(opts()) {
    ecs = std::make_shared<FakeEcs>();
    gateway.add(ecs);
  }
  static GatewayOptions opts() {
    GatewayOptions o;
    o.strict_shapes = true;
    o.default_account_id = "000000000000";
    o.default_region = "us-east-1";
    return o;
  }
  Reply send(const std::string& target, const std::string& body, const std::string& key = "", const std::string& region = "") {
    ApiRequest r;
    r.target = target;
    r.body = body;
    r.access_key = key;
    r.region = region;
    auto res = gateway.handle(r);
    EXPECT_EQ(res.content_type, "application/x-amz-json-1.1");
    return {res.status, Json::parse(res.body), res.error_type};
  }
  Gateway gateway;
  std::shared_ptr<FakeEcs> ecs;
};

const char* kList = "AmazonEC2ContainerServiceV20141113.ListClusters";

TEST_F(GatewayTest, CallsTheHandlerWithAccountAndRegionOfTheRequest) {
  RequestContext seen;
  ecs->table["ListClusters"] = [&](const RequestContext& ctx, Json&) {
    seen = ctx;
    return Json{{"clusterArns", {"arn:x"}}};
  };
  auto r = send(kList, "{}", "123456789012", "eu-west-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, Json({{"clusterArns", {"arn:x"}}}));
  EXPECT_EQ(seen.account_id, "123456789012");
  EXPECT_EQ(seen.region, "eu-west-1");
  send(kList, "");  // an empty body is an empty input
  EXPECT_EQ(seen.account_id, "000000000000");
  EXPECT_EQ(seen.region, "us-east-1");
}

TEST_F(GatewayTest, UnknownTargetsAndOperationsAreCoralErrors) {
  auto r = send("NoSuchService_2020.Foo", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["__type"], "com.amazon.coral.service#UnknownOperationException");
  EXPECT_EQ(r.error_type, "UnknownOperationException");
  r = send("AmazonEC2ContainerServiceV20141113.NoSuchOperation", "{}");
  EXPECT_EQ(r.body["__type"], "com.amazon.coral.service#UnknownOperationException");
  r = send("garbage", "{}");
  EXPECT_EQ(r.status, 400);
}

TEST_F(GatewayTest, MalformedJsonIsASerializationException) {
  for (const char* body : {"{", "not json", "[1,2]", "\"text\""}) {
    auto r = send(kList, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body["__type"], "com.amazon.coral.service#SerializationException") << body;
    EXPECT_FALSE(r.body["message"].get<std::string>().empty());
  }
}

TEST_F(GatewayTest, OperationsOfTheModelWithoutAHandlerAreNotImplemented) {
  auto r = send("AmazonEC2ContainerServiceV20141113.CreateTaskSet",
                R"({"service":"s","cluster":"c","taskDefinition":"t"})");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.body["__type"], "NotImplementedException");
  EXPECT_EQ(r.body["message"], "ecslocal does not implement ecs:CreateTaskSet yet.");
}

TEST_F(GatewayTest, HandlerErrorsKeepTheirTypeAndStatus) {
  ecs->table["ListClusters"] = [](const RequestContext&, Json&) -> Json {
    throw AwsError("ClusterNotFoundException", "Cluster not found.");
  };
  auto r = send(kList, "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, Json({{"__type", "ClusterNotFoundException"}, {"message", "Cluster not found."}}));
  EXPECT_EQ(r.error_type, "ClusterNotFoundException");
}

TEST_F(GatewayTest, ResponsesOutsideTheModelAreServerExceptionsInStrictMode) {
  ecs->table["ListClusters"] = [](const RequestContext&, Json&) { return Json{{"clusterArns", {"a"}}, {"extra", 1}}; };
  auto r = send(kList, "{}");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body["__type"], "ServerException");
  EXPECT_NE(r.body["message"].get<std::string>().find("extra"), std::string::npos);
}

TEST_F(GatewayTest, NullOutputMembersAreDropped) {
  ecs->table["ListClusters"] = [](const RequestContext&, Json&) { return Json{{"clusterArns", {"a"}}, {"nextToken", nullptr}}; };
  EXPECT_EQ(send(kList, "{}").body, Json({{"clusterArns", {"a"}}}));
}

TEST_F(GatewayTest, ResetReachesEveryService) {
  gateway.reset();
  EXPECT_EQ(ecs->resets, 1);
}

}  // namespace
}  // namespace ecslocal::api
