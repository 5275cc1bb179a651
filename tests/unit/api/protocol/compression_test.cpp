// gzip request bodies: inflated whole (several members too), refused with a SerializationException
// when not gzip, truncated, or inflating past the limit; Content-Encoding tokens recognized.
#include "api/protocol/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::protocol {
namespace {

std::string gzip(const std::string& text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string refusal(const std::string& body, std::size_t limit = kMaxInflatedBody) {
  try {
    gunzip(body, limit);
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "SerializationException");
    EXPECT_EQ(e.http_status, 400);
    return e.what();
  }
  return "inflated";
}

TEST(Compression, ABodyInflatesToWhatWasCompressed) {
  std::string form = "Action=PutMetricData&Version=2010-08-01";
  for (int i = 1; i <= 500; ++i) form += "&MetricData.member." + std::to_string(i) + ".MetricName=m" + std::to_string(i);
  auto packed = gzip(form);
  ASSERT_LT(packed.size(), form.size());
  EXPECT_EQ(gunzip(packed), form);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(Compression, ConcatenatedMembersInflateInOrder) {
  EXPECT_EQ(gunzip(gzip("first,") + gzip("second")), "first,second");
}

TEST(Compression, BadBodiesAreSerializationErrors) {
  EXPECT_EQ(refusal("Action=ListMetrics"), "The request body (Content-Encoding: gzip) is not valid gzip");
  auto packed = gzip(std::string(4096, 'x') + "tail");
  EXPECT_EQ(refusal(packed.substr(0, packed.size() / 2)),
            "The request body (Content-Encoding: gzip) ends before its gzip stream does");
  EXPECT_EQ(refusal(""), "The request body (Content-Encoding: gzip) ends before its gzip stream does");
}

TEST(Compression, ABodyInflatingPastTheLimitIsRefusedNotAllocated) {
  auto bomb = gzip(std::string(3u << 20, '0'));  // 3 MiB of zeros: a few KiB packed
  ASSERT_LT(bomb.size(), 64u * 1024);
  EXPECT_EQ(refusal(bomb, 1u << 20), "The request body (Content-Encoding: gzip) inflates past 1 MiB");
  EXPECT_EQ(gunzip(bomb).size(), 3u << 20);
}

TEST(Compression, ContentEncodingTokens) {
  EXPECT_TRUE(is_gzip_encoding("gzip"));
  EXPECT_TRUE(is_gzip_encoding(" GZIP "));
  EXPECT_TRUE(is_gzip_encoding("identity, gzip"));
  EXPECT_TRUE(is_gzip_encoding("x-gzip"));
  EXPECT_FALSE(is_gzip_encoding(""));
  EXPECT_FALSE(is_gzip_encoding("identity"));
  EXPECT_FALSE(is_gzip_encoding("br"));
  EXPECT_FALSE(is_gzip_encoding("gzip, br"));
}

}  // namespace
}  // namespace ecslocal::api::protocol
