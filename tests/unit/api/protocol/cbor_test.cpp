#include "api/protocol/cbor.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "api/common/base64.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

std::string hex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

// RFC 8949, Appendix A.
TEST(Cbor, DecodesTheRfcExamples) {
  EXPECT_EQ(decode_cbor(hex("00")), json(0));
  EXPECT_EQ(decode_cbor(hex("1903e8")), json(1000));
  EXPECT_EQ(decode_cbor(hex("1bffffffffffffffff")), json(18446744073709551615ULL));
  EXPECT_EQ(decode_cbor(hex("3863")), json(-100));
  EXPECT_EQ(decode_cbor(hex("f93c00")), json(1.0));
  EXPECT_EQ(decode_cbor(hex("f9c400")), json(-4.0));
  EXPECT_EQ(decode_cbor(hex("fa47c35000")), json(100000.0));
  EXPECT_EQ(decode_cbor(hex("fb3ff199999999999a")), json(1.1));
  EXPECT_EQ(decode_cbor(hex("f4")), json(false));
  EXPECT_EQ(decode_cbor(hex("f6")), json(nullptr));
  EXPECT_EQ(decode_cbor(hex("6449455446")), json("IETF"));
  EXPECT_EQ(decode_cbor(hex("4401020304")), json(base64_encode(hex("01020304"))));
  EXPECT_EQ(decode_cbor(hex("83010203")), json({1, 2, 3}));
  EXPECT_EQ(decode_cbor(hex("a26161016162820203")), json({{"a", 1}, {"b", {2, 3}}}));
  // Tag 1 (epoch time) keeps its number; indefinite lengths.
  EXPECT_EQ(decode_cbor(hex("c11a514b67b0")), json(1363896240));
  EXPECT_EQ(decode_cbor(hex("9f018202039f0405ffff")), json({1, {2, 3}, {4, 5}}));
  EXPECT_EQ(decode_cbor(hex("7f657374726561646d696e67ff")), json("streaming"));
  EXPECT_EQ(decode_cbor(hex("bf6346756ef563416d7421ff")), json({{"Fun", true}, {"Amt", -2}}));
}

TEST(Cbor, RefusesMalformedAndHostileInput) {
  for (const char* bad : {"", "18", "1a0102", "62ff", "a1016161",  // truncated, non-text key
                          "1c", "5f01ff",                          // reserved info, bad chunk
                          "9bffffffffffffffff",                    // an array longer than the input
                          "f97c00",                                 // infinity: JSON cannot carry it
                          "0000"})                                  // trailing bytes
    EXPECT_THROW(decode_cbor(hex(bad)), std::invalid_argument) << bad;
  std::string deep(1000, static_cast<char>(0x81));  // [[[[...]]]] a thousand deep
  deep += static_cast<char>(0x00);
  EXPECT_THROW(decode_cbor(deep), std::invalid_argument);
  std::string ok(20, static_cast<char>(0x81));
  ok += static_cast<char>(0x00);
  EXPECT_NO_THROW(decode_cbor(ok));
}

TEST(Cbor, WhatNlohmannWritesReadsBack) {
  const json doc = {{"MetricData", {{{"MetricName", "m"}, {"Value", 2.5}, {"Dimensions", json::array()}}}},
                    {"Namespace", "App"}, {"n", -7}, {"big", 5000000000LL}, {"flag", true}, {"none", nullptr}};
  EXPECT_EQ(decode_cbor(std::string_view(reinterpret_cast<const char*>(json::to_cbor(doc).data()),
                                         json::to_cbor(doc).size())),
            doc);
}

TEST(Cbor, EncodesAlongTheShape) {
  const auto& model = ServiceModel::get("ecs");
  const Shape* task = model.find_shape("Task");
  ASSERT_NE(task, nullptr);
  const json t = {{"taskArn", "arn:x"}, {"createdAt", 1700000000.5}, {"version", 3}, {"nothing", nullptr}};
  const std::string bytes = encode_cbor(t, task);
  // createdAt is a timestamp: tag 1 (0xc1) with a float64 (0xfb).
  EXPECT_NE(bytes.find("\xc1\xfb"), std::string::npos);
  const json back = decode_cbor(bytes);
  EXPECT_EQ(back["taskArn"], "arn:x");
  EXPECT_DOUBLE_EQ(back["createdAt"].get<double>(), 1700000000.5);
  EXPECT_EQ(back["version"], 3);
  EXPECT_FALSE(back.contains("nothing"));
  // Without a shape: by JSON type.
  EXPECT_EQ(decode_cbor(encode_cbor(json{{"__type", "X"}, {"message", "m"}}, nullptr)),
            json({{"__type", "X"}, {"message", "m"}}));
}

TEST(Base64, BothAlphabetsRoundTripAndRefuseJunk) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\x00\xff\xfe", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm8+"));
}

}  // namespace
}  // namespace ecslocal::api::protocol
