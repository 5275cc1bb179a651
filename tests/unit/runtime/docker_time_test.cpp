#include "runtime/docker/docker_time.hpp"

#include <gtest/gtest.h>

namespace ecslocal::runtime {
namespace {

TEST(DockerTime, ParsesDockersTimestamps) {
  EXPECT_EQ(parse_docker_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_docker_time("1970-01-01T00:00:01.5Z"), 1500000000LL);
  EXPECT_EQ(parse_docker_time("2023-11-14T22:13:20Z"), 1700000000LL * 1000000000LL);
  EXPECT_EQ(parse_docker_time("2023-11-14T22:13:20.123456789Z"), 1700000000123456789LL);
  EXPECT_EQ(parse_docker_time("2023-11-14T22:13:20.1234567891Z"), 1700000000123456789LL);  // beyond ns: cut
  EXPECT_EQ(parse_docker_time("2023-11-14T23:13:20+01:00"), 1700000000LL * 1000000000LL);
  EXPECT_EQ(parse_docker_time("2024-02-29T00:00:00Z"), 1709164800LL * 1000000000LL);
}

TEST(DockerTime, NeverAndGarbageAreNothing) {
  EXPECT_FALSE(parse_docker_time("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_docker_time(""));
  EXPECT_FALSE(parse_docker_time("yesterday"));
  EXPECT_FALSE(parse_docker_time("2023-11-14 22:13:20Z"));
  EXPECT_FALSE(parse_docker_time("2023-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_docker_time("2023-11-14T22:13:20."));
  EXPECT_FALSE(parse_docker_time("2023-11-14T22:13:20"));
}

TEST(DockerTime, FormatsWhatItParses) {
  for (std::int64_t t : {0LL, 1LL, 1700000000123456789LL, 1795355135836089251LL, 951782400000000000LL}) {
    auto text = format_docker_time(t);
    EXPECT_EQ(parse_docker_time(text), t) << text;
  }
  EXPECT_EQ(format_docker_time(1700000000123456789LL), "2023-11-14T22:13:20.123456789Z");
}

}  // namespace
}  // namespace ecslocal::runtime
