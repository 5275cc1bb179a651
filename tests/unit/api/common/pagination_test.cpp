#include "api/common/pagination.hpp"

#include <gtest/gtest.h>

#include "api/common/ids.hpp"

namespace ecslocal::api {

TEST(Paginate, WalksAllItemsInPages) {
  size_t seen = 0;
  std::optional<std::string> token;
  int pages = 0;
  do {
    Page p = paginate(25, token, 10, 100, 100, "InvalidParameterException");
    seen += p.end - p.begin;
    token = p.next_token;
    ++pages;
  } while (token);
  EXPECT_EQ(seen, 25u);
  EXPECT_EQ(pages, 3);
}

TEST(Paginate, DefaultAndBadInputs) {
  Page p = paginate(150, std::nullopt, std::nullopt, 100, 100, "InvalidParameterException");
  EXPECT_EQ(p.end, 100u);
  ASSERT_TRUE(p.next_token);
  EXPECT_THROW(paginate(5, std::string("garbage"), std::nullopt, 100, 100, "InvalidParameterException"), AwsError);
  EXPECT_THROW(paginate(5, std::string("ecsl1-99"), std::nullopt, 100, 100, "InvalidParameterException"), AwsError);
  try {
    paginate(5, std::nullopt, 0, 100, 100, "InvalidParameterException");
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "InvalidParameterException");
  }
  Page empty = paginate(0, std::nullopt, std::nullopt, 100, 100, "X");
  EXPECT_EQ(empty.begin, empty.end);
  EXPECT_FALSE(empty.next_token);
}

TEST(IdSource, SeededSourcesRepeatAndFormatsHold) {
  IdSource a(7), b(7);
  EXPECT_EQ(a.hex(32), b.hex(32));
  std::string u = a.uuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(u[8], '-');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
  EXPECT_EQ(a.hex(32).find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace ecslocal::api
