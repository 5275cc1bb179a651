#pragma once
// Base64 (RFC 4648): the standard alphabet with '=' padding (blobs in the JSON protocols) and the
// URL-safe one without padding (page tokens).
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::api {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Either alphabet is accepted by its decoder; padding is optional. nullopt on any other
// character, a dangling sextet or non-zero padding bits.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ecslocal::api
