// The server over real HTTP: envelopes, headers, keep-alive, pipelining, limits, concurrency.
#include <atomic>
#include <thread>
#include <vector>

#include "tests/component/test_server.hpp"

namespace ecslocal::testing {
namespace {

class HttpServer : public ServerFixture {};

const std::string kAuth111 =
    "AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00";

TEST_F(HttpServer, HealthAnswersJson) {
  Connection c(port());
  auto res = c.request(http::verb::get, "/_ecslocal/health", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["status"], "running");
  EXPECT_FALSE(res["x-amzn-RequestId"].empty());
}

TEST_F(HttpServer, UnknownAdminRouteIs404) {
  Connection c(port());
  EXPECT_EQ(c.request(http::verb::get, "/_ecslocal/nope", "").result_int(), 404);
}

TEST_F(HttpServer, ErrorsCarryTypeHeaderRequestIdAndContentType) {
  Connection c(port());
  auto res = c.request(http::verb::post, "/", "{}", "AmazonEC2ContainerServiceV20141113.Bogus");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res[http::field::content_type], "application/x-amz-json-1.1");
  EXPECT_EQ(res["X-Amzn-ErrorType"], "UnknownOperationException");
  EXPECT_EQ(res["x-amzn-RequestId"].size(), 36u);
  EXPECT_EQ(body_of(res)["__type"], "com.amazon.coral.service#UnknownOperationException");

  res = c.request(http::verb::post, "/", "{\"cluster\":", "AmazonEC2ContainerServiceV20141113.ListServices");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(body_of(res)["__type"], "com.amazon.coral.service#SerializationException");

  res = c.aws("RunTask", {{"taskDefinition", 12}});
  EXPECT_EQ(body_of(res)["__type"], "com.amazon.coral.service#SerializationException");

  res = c.aws("RunTask", nlohmann::json::object());
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(body_of(res)["__type"], "InvalidParameterException");

  res = c.aws("CreateTaskSet", {{"service", "s"}, {"cluster", "c"}, {"taskDefinition", "t"}});
  EXPECT_EQ(res.result_int(), 501);
  EXPECT_EQ(body_of(res)["__type"], "NotImplementedException");
}

TEST_F(HttpServer, NoTargetAtAllIsAnUnknownOperation) {
  Connection c(port());
  auto res = c.request(http::verb::get, "/", "");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res["X-Amzn-ErrorType"], "UnknownOperationException");
}

TEST_F(HttpServer, RequestIdsDifferPerRequest) {
  Connection c(port());
  auto a = c.request(http::verb::get, "/_ecslocal/health", "");
  auto b = c.request(http::verb::get, "/_ecslocal/health", "");
  EXPECT_NE(a["x-amzn-RequestId"], b["x-amzn-RequestId"]);
}

TEST_F(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  Connection c(port());
  for (int i = 0; i < 50; ++i) {
    auto res = c.request(http::verb::get, "/_ecslocal/health", "");
    ASSERT_EQ(res.result_int(), 200);
    ASSERT_TRUE(res.keep_alive());
  }
}

TEST_F(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  Connection c(port());
  std::string batch;
  const char* ops[] = {"Bogus1", "Bogus2", "Bogus3"};
  for (const char* op : ops) {
    batch += std::string("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Nope_2020.") + op +
             "\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}";
  }
  batch += "GET /_ecslocal/health HTTP/1.1\r\nHost: x\r\n\r\n";
  c.write_raw(batch);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.read().result_int(), 400);
  EXPECT_EQ(c.read().result_int(), 200);
}

TEST_F(HttpServer, MalformedHttpGets400AndClose) {
  Connection c(port());
  c.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(HttpServer, ConnectionCloseIsHonoured) {
  Connection c(port());
  c.write_raw("GET /_ecslocal/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.read().result_int(), 200);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(HttpServer, ManyConcurrentClients) {
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 32; ++t) {
    clients.emplace_back([&] {
      Connection c(port());
      for (int i = 0; i < 20; ++i) {
        auto res = c.aws("ListServices", {{"cluster", 7}});
        if (res.result_int() == 400 && body_of(res)["__type"] == "com.amazon.coral.service#SerializationException") ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 32 * 20);
}

TEST_F(HttpServer, ResetRouteAnswers) {
  Connection c(port());
  auto res = c.request(http::verb::post, "/_ecslocal/reset", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["reset"], true);
}

TEST_F(HttpServer, StateRouteShowsEveryServicesView) {
  Connection c(port());
  ASSERT_EQ(c.aws("CreateCluster", {{"clusterName", "viewed"}}, kAuth111).result_int(), 200);
  auto res = c.request(http::verb::get, "/_ecslocal/state", "");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  auto state = body_of(res);
  for (const char* service : {"ecs", "logs", "ec2", "iam", "sts"}) EXPECT_TRUE(state.contains(service)) << service;
  ASSERT_EQ(state["ecs"].size(), 1u) << state["ecs"];
  EXPECT_EQ(state["ecs"][0]["account"], "111122223333");
  EXPECT_EQ(state["ecs"][0]["clusters"][0]["clusterName"], "viewed");

  // ?account= narrows the view.
  auto other = body_of(c.request(http::verb::get, "/_ecslocal/state?account=999988887777", ""));
  EXPECT_TRUE(other["ecs"].empty()) << other["ecs"];
  auto same = body_of(c.request(http::verb::get, "/_ecslocal/state?account=111122223333&region=us-east-1", ""));
  EXPECT_EQ(same["ecs"].size(), 1u);
}

TEST_F(HttpServer, AdminRoutesWithTheWrongMethodAre405) {
  Connection c(port());
  auto res = c.request(http::verb::get, "/_ecslocal/reset", "");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "POST");
  EXPECT_EQ(c.request(http::verb::post, "/_ecslocal/state", "").result_int(), 405);
  EXPECT_EQ(c.request(http::verb::get, "/_ecslocal/health?x=1", "").result_int(), 200);
}

TEST_F(HttpServer, ResetClearsTheState) {
  Connection c(port());
  ASSERT_EQ(c.aws("CreateCluster", {{"clusterName", "gone"}}).result_int(), 200);
  ASSERT_EQ(c.request(http::verb::post, "/_ecslocal/reset", "").result_int(), 200);
  EXPECT_TRUE(body_of(c.request(http::verb::get, "/_ecslocal/state", ""))["ecs"].empty());
  EXPECT_TRUE(body_of(c.aws("ListClusters", nlohmann::json::object()))["clusterArns"].empty());
}

class LimitedServer : public ServerFixture {
 protected:
  void SetUp() override {
    auto c = test_config();
    c.body_limit = 1024;
    c.read_timeout_seconds = 1;
    start(c);
  }
};

TEST_F(LimitedServer, OversizedBodyGets413AndClose) {
  Connection c(port());
  c.write(http::verb::post, "/", std::string(4096, 'x'), "AmazonEC2ContainerServiceV20141113.ListClusters");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(LimitedServer, StalledClientIsDisconnectedAfterTheReadTimeout) {
  Connection c(port());
  c.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
  // The server must drop the connection on its own (1 s timeout); the read returns then.
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(AppLifecycle, BindFailureThrowsAndStopIsClean) {
  auto config = test_config();
  server::App first(config);
  first.start();
  config.port = first.port();
  server::App second(config);
  EXPECT_THROW(second.start(), std::exception);
  first.stop();
  first.wait();
}

}  // namespace
}  // namespace ecslocal::testing
