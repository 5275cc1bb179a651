#include "runtime/docker/docker_timeouts.hpp"

#include <gtest/gtest.h>

namespace ecslocal::runtime {
namespace {

using namespace std::chrono_literals;

TEST(DockerTimeouts, DefaultTable) {
  DockerTimeouts t;
  EXPECT_EQ(t[DockerOp::ping], 5s);
  EXPECT_EQ(t[DockerOp::version], 5s);
  EXPECT_EQ(t[DockerOp::inspect_container], 10s);
  EXPECT_EQ(t[DockerOp::inspect_image], 10s);
  EXPECT_EQ(t[DockerOp::create_container], 60s);
  EXPECT_EQ(t[DockerOp::start_container], 60s);
  EXPECT_EQ(t[DockerOp::remove_container], 30s);
  EXPECT_EQ(t[DockerOp::pull_image], 15min);
  EXPECT_EQ(t.pull_inactivity, 60s);
  EXPECT_EQ(t[DockerOp::events], 0ms);  // a stream: no overall limit
  EXPECT_EQ(t.connect, 5s);
  for (std::size_t op = 0; op < static_cast<std::size_t>(DockerOp::count_); ++op) {
    if (static_cast<DockerOp>(op) == DockerOp::events) continue;
    EXPECT_GT(t[static_cast<DockerOp>(op)], 0ms) << to_string(static_cast<DockerOp>(op));
  }
}

TEST(DockerTimeouts, StopIsTheContainersStopTimeoutPlusAMargin) {
  DockerTimeouts t;
  EXPECT_EQ(t.stop_limit(30s), 60s);
  EXPECT_EQ(t.stop_limit(0s), 30s);
  EXPECT_EQ(t.stop_limit(-5s), 30s);
  t[DockerOp::stop_container] = 2s;
  EXPECT_EQ(t.stop_limit(120s), 122s);
}

TEST(DockerTimeouts, Overridable) {
  DockerTimeouts t;
  t[DockerOp::create_container] = 4min;
  EXPECT_EQ(t[DockerOp::create_container], 240s);
  EXPECT_STREQ(to_string(DockerOp::create_container), "create_container");
}

}  // namespace
}  // namespace ecslocal::runtime
