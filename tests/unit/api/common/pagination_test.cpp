#include "api/common/pagination.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "api/common/ids.hpp"

namespace ecslocal::api {

std::vector<std::string> keys(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(sequence_key(i + 1));
  return out;
}

PageRequest request(std::optional<std::string> token, std::optional<long long> max = std::nullopt) {
  return PageRequest{std::move(token), max, 100, 100, "InvalidParameterException"};
}

TEST(Paginate, WalksAllItemsInPages) {
  const auto all = keys(25);
  size_t seen = 0;
  std::optional<std::string> token;
  int pages = 0;
  do {
    Page p = paginate(all, request(token, 10));
    EXPECT_EQ(p.begin, seen);
    seen += p.end - p.begin;
    token = p.next_token;
    ++pages;
  } while (token);
  EXPECT_EQ(seen, 25u);
  EXPECT_EQ(pages, 3);
}

// The defect of offset tokens: deleting what a page showed made the next page skip items.
TEST(Paginate, DeletingPageByPageLeavesNothingBehind) {
  std::vector<std::string> list = keys(15);
  std::optional<std::string> token;
  std::vector<std::string> deleted;
  do {
    Page p = paginate(list, request(token, 5));
    std::vector<std::string> page(list.begin() + p.begin, list.begin() + p.end);
    for (const auto& k : page) {
      deleted.push_back(k);
      list.erase(std::find(list.begin(), list.end(), k));
    }
    token = p.next_token;
  } while (token);
  EXPECT_EQ(deleted, keys(15));
  EXPECT_TRUE(list.empty());
}

TEST(Paginate, TheTokenOfADeletedItemStillFindsTheRest) {
  std::vector<std::string> list = keys(10);
  Page first = paginate(list, request(std::nullopt, 4));
  ASSERT_TRUE(first.next_token);
  list.erase(list.begin() + 3);  // the last item the first page showed is gone
  list.insert(list.begin(), sequence_key(0));  // and one was added before it
  Page second = paginate(list, request(first.next_token, 4));
  EXPECT_EQ(list[second.begin], sequence_key(5));
}

TEST(Paginate, DescendingListsWalkDown) {
  std::vector<std::string> list = keys(7);
  std::reverse(list.begin(), list.end());
  PageRequest r = request(std::nullopt, 3);
  r.descending = true;
  Page p = paginate(list, r);
  r.next_token = p.next_token;
  p = paginate(list, r);
  EXPECT_EQ(list[p.begin], sequence_key(4));
  EXPECT_EQ(p.end - p.begin, 3u);
}

TEST(Paginate, KeysOrderAsTheirValues) {
  EXPECT_LT(sequence_key(9), sequence_key(10));
  EXPECT_LT(revision_key("web", 9), revision_key("web", 10));
  EXPECT_LT(revision_key("web", 120), revision_key("web-2", 1));
  EXPECT_LT(revision_key("web", 1), revision_key("webapp", 1));
}

TEST(Paginate, DefaultAndBadInputs) {
  const auto all = keys(150);
  Page p = paginate(all, request(std::nullopt));
  EXPECT_EQ(p.end, 100u);
  ASSERT_TRUE(p.next_token);
  for (const char* bad : {"garbage", "ecsl1-99", "ecsl2-", "ecsl2-!!", "ecsl2-A"})
    EXPECT_THROW(paginate(all, request(std::string(bad))), AwsError) << bad;
  try {
    paginate(all, request(std::nullopt, 0));
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "InvalidParameterException");
  }
  Page empty = paginate({}, request(std::nullopt));
  EXPECT_EQ(empty.begin, empty.end);
  EXPECT_FALSE(empty.next_token);
  // Keys of any bytes round-trip through the token.
  const std::vector<std::string> odd = {std::string("a\x01b"), "a\xffz", "b/c:d"};
  Page o = paginate(odd, request(std::nullopt, 1));
  Page o2 = paginate(odd, request(o.next_token, 1));
  EXPECT_EQ(o2.begin, 1u);
  Page o3 = paginate(odd, request(o2.next_token, 1));
  EXPECT_EQ(o3.begin, 2u);
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
