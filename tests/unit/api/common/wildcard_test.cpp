#include "api/common/wildcard.hpp"

#include <gtest/gtest.h>

namespace ecslocal::api {
namespace {

TEST(Wildcard, StarMatchesAnyRunAndQuestionMarkOneCharacter) {
  EXPECT_TRUE(wildcard_match("vpc-*", "vpc-0abc"));
  EXPECT_TRUE(wildcard_match("vpc-*", "vpc-"));
  EXPECT_TRUE(wildcard_match("?pc-1", "vpc-1"));
  EXPECT_FALSE(wildcard_match("?pc-1", "vvpc-1"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_FALSE(wildcard_match("", "x"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "abxb"));
}

TEST(Wildcard, AStarInTheTextIsStillMatchedByThePatternsStar) {
  // The EC2 copy of this function once took the pattern's '*' as a literal when the text had
  // one at the same place, and then "*b" did not match "*ab".
  EXPECT_TRUE(wildcard_match("*b", "*ab"));
  EXPECT_TRUE(wildcard_match("x*", "x*"));
}

TEST(Wildcard, CaseIsIgnoredOnlyWhenAsked) {
  EXPECT_FALSE(wildcard_match("web*", "WEB-1"));
  EXPECT_TRUE(wildcard_match("web*", "WEB-1", true));
  EXPECT_TRUE(wildcard_match("*.example.com", "WWW.Example.COM", true));
}

}  // namespace
}  // namespace ecslocal::api
