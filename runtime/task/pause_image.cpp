#include "runtime/task/pause_image.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "runtime/labels.hpp"
#include "runtime/docker/tar_writer.hpp"

namespace ecslocal::runtime {
namespace {

namespace fs = std::filesystem;

DockerResult<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return docker_error(DockerErrorKind::not_found, "cannot read the pause program " + path);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.good() && !in.eof()) return docker_error(DockerErrorKind::not_found, "cannot read the pause program " + path);
  return out.str();
}

}  // namespace

DockerResult<std::string> locate_pause_binary(const std::string& explicit_path) {
  std::string path = explicit_path;
  if (path.empty()) {
    if (const char* env = std::getenv(pause_binary_env); env != nullptr && *env != '\0') path = env;
  }
  if (path.empty()) {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) return docker_error(DockerErrorKind::not_found, "cannot find the running executable: " + error.message());
    path = (self.parent_path() / pause_binary_name).string();
  }
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    return docker_error(DockerErrorKind::not_found,
                        path + " not found: build the ecslocal-pause target (it is installed next to ecslocal) "
                               "or set " + pause_binary_env);
  }
  return path;
}

std::string pause_image_archive(std::string_view binary) {
  TarWriter tar;
  tar.add_file("pause", binary, 0755);
  return tar.finish();
}

std::string content_tag(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

DockerResult<std::string> ensure_pause_image(DockerClient& docker, const PauseImageOptions& options) {
  auto path = locate_pause_binary(options.binary_path);
  if (!path) return path.error();
  auto binary = read_file(*path);
  if (!binary) return binary.error();
  std::string tag = content_tag(*binary);
  std::string reference = options.repository + ":" + tag;

  auto existing = docker.inspect_image(reference);
  if (existing) return reference;
  if (existing.error().kind != DockerErrorKind::not_found) return existing.error();

  std::vector<std::string> changes = {
      "CMD [\"/pause\"]",
      "LABEL " + labels::filter(labels::managed, labels::managed_value),
  };
  auto imported = docker.import_image(pause_image_archive(*binary), options.repository, tag, changes);
  if (!imported) return imported.error();
  return reference;
}

}  // namespace ecslocal::runtime
