#pragma once
// The image of every task's pause container, made offline from the static `ecslocal-pause`
// program built next to ecslocal: a one-file root filesystem (/pause, mode 0755) imported as
// `ecslocal/pause:<content hash>` with CMD ["/pause"] and the label ecslocal.managed=true.
// Importing is skipped when that tag exists, so a start-up costs one image inspect.
#include <string>
#include <string_view>

#include "runtime/docker/docker_client.hpp"

namespace ecslocal::runtime {

inline constexpr const char* pause_binary_name = "ecslocal-pause";
inline constexpr const char* pause_binary_env = "ECSLOCAL_PAUSE_BINARY";
inline constexpr const char* pause_repository = "ecslocal/pause";

struct PauseImageOptions {
  // Empty: $ECSLOCAL_PAUSE_BINARY, else ecslocal-pause in the folder of the running executable.
  std::string binary_path;
  std::string repository = pause_repository;
};

// The pause program's path by the rules above; not_found when no such file exists.
DockerResult<std::string> locate_pause_binary(const std::string& explicit_path = {});

// The tar archive of the image's root filesystem: /pause holding `binary`.
std::string pause_image_archive(std::string_view binary);

// 16 hex digits (64-bit FNV-1a) naming the content: a new binary gets a new tag.
std::string content_tag(std::string_view bytes);

// Makes sure the image exists; returns its reference ("ecslocal/pause:<tag>").
DockerResult<std::string> ensure_pause_image(DockerClient& docker, const PauseImageOptions& options = {});

}  // namespace ecslocal::runtime
