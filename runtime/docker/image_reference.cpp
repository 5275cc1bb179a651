#include "runtime/docker/image_reference.hpp"

namespace ecslocal::runtime {

ImageReference parse_image_reference(std::string_view reference) {
  ImageReference out;
  auto at = reference.find('@');
  if (at != std::string_view::npos) {
    out.digest = std::string(reference.substr(at + 1));
    reference = reference.substr(0, at);
    // "app:1.2@sha256:..." — Docker pulls by digest; the tag is informational.
    auto slash = reference.rfind('/');
    auto colon = reference.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
      reference = reference.substr(0, colon);
    }
    out.repository = std::string(reference);
    return out;
  }
  auto slash = reference.rfind('/');
  auto colon = reference.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.repository = std::string(reference.substr(0, colon));
    out.tag = std::string(reference.substr(colon + 1));
  } else {
    out.repository = std::string(reference);
  }
  if (out.tag.empty()) out.tag = "latest";
  return out;
}

}  // namespace ecslocal::runtime
