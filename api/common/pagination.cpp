#include "api/common/pagination.hpp"

#include <algorithm>
#include <charconv>

namespace ecslocal::api {

Page paginate(size_t total, const std::optional<std::string>& next_token, std::optional<long long> max_results,
              long long default_max, long long hard_max, const std::string& error_code) {
  Page page;
  if (next_token) {
    const std::string& t = *next_token;
    const std::string prefix = "ecsl1-";
    size_t offset = 0;
    if (t.rfind(prefix, 0) != 0 ||
        std::from_chars(t.data() + prefix.size(), t.data() + t.size(), offset).ec != std::errc() || offset > total)
      throw AwsError(error_code, "Invalid token " + t);
    page.begin = offset;
  }
  long long limit = default_max;
  if (max_results) {
    if (*max_results < 1 || *max_results > hard_max)
      throw AwsError(error_code, "maxResults must be between 1 and " + std::to_string(hard_max) + ".");
    limit = *max_results;
  }
  page.end = std::min(total, page.begin + static_cast<size_t>(limit));
  if (page.end < total) page.next_token = "ecsl1-" + std::to_string(page.end);
  return page;
}

}  // namespace ecslocal::api
