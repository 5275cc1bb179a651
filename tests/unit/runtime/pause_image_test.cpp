// The pause image: finding the ecslocal-pause program, the one-file archive, the content tag,
// and the import through the Docker client (once; skipped when the tag exists).
#include "runtime/task/pause_image.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "tests/fakes/fake_docker_client.hpp"

namespace ecslocal::runtime {
namespace {

struct TempBinary {
  TempBinary() {
    path = (std::filesystem::temp_directory_path() / ("ecslocal-pause-" + std::to_string(::getpid()))).string();
    std::ofstream(path, std::ios::binary) << std::string("\x7f" "ELF fake pause program", 24);
  }
  ~TempBinary() { std::filesystem::remove(path); }
  std::string path;
};

TEST(PauseImage, LocatesAnExplicitPathTheEnvironmentOrTheExecutablesFolder) {
  TempBinary binary;
  EXPECT_EQ(locate_pause_binary(binary.path).value(), binary.path);
  ::setenv(pause_binary_env, binary.path.c_str(), 1);
  EXPECT_EQ(locate_pause_binary().value(), binary.path);
  ::unsetenv(pause_binary_env);
  // The test binary's folder holds no ecslocal-pause: a clear not_found.
  auto missing = locate_pause_binary();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, DockerErrorKind::not_found);
  EXPECT_NE(missing.error().message.find("ecslocal-pause"), std::string::npos);
  EXPECT_FALSE(locate_pause_binary("/nonexistent/ecslocal-pause").ok());
}

TEST(PauseImage, ArchiveHoldsOneExecutableFile) {
  std::string archive = pause_image_archive("BIN");
  ASSERT_EQ(archive.size(), 512u * 4);
  EXPECT_EQ(archive.substr(0, 6), std::string("pause\0", 6));
  EXPECT_EQ(archive.substr(100, 7), "0000755");
  EXPECT_EQ(archive.substr(512, 3), "BIN");
}

TEST(PauseImage, ContentTagFollowsTheBytes) {
  EXPECT_EQ(content_tag("abc").size(), 16u);
  EXPECT_EQ(content_tag("abc"), content_tag("abc"));
  EXPECT_NE(content_tag("abc"), content_tag("abd"));
  EXPECT_EQ(content_tag(""), "cbf29ce484222325");  // FNV-1a 64 offset basis
}

TEST(PauseImage, ImportsOnceWithCmdAndLabelThenReusesTheTag) {
  TempBinary binary;
  testing::FakeDockerClient docker;
  PauseImageOptions options;
  options.binary_path = binary.path;
  auto first = ensure_pause_image(docker, options);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_EQ(first.value().rfind("ecslocal/pause:", 0), 0u);
  EXPECT_TRUE(docker.has_image(first.value()));
  auto imports = docker.imports();
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].second, (std::vector<std::string>{"CMD [\"/pause\"]", "LABEL ecslocal.managed=true"}));
  auto second = ensure_pause_image(docker, options);
  EXPECT_EQ(second.value(), first.value());
  EXPECT_EQ(docker.imports().size(), 1u);
}

TEST(PauseImage, DockerFailuresComeBackAsErrors) {
  TempBinary binary;
  testing::FakeDockerClient docker;
  docker.set_down(true);
  PauseImageOptions options;
  options.binary_path = binary.path;
  auto result = ensure_pause_image(docker, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, DockerErrorKind::unavailable);
}

}  // namespace
}  // namespace ecslocal::runtime
