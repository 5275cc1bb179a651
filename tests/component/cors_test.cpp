// CORS over real HTTP on the main port: preflights of browser SDKs from loopback pages, 403 for
// other origins (preflight and actual), --cors-origins adding origins, requests without Origin
// untouched; the policy's matching rules; the flag.
#include <gtest/gtest.h>

#include "server/config.hpp"
#include "server/cors.hpp"
#include "tests/component/test_server.hpp"

namespace ecslocal::testing {
namespace {

http::response<http::string_body> send(uint16_t port, http::verb method, const std::string& origin,
                                       const std::string& amz_target = "") {
  Connection c(port);
  http::request<http::string_body> req{method, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  if (!origin.empty()) req.set(http::field::origin, origin);
  if (method == http::verb::options) {
    req.set(http::field::access_control_request_method, "POST");
    req.set(http::field::access_control_request_headers, "authorization,content-type,x-amz-target,x-amz-date");
  } else {
    req.set("X-Amz-Target", amz_target);
    req.set(http::field::content_type, "application/x-amz-json-1.1");
    req.body() = "{}";
  }
  req.prepare_payload();
  http::write(c.socket(), req);
  return c.read();
}

class Cors : public ServerFixture {};

TEST_F(Cors, PreflightFromALoopbackPageGets204WithWhatBrowserSdksNeed) {
  for (const char* origin : {"http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5173", "http://localhost"}) {
    auto res = send(port(), http::verb::options, origin);
    EXPECT_EQ(res.result_int(), 204) << origin;
    EXPECT_EQ(res[http::field::access_control_allow_origin], origin);
    EXPECT_NE(res[http::field::access_control_allow_methods].find("POST"), std::string::npos);
    const std::string headers(res[http::field::access_control_allow_headers]);
    for (const char* h : {"authorization", "content-type", "x-amz-target", "x-amz-date", "x-amz-user-agent",
                          "x-amz-security-token", "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-content-sha256"})
      EXPECT_NE(headers.find(h), std::string::npos) << h;
    const std::string expose(res[http::field::access_control_expose_headers]);
    for (const char* h : {"x-amzn-requestid", "x-amzn-errortype", "x-amz-request-id", "date"})
      EXPECT_NE(expose.find(h), std::string::npos) << h;
    EXPECT_FALSE(res[http::field::access_control_max_age].empty());
    EXPECT_TRUE(res.body().empty());
  }
}

TEST_F(Cors, ActualRequestFromALoopbackPageCarriesTheCorsHeaders) {
  auto res = send(port(), http::verb::post, "http://localhost:3000", "AmazonEC2ContainerServiceV20141113.ListClusters");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "http://localhost:3000");
  EXPECT_NE(res[http::field::access_control_expose_headers].find("x-amzn-requestid"), std::string::npos);
}

TEST_F(Cors, OtherOriginsAre403PreflightOrNot) {
  for (auto method : {http::verb::options, http::verb::post}) {
    auto res = send(port(), method, "https://evil.example", "AmazonEC2ContainerServiceV20141113.ListClusters");
    EXPECT_EQ(res.result_int(), 403);
    EXPECT_TRUE(res[http::field::access_control_allow_origin].empty());
    EXPECT_NE(body_of(res)["message"].get<std::string>().find("origin https://evil.example is not allowed"),
              std::string::npos);
  }
  // Look-alikes of loopback are not loopback.
  for (const char* origin : {"http://localhost.evil.example", "http://127.0.0.1.nip.io:80", "null", "file://"})
    EXPECT_EQ(send(port(), http::verb::options, origin).result_int(), 403) << origin;
}

TEST_F(Cors, ResetFromAnotherOriginIsRefusedAndChangesNothing) {
  Connection c(port());
  ASSERT_EQ(c.aws("CreateCluster", nlohmann::json::object()).result_int(), 200);
  http::request<http::string_body> req{http::verb::post, "/_ecslocal/reset", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::origin, "https://evil.example");
  req.prepare_payload();
  http::write(c.socket(), req);
  EXPECT_EQ(c.read().result_int(), 403);
  EXPECT_EQ(body_of(c.aws("ListClusters", nlohmann::json::object()))["clusterArns"].size(), 1u);
}

TEST_F(Cors, RequestsWithoutOriginAreUntouched) {
  auto res = send(port(), http::verb::post, "", "AmazonEC2ContainerServiceV20141113.ListClusters");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_TRUE(res[http::field::access_control_allow_origin].empty());
}

TEST(CorsOrigins, TheFlagAddsOrigins) {
  auto config = test_config();
  config.cors_origins = "https://console.example.com, http://dev.test:*";
  server::App app(config);
  app.start();
  EXPECT_EQ(send(app.port(), http::verb::options, "https://console.example.com").result_int(), 204);
  EXPECT_EQ(send(app.port(), http::verb::options, "http://dev.test:9000").result_int(), 204);
  EXPECT_EQ(send(app.port(), http::verb::options, "http://localhost:1234").result_int(), 204);  // still
  EXPECT_EQ(send(app.port(), http::verb::options, "https://other.example.com").result_int(), 403);
}

TEST(CorsOrigins, StarAllowsEveryOrigin) {
  auto config = test_config();
  config.cors_origins = "*";
  server::App app(config);
  app.start();
  auto res = send(app.port(), http::verb::options, "https://anything.example");
  EXPECT_EQ(res.result_int(), 204);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "https://anything.example");
}

TEST(CorsPolicy, Matching) {
  auto p = server::CorsPolicy::from_list("https://a.example/, http://b.example:*");
  EXPECT_TRUE(p.allows("https://a.example"));
  EXPECT_FALSE(p.allows("https://a.example:444"));
  EXPECT_TRUE(p.allows("http://b.example"));
  EXPECT_TRUE(p.allows("http://b.example:8080"));
  EXPECT_FALSE(p.allows("http://b.example.evil:8080"));
  EXPECT_FALSE(p.allows("http://b.examplex"));
  EXPECT_TRUE(p.allows("https://localhost:8443"));
  EXPECT_FALSE(p.allows("http://localhost:"));
  EXPECT_FALSE(p.allows("http://localhost:80a"));
  EXPECT_FALSE(server::CorsPolicy::from_list("").allows("https://a.example"));
}

TEST(CorsPolicy, FlagAndEnvironment) {
  server::Config config;
  int code = 0;
  const char* argv[] = {"ecslocal", "--cors-origins", "https://x.example,*"};
  ASSERT_TRUE(server::parse_config(3, const_cast<char**>(argv), config, code));
  EXPECT_EQ(config.cors_origins, "https://x.example,*");
}

}  // namespace
}  // namespace ecslocal::testing
