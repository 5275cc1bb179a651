#include "runtime/docker/ndjson.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ecslocal::runtime {
namespace {

std::vector<std::string> split_with(const std::vector<std::string_view>& chunks, NdjsonSplitter splitter = NdjsonSplitter()) {
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  for (auto chunk : chunks) EXPECT_TRUE(splitter.feed(chunk, collect));
  splitter.finish(collect);
  return lines;
}

const std::string stream =
    "{\"status\":\"create\",\"id\":\"a\"}\n"
    "{\"status\":\"start\",\"id\":\"a\",\"text\":\"caf\xc3\xa9 \\n not a break\"}\r\n"
    "\n"
    "   \n"
    "{\"status\":\"die\",\"id\":\"a\",\"Actor\":{\"Attributes\":{\"exitCode\":\"0\"}}}\n"
    "{\"status\":\"destroy\",\"id\":\"a\"}";  // the last line has no newline

const std::vector<std::string> kExpectedLines = {
    "{\"status\":\"create\",\"id\":\"a\"}",
    "{\"status\":\"start\",\"id\":\"a\",\"text\":\"caf\xc3\xa9 \\n not a break\"}",
    "{\"status\":\"die\",\"id\":\"a\",\"Actor\":{\"Attributes\":{\"exitCode\":\"0\"}}}",
    "{\"status\":\"destroy\",\"id\":\"a\"}",
};

TEST(NdjsonSplitter, SameLinesWhateverByteTheStreamIsSplitAt) {
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    std::string_view all(stream);
    EXPECT_EQ(split_with({all.substr(0, cut), all.substr(cut)}), kExpectedLines) << "split at byte " << cut;
  }
}

TEST(NdjsonSplitter, SameLinesAtEveryPairOfSplitPoints) {
  std::string_view all(stream);
  for (std::size_t a = 0; a <= all.size(); ++a) {
    for (std::size_t b = a; b <= all.size(); ++b) {
      ASSERT_EQ(split_with({all.substr(0, a), all.substr(a, b - a), all.substr(b)}), kExpectedLines) << a << "," << b;
    }
  }
}

TEST(NdjsonSplitter, ByteByByte) {
  std::vector<std::string_view> bytes;
  std::string_view all(stream);
  for (std::size_t i = 0; i < all.size(); ++i) bytes.push_back(all.substr(i, 1));
  auto lines = split_with(bytes);
  ASSERT_EQ(lines, kExpectedLines);
  for (const auto& line : lines) EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
}

TEST(NdjsonSplitter, HandsOverLinesAsTheyComplete) {
  NdjsonSplitter splitter;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  splitter.feed("{\"a\":1}\n{\"b\"", collect);
  EXPECT_EQ(lines, std::vector<std::string>{"{\"a\":1}"});
  EXPECT_EQ(splitter.pending_bytes(), 4u);
  splitter.feed(":2}\n", collect);
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(splitter.pending_bytes(), 0u);
}

TEST(NdjsonSplitter, RefusesALineLongerThanTheLimit) {
  NdjsonSplitter splitter(8);
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) { lines.emplace_back(line); };
  EXPECT_TRUE(splitter.feed("{\"a\":1}\n", collect));
  EXPECT_TRUE(splitter.feed("{\"long\"", collect));
  EXPECT_FALSE(splitter.feed(":\"value\"", collect));
  EXPECT_EQ(lines.size(), 1u);
}

}  // namespace
}  // namespace ecslocal::runtime
