// Decoding form parameters and encoding XML replies along real AWS model shapes.
#include "api/protocol/query_codec.hpp"

#include <gtest/gtest.h>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

const Operation& op(const char* service, const char* name) {
  const Operation* o = ServiceModel::get(service).find_operation(name);
  EXPECT_NE(o, nullptr) << service << ":" << name;
  return *o;
}

json decode(const char* service, const char* operation, const FormParams& params) {
  QueryInputRules rules;
  rules.dialect = dialect_of(ServiceModel::get(service));
  rules.validation_error_code = rules.dialect == QueryDialect::Ec2 ? "InvalidParameterValue" : "ValidationError";
  return decode_query_input(op(service, operation).input, params, rules);
}

TEST(QueryDecode, IamCreateRoleWithTagsAndNumbers) {
  const json input = decode("iam", "CreateRole",
                            {{"Action", "CreateRole"},
                             {"Version", "2010-05-08"},
                             {"RoleName", "ecsTaskExecutionRole"},
                             {"Path", "/service/"},
                             {"AssumeRolePolicyDocument", "{\"Version\":\"2012-10-17\"}"},
                             {"MaxSessionDuration", "7200"},
                             {"Tags.member.1.Key", "team"},
                             {"Tags.member.1.Value", "a"},
                             {"Tags.member.2.Key", "env"},
                             {"Tags.member.2.Value", "dev"},
                             {"Unknown.Param", "ignored"}});
  EXPECT_EQ(input, json::parse(R"({"RoleName":"ecsTaskExecutionRole","Path":"/service/",
      "AssumeRolePolicyDocument":"{\"Version\":\"2012-10-17\"}","MaxSessionDuration":7200,
      "Tags":[{"Key":"team","Value":"a"},{"Key":"env","Value":"dev"}]})"));
}

TEST(QueryDecode, ListIndicesAreNumericNotLexicalAndEmptyListIsKept) {
  FormParams p{{"TagKeys.member.10", "k10"}, {"TagKeys.member.2", "k2"}, {"TagKeys.member.1", "k1"}, {"RoleName", "r"}};
  EXPECT_EQ(decode("iam", "UntagRole", p)["TagKeys"], json({"k1", "k2", "k10"}));
  EXPECT_EQ(decode("iam", "UntagRole", {{"RoleName", "r"}, {"TagKeys", ""}})["TagKeys"], json::array());
}

TEST(QueryDecode, BooleansAndEnums) {
  const json input = decode("iam", "ListPolicies", {{"Scope", "AWS"}, {"OnlyAttached", "true"}, {"MaxItems", "5"}});
  EXPECT_EQ(input, json::parse(R"({"Scope":"AWS","OnlyAttached":true,"MaxItems":5})"));
}

TEST(QueryDecode, ValuesThatDoNotConvertAreValidationErrors) {
  try {
    decode("iam", "ListPolicies", {{"OnlyAttached", "yes"}});
    FAIL() << "no error";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "ValidationError");
    EXPECT_EQ(std::string(e.what()),
              "1 validation error detected: Value 'yes' at 'onlyAttached' failed to satisfy constraint: "
              "Member must be a valid Boolean");
  }
  EXPECT_THROW(decode("iam", "ListRoles", {{"MaxItems", "12x"}}), AwsError);
  try {
    decode("ec2", "DescribeSubnets", {{"MaxResults", "many"}});
    FAIL() << "no error";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "InvalidParameterValue");
    EXPECT_NE(std::string(e.what()).find("MaxResults"), std::string::npos) << e.what();
  }
}

