#pragma once
// Splits an image reference the way `docker pull` reads it:
//   busybox                       -> busybox, tag latest
//   registry:5000/team/app:1.2    -> registry:5000/team/app, tag 1.2
//   app@sha256:abc...             -> app, digest sha256:abc...
#include <string>
#include <string_view>

namespace ecslocal::runtime {

struct ImageReference {
  std::string repository;  // everything before the tag or digest
  std::string tag;         // empty when a digest is given
  std::string digest;      // "sha256:..." or empty

  // What POST /images/create takes as `tag`: the digest when there is one, else the tag.
  const std::string& tag_or_digest() const { return digest.empty() ? tag : digest; }
};

ImageReference parse_image_reference(std::string_view reference);

}  // namespace ecslocal::runtime
