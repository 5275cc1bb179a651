#include "runtime/docker/image_reference.hpp"

#include <gtest/gtest.h>

namespace ecslocal::runtime {
namespace {

TEST(ImageReference, SplitsRepositoryTagAndDigest) {
  auto plain = parse_image_reference("busybox");
  EXPECT_EQ(plain.repository, "busybox");
  EXPECT_EQ(plain.tag_or_digest(), "latest");
  auto tagged = parse_image_reference("ecslocal-test/busybox:1.36");
  EXPECT_EQ(tagged.repository, "ecslocal-test/busybox");
  EXPECT_EQ(tagged.tag, "1.36");
  auto registry = parse_image_reference("registry.local:5000/team/app");
  EXPECT_EQ(registry.repository, "registry.local:5000/team/app");
  EXPECT_EQ(registry.tag, "latest");
  auto both = parse_image_reference("registry.local:5000/team/app:2@sha256:abcd");
  EXPECT_EQ(both.repository, "registry.local:5000/team/app");
  EXPECT_EQ(both.tag_or_digest(), "sha256:abcd");
  auto ecr = parse_image_reference("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:ff");
  EXPECT_EQ(ecr.repository, "123456789012.dkr.ecr.us-east-1.amazonaws.com/web");
  EXPECT_EQ(ecr.digest, "sha256:ff");
}

}  // namespace
}  // namespace ecslocal::runtime