TEST(QueryDecode, StsAssumeRoleAndEmptyGetCallerIdentity) {
  EXPECT_EQ(decode("sts", "GetCallerIdentity", {{"Action", "GetCallerIdentity"}}), json::object());
  const json input = decode("sts", "AssumeRole",
                            {{"RoleArn", "arn:aws:iam::000000000000:role/r"},
                             {"RoleSessionName", "s"},
                             {"DurationSeconds", "900"},
                             {"PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  EXPECT_EQ(input["DurationSeconds"], 900);
  EXPECT_EQ(input["PolicyArns"], json::parse(R"([{"arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}])"));
}

TEST(QueryDecode, Ec2DescribeSubnetsWithFiltersUsesLocationNamesCapitalised) {
  const json input = decode("ec2", "DescribeSubnets",
                            {{"Filter.1.Name", "vpc-id"},
                             {"Filter.1.Value.1", "vpc-1"},
                             {"Filter.1.Value.2", "vpc-2"},
                             {"Filter.2.Name", "default-for-az"},
                             {"Filter.2.Value.1", "true"},
                             {"SubnetId.1", "subnet-a"},
                             {"DryRun", "false"},
                             {"MaxResults", "10"}});
  EXPECT_EQ(input, json::parse(R"({"Filters":[{"Name":"vpc-id","Values":["vpc-1","vpc-2"]},
      {"Name":"default-for-az","Values":["true"]}],"SubnetIds":["subnet-a"],"DryRun":false,"MaxResults":10})"));
}

TEST(QueryEncode, IamGetRoleIsWrappedWithResultAndRequestId) {
  const auto& model = ServiceModel::get("iam");
  const json out = json::parse(R"({"Role":{"Path":"/","RoleName":"r","RoleId":"AROAAAAAAAAAAAAAAAAAA",
      "Arn":"arn:aws:iam::000000000000:role/r","CreateDate":1795190400,"MaxSessionDuration":3600,
      "Tags":[{"Key":"k","Value":"v"}]}})");
  EXPECT_EQ(encode_query_response(model, op("iam", "GetRole"), out, "req-1"),
            "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role>"
            "<Arn>arn:aws:iam::000000000000:role/r</Arn><CreateDate>2026-11-20T16:00:00Z</CreateDate>"
            "<MaxSessionDuration>3600</MaxSessionDuration><Path>/</Path><RoleId>AROAAAAAAAAAAAAAAAAAA</RoleId>"
            "<RoleName>r</RoleName><Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
            "</Role></GetRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>");
}

TEST(QueryEncode, OperationWithoutOutputHasOnlyMetadata) {
  EXPECT_EQ(encode_query_response(ServiceModel::get("iam"), op("iam", "DeleteRole"), json::object(), "id"),
            "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata>"
            "<RequestId>id</RequestId></ResponseMetadata></DeleteRoleResponse>");
}

TEST(QueryEncode, StsGetCallerIdentity) {
  const json out = {{"UserId", "AKIA"}, {"Account", "000000000000"}, {"Arn", "arn:aws:iam::000000000000:root"}};
  const std::string xml = encode_query_response(ServiceModel::get("sts"), op("sts", "GetCallerIdentity"), out, "id");
  EXPECT_EQ(xml, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<GetCallerIdentityResult><Account>000000000000</Account>"
                 "<Arn>arn:aws:iam::000000000000:root</Arn><UserId>AKIA</UserId></GetCallerIdentityResult>"
                 "<ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
}

TEST(QueryEncode, Ec2DescribeSubnetsUsesLocationNamesAndItems) {
  const json out = json::parse(R"({"Subnets":[{"SubnetId":"subnet-a","DefaultForAz":true,"AvailableIpAddressCount":4091,
      "Tags":[{"Key":"Name","Value":"a<b"}]}],"NextToken":"t"})");
  EXPECT_EQ(encode_query_response(ServiceModel::get("ec2"), op("ec2", "DescribeSubnets"), out, "id"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>id</requestId>"
            "<nextToken>t</nextToken><subnetSet><item><availableIpAddressCount>4091</availableIpAddressCount><defaultForAz>true</defaultForAz>"
            "<subnetId>subnet-a</subnetId><tagSet><item><key>Name</key><value>a&lt;b</value></item></tagSet></item>"
            "</subnetSet></DescribeSubnetsResponse>");
}

TEST(QueryEncode, ErrorEnvelopes) {
  EXPECT_EQ(encode_query_error(QueryDialect::Query, "https://iam.amazonaws.com/doc/2010-05-08/",
                               {"NoSuchEntity", "The role with name x cannot be found.", true}, "id"),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
            "<Code>NoSuchEntity</Code><Message>The role with name x cannot be found.</Message></Error>"
            "<RequestId>id</RequestId></ErrorResponse>");
  EXPECT_EQ(encode_query_error(QueryDialect::Ec2, "", {"InvalidSubnetID.NotFound", "no", true}, "id"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code>"
            "<Message>no</Message></Error></Errors><RequestID>id</RequestID></Response>");
}

}  // namespace
}  // namespace ecslocal::api::protocol
