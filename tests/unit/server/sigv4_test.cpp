#include "server/sigv4.hpp"

#include <gtest/gtest.h>

#include "api/gateway.hpp"

namespace ecslocal::server {

TEST(Sigv4, ReadsTheCredentialScope) {
  auto scope = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/ecs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abcdef");
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->access_key, "AKIDEXAMPLE");
  EXPECT_EQ(scope->date, "20240101");
  EXPECT_EQ(scope->region, "eu-west-1");
  EXPECT_EQ(scope->service, "ecs");
}

TEST(Sigv4, RejectsOtherSchemesAndBrokenScopes) {
  EXPECT_FALSE(parse_authorization(""));
  EXPECT_FALSE(parse_authorization("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ecs"));
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00"));
}

TEST(Account, TwelveDigitAccessKeyIsTheAccount) {
  EXPECT_EQ(api::account_for_access_key("111122223333", "000000000000"), "111122223333");
  EXPECT_EQ(api::account_for_access_key("test", "000000000000"), "000000000000");
  EXPECT_EQ(api::account_for_access_key("11112222333a", "000000000000"), "000000000000");
  EXPECT_EQ(api::account_for_access_key("", "000000000000"), "000000000000");
}

}  // namespace ecslocal::server
