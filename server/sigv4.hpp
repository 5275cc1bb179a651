#pragma once
// Reads the SigV4 credential scope of a request: access key, date, region, service.
// The signature itself is not verified (ecslocal accepts unsigned requests too).
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::server {

struct CredentialScope {
  std::string access_key, date, region, service;
};

// From "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ecs/aws4_request, SignedHeaders=..., Signature=..."
std::optional<CredentialScope> parse_authorization(std::string_view header);

}  // namespace ecslocal::server
