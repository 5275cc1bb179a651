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
  std::string validation_error_code() const override { return "InvalidParameterException"; }
  void tick(Clock::time_point) override { ++ticks; }
  Json snapshot() const override { return Json{{"kept", kept}}; }
  void restore(const Json& snapshot) override { kept = snapshot.at("kept").get<int>(); }
  Json state_view(const StateViewQuery& query) const override { return Json{{"account", query.account_id}}; }
  void on_reset() override { ++resets; }
  OperationTable table;
  int resets = 0, ticks = 0, kept = 0;
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
  EXPECT_EQ(r.body["message"], "No service of ecslocal answers the X-Amz-Target prefix NoSuchService_2020");
  r = send("AmazonEC2ContainerServiceV20141113.NoSuchOperation", "{}");
  EXPECT_EQ(r.body["__type"], "com.amazon.coral.service#UnknownOperationException");
  EXPECT_EQ(r.body["message"], "ecs has no operation NoSuchOperation");
  r = send("garbage", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["message"], "X-Amz-Target garbage names no operation: expected <TargetPrefix>.<Operation>");
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
  ecs->table["DescribeServices"] = [](const RequestContext&, Json&) -> Json {
    throw AwsError("ClusterNotFoundException", "Cluster not found.");
  };
  auto r = send("AmazonEC2ContainerServiceV20141113.DescribeServices", R"({"services":["s"]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, Json({{"__type", "ClusterNotFoundException"}, {"message", "Cluster not found."}}));
  EXPECT_EQ(r.error_type, "ClusterNotFoundException");
}

// Strict mode (tests): an error the operation's model does not list is a bug of ours.
TEST_F(GatewayTest, ErrorsTheOperationCannotAnswerAreServerExceptionsInStrictMode) {
  ecs->table["ListClusters"] = [](const RequestContext&, Json&) -> Json {
    throw AwsError("ClusterNotFoundException", "Cluster not found.");
  };
  auto r = send(kList, "{}");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body["__type"], "ServerException");
  EXPECT_NE(r.body["message"].get<std::string>().find("ClusterNotFoundException"), std::string::npos);
  // The service's validation error and the protocol's own errors are always allowed.
  ecs->table["ListClusters"] = [](const RequestContext&, Json&) -> Json {
    throw AwsError("InvalidParameterException", "bad");
  };
  EXPECT_EQ(send(kList, "{}").status, 400);
}

TEST_F(GatewayTest, TheHandlerRunsInInvokeNotInDecode) {
  int calls = 0;
  ecs->table["ListClusters"] = [&](const RequestContext&, Json&) {
    ++calls;
    return Json{{"clusterArns", Json::array()}};
  };
  ApiRequest request;
  request.target = kList;
  request.body = R"({"maxResults": 5})";
  Call call = gateway.decode(request);
  EXPECT_FALSE(call.error);
  EXPECT_EQ(call.input["maxResults"], 5);  // parsed and checked on the I/O side
  EXPECT_EQ(calls, 0);
  gateway.invoke(call);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(gateway.encode(call).status, 200);
  // A request the model refuses never reaches the state strand's handler.
  request.body = R"({"maxResults": "five"})";
  call = gateway.decode(request);
  ASSERT_TRUE(call.error);
  gateway.invoke(call);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(gateway.encode(call).status, 400);
}

TEST_F(GatewayTest, RegisteringAnOperationTheModelLacksFailsAtStartUp) {
  auto bad = std::make_shared<FakeEcs>();
  bad->table["NoSuchOperation"] = [](const RequestContext&, Json&) { return Json::object(); };
  Gateway other(opts());
  EXPECT_THROW(other.add(bad), std::logic_error);
}

TEST_F(GatewayTest, TheLifecycleReachesEveryService) {
  gateway.tick(Clock::now());
  EXPECT_EQ(ecs->ticks, 1);
  ecs->kept = 7;
  const Json snapshot = gateway.snapshot();
  EXPECT_EQ(snapshot, Json({{"ecs", {{"kept", 7}}}}));
  ecs->kept = 0;
  gateway.restore(snapshot);
  EXPECT_EQ(ecs->kept, 7);
  EXPECT_EQ(gateway.state_view({"123456789012", ""}), Json({{"ecs", {{"account", "123456789012"}}}}));
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

namespace ecslocal::api {
namespace {

// Issue 18: ~50,000 levels of nested JSON (a 120 KB body) overflowed the stack in the recursive
// copies and dumps and killed the process. The depth is bounded before anything parses it.
TEST_F(GatewayTest, DeeplyNestedBodiesAreASerializationExceptionNotACrash) {
  ecs->table["RunTask"] = [](const RequestContext&, Json&) { return Json::object(); };
  std::string deep = R"({"taskDefinition":"t","overrides":)";
  for (int i = 0; i < 50000; ++i) deep += "[";
  for (int i = 0; i < 50000; ++i) deep += "]";
  deep += "}";
  auto r = send("AmazonEC2ContainerServiceV20141113.RunTask", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type, "SerializationException");
  // Brackets inside strings do not count; moderate nesting is parsed (and judged by the model).
  std::string text = R"({"taskDefinition":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"{{{{"})";
  EXPECT_EQ(send("AmazonEC2ContainerServiceV20141113.RunTask", text).status, 200);
  std::string fifty = R"({"taskDefinition":"t","tags":)";
  for (int i = 0; i < 50; ++i) fifty += "[";
  for (int i = 0; i < 50; ++i) fifty += "]";
  fifty += "}";
  auto judged = send("AmazonEC2ContainerServiceV20141113.RunTask", fifty);
  EXPECT_EQ(judged.status, 400);
  EXPECT_NE(judged.error_type, "ServerException");
}

}  // namespace
}  // namespace ecslocal::api

namespace ecslocal::api {
namespace {

// Issue 18: an unknown member inside a member kept as given (serviceConnectConfiguration,
// loadBalancers, ...) was stored, and every later reply carrying it failed the strict output check.
TEST_F(GatewayTest, MembersTheModelDoesNotKnowAreDroppedAtTheDoor) {
  Json seen;
  ecs->table["CreateService"] = [&](const RequestContext&, Json& input) {
    seen = input;
    return Json::object();
  };
  auto r = send("AmazonEC2ContainerServiceV20141113.CreateService",
                R"({"serviceName":"s","futureMember":1,
                    "serviceConnectConfiguration":{"enabled":true,"surprise":{"x":1}},
                    "loadBalancers":[{"containerName":"c","containerPort":80,"extra":"y"}]})");
  EXPECT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(seen, Json::parse(R"({"serviceName":"s","serviceConnectConfiguration":{"enabled":true},
                                  "loadBalancers":[{"containerName":"c","containerPort":80}]})"));
}

}  // namespace
}  // namespace ecslocal::api
