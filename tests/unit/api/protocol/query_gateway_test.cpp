// Query-protocol requests through the Gateway: routing by SigV4 scope or Action, decoding,
// model checks with the protocol's error codes, XML replies and error documents.
#include <gtest/gtest.h>

#include "api/gateway.hpp"
#include "tests/fakes/fake_service.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api {
namespace {

class FakeQueryService : public testing::FakeService {
 public:
  FakeQueryService(std::string name, std::string validation) : name_(std::move(name)), validation_(std::move(validation)) {}
  std::string_view name() const override { return name_; }
  const protocol::ServiceModel& model() const override { return protocol::ServiceModel::get(name_); }
  std::string validation_error_code() const override { return validation_; }

 private:
  std::string name_, validation_;
};

class QueryGatewayTest : public ::testing::Test {
 protected:
  QueryGatewayTest() : gateway(opts()) {
    iam = std::make_shared<FakeQueryService>("iam", "ValidationError");
    sts = std::make_shared<FakeQueryService>("sts", "ValidationError");
    ec2 = std::make_shared<FakeQueryService>("ec2", "InvalidParameterValue");
    gateway.add(iam);
    gateway.add(sts);
    gateway.add(ec2);
  }
  static GatewayOptions opts() {
    GatewayOptions o;
    o.strict_shapes = true;
    return o;
  }
  ApiResponse send(const std::string& body, const std::string& scope = "", const std::string& query = "") {
    ApiRequest r;
    r.content_type = body.empty() ? "" : "application/x-www-form-urlencoded; charset=utf-8";
    r.body = body;
    r.query_string = query;
    r.signing_service = scope;
    r.request_id = "rid";
    return gateway.handle(r);
  }
  Gateway gateway;
  std::shared_ptr<FakeQueryService> iam, sts, ec2;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(QueryGatewayTest, RoutesBySigningServiceAndDecodesTheForm) {
  Json seen;
  iam->table["GetRole"] = [&](const RequestContext&, Json& input) {
    seen = input;
    return Json{{"Role", {{"Path", "/"}, {"RoleName", "r"}, {"RoleId", "AROAAAAAAAAAAAAAAAAAA"},
                          {"Arn", "arn:aws:iam::000000000000:role/r"}, {"CreateDate", 0}}}};
  };
  auto r = send("Action=GetRole&Version=2010-05-08&RoleName=r", "iam");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_EQ(seen, Json({{"RoleName", "r"}}));
  EXPECT_TRUE(contains(r.body, "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult>"));
  EXPECT_TRUE(contains(r.body, "<CreateDate>1970-01-01T00:00:00Z</CreateDate>"));
  EXPECT_TRUE(contains(r.body, "<RequestId>rid</RequestId>"));
  EXPECT_EQ(r.service, "iam");
  EXPECT_EQ(r.operation, "GetRole");
}

TEST_F(QueryGatewayTest, UnsignedRequestsAreRoutedByAction) {
  sts->table["GetCallerIdentity"] = [](const RequestContext& ctx, Json&) {
    return Json{{"Account", ctx.account_id}};
  };
  auto r = send("Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(contains(r.body, "<Account>000000000000</Account>")) << r.body;
  // GET with the parameters in the query string.
  r = send("", "", "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(QueryGatewayTest, UnknownActionIsInvalidActionInTheServicesEnvelope) {
  auto r = send("Action=FlyToTheMoon&Version=2010-05-08", "iam");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type, "InvalidAction");
  EXPECT_TRUE(contains(r.body, "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
                               "<Code>InvalidAction</Code><Message>Could not find operation FlyToTheMoon for version "
                               "2010-05-08</Message></Error><RequestId>rid</RequestId></ErrorResponse>"))
      << r.body;
  r = send("Action=FlyToTheMoon", "ec2");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "<Response><Errors><Error><Code>InvalidAction</Code>")) << r.body;
  EXPECT_TRUE(contains(r.body, "<RequestID>rid</RequestID>")) << r.body;
  r = send("Action=FlyToTheMoon");  // unsigned: no service has it
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type, "InvalidAction");
  r = send("Version=2010-05-08", "iam");
  EXPECT_EQ(r.error_type, "MissingAction");
  r = send("Version=2010-05-08");  // unsigned, nothing to route by
  EXPECT_EQ(r.error_type, "MissingAction");
  r = send("Action=GetRole&RoleName=%ZZ", "iam");
  EXPECT_EQ(r.error_type, "MalformedQueryString");
}

TEST_F(QueryGatewayTest, ServiceNotServedIsAnErrorNotAnotherServicesOperation) {
  auto r = send("Action=DescribeTags&Version=2015-12-01", "elasticloadbalancing");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type, "InvalidAction");
  EXPECT_TRUE(contains(r.body, "elasticloadbalancing")) << r.body;
}

TEST_F(QueryGatewayTest, OperationWithoutHandlerIsNotImplementedAsXml) {
  auto r = send("Action=ListUsers&Version=2010-05-08", "iam");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_TRUE(contains(r.body, "<Code>NotImplementedException</Code><Message>ecslocal does not implement iam:ListUsers yet."))
      << r.body;
}

TEST_F(QueryGatewayTest, MissingRequiredMemberIsValidationErrorWithCamelCasePath) {
  iam->table["GetRole"] = [](const RequestContext&, Json&) -> Json { ADD_FAILURE() << "handler called"; return {}; };
  auto r = send("Action=GetRole&Version=2010-05-08", "iam");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "<Code>ValidationError</Code><Message>1 validation error detected: Value null at 'roleName' "
                               "failed to satisfy constraint: Member must not be null</Message>"))
      << r.body;
  r = send("Action=GetRole&RoleName=", "iam");
  EXPECT_TRUE(contains(r.body, "Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than "
                               "or equal to 1"))
      << r.body;
}

TEST_F(QueryGatewayTest, Ec2MissingParameterAndHandlerErrors) {
  auto r = send("Action=DeleteSubnet&Version=2016-11-15", "ec2");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "<Code>MissingParameter</Code><Message>The request must contain the parameter SubnetId</Message>"))
      << r.body;
  ec2->table["DeleteSubnet"] = [](const RequestContext&, Json& input) -> Json {
    throw AwsError("InvalidSubnetID.NotFound", "The subnet ID '" + input["SubnetId"].get<std::string>() + "' does not exist");
  };
  r = send("Action=DeleteSubnet&SubnetId=subnet-1", "ec2");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "<Code>InvalidSubnetID.NotFound</Code><Message>The subnet ID 'subnet-1' does not exist</Message>"))
      << r.body;
}

TEST_F(QueryGatewayTest, ModelledErrorsKeepTheirStatusAndOutputIsShapedStrictly) {
  iam->table["GetRole"] = [](const RequestContext&, Json&) -> Json {
    throw AwsError("NoSuchEntity", "The role with name r cannot be found.", 404);
  };
  auto r = send("Action=GetRole&RoleName=r", "iam");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_type, "NoSuchEntity");
  iam->table["GetRole"] = [](const RequestContext&, Json&) { return Json{{"Role", {{"Bogus", 1}}}}; };
  r = send("Action=GetRole&RoleName=r", "iam");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(contains(r.body, "<Type>Receiver</Type><Code>InternalFailure</Code>")) << r.body;
}

}  // namespace
}  // namespace ecslocal::api
