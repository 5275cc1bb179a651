// Query-protocol requests over real HTTP: form bodies with a SigV4 scope, GET query strings,
// XML replies with the request id in the body and the header.
#include <gtest/gtest.h>

#include "tests/component/test_server.hpp"

namespace ecslocal::testing {
namespace {

class QueryProtocol : public ServerFixture {};

std::string form_post(const std::string& body, const std::string& scope_service) {
  return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
         "Authorization: AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/" + scope_service +
         "/aws4_request, SignedHeaders=host, Signature=00\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST_F(QueryProtocol, SignedFormPostGoesToTheScopesServiceAndAnswersXml) {
  Connection c(port());
  c.write_raw(form_post("Action=GetCallerIdentity&Version=2011-06-15", "sts"));
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "text/xml");
  const std::string id(res["x-amzn-RequestId"]);
  EXPECT_NE(res.body().find("<Account>111122223333</Account>"), std::string::npos) << res.body();
  EXPECT_NE(res.body().find("<RequestId>" + id + "</RequestId>"), std::string::npos) << res.body();
}

TEST_F(QueryProtocol, GetWithQueryStringAndErrorsAsXmlDocuments) {
  Connection c(port());
  auto res = c.request(http::verb::get, "/?Action=GetRole&Version=2010-05-08&RoleName=nobody", "");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_NE(res.body().find("<Code>NoSuchEntity</Code>"), std::string::npos) << res.body();
  c.write_raw(form_post("Action=DescribeEnvironments&Version=2010-12-01", "elasticbeanstalk"));
  res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_NE(res.body().find("<Code>InvalidAction</Code>"), std::string::npos) << res.body();
  c.write_raw(form_post("Action=DescribeLoadBalancers&Version=2015-12-01", "elasticloadbalancing"));
  res = c.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_NE(res.body().find("<DescribeLoadBalancersResult>"), std::string::npos) << res.body();
}

TEST_F(QueryProtocol, HealthListsTheServedServices) {
  Connection c(port());
  auto services = body_of(c.request(http::verb::get, "/_ecslocal/health", ""))["services"];
  EXPECT_EQ(services, nlohmann::json({"ecs", "logs", "ec2", "iam", "sts", "elbv2", "ssm", "secretsmanager",
                                         "cloudwatch", "autoscaling", "servicediscovery"}));
}

}  // namespace
}  // namespace ecslocal::testing
