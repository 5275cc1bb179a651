#pragma once
// nextToken/maxResults paging. The token names the last item of the page it ends (its sort key),
// never a position: the next page starts at the first item after that key in the list as it is
// then, so items deleted or added between pages neither shift nor skip what is left.
//
// Each list is in the order of its keys: names and ARNs sort as text, creation-ordered lists use
// sequence_key(n), task definitions revision_key(family, revision). Tokens are opaque to clients
// ("ecsl2-" and the key in base64url) and validated, so a garbled token is an error, not a restart.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api {

struct Page {
  size_t begin = 0, end = 0;
  std::optional<std::string> next_token;
};

struct PageRequest {
  std::optional<std::string> next_token;
  std::optional<long long> max_results;
  long long default_max = 100, hard_max = 100;
  // The service's own exception for a bad token or maxResults (ECS: InvalidParameterException).
  std::string error_code = "InvalidParameterException";
  bool descending = false;  // the list (and its keys) run from the greatest key down
};

// `keys`: one per item, strictly ascending (descending with request.descending) in list order.
Page paginate(const std::vector<std::string>& keys, const PageRequest& request);

// A key that sorts as the number does: 20 zero-padded digits.
std::string sequence_key(std::uint64_t n);
// Task definitions in (family, revision) order: "web" revision 9 before 10, "web" before "web-2".
std::string revision_key(const std::string& family, long long revision);

}  // namespace ecslocal::api
