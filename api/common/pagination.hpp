#pragma once
// nextToken/maxResults paging over an ordered list of strings (ARNs, names).
// Tokens are opaque to clients: base64-free "ecsl:<offset>" text is enough for an emulator,
// but we validate it so a garbled token is an error, not a silent restart.
#include <optional>
#include <string>
#include <vector>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api {

struct Page {
  size_t begin = 0, end = 0;
  std::optional<std::string> next_token;
};

// `error_code` is the service's own exception for a bad token or maxResults
// (ECS: InvalidParameterException, Logs: InvalidParameterException).
Page paginate(size_t total, const std::optional<std::string>& next_token, std::optional<long long> max_results,
              long long default_max, long long hard_max, const std::string& error_code);

}  // namespace ecslocal::api
