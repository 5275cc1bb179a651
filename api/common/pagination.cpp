#include "api/common/pagination.hpp"

#include <algorithm>

#include "api/common/base64.hpp"

namespace ecslocal::api {
namespace {

constexpr std::string_view kPrefix = "ecsl2-";
}  // namespace

Page paginate(const std::vector<std::string>& keys, const PageRequest& request) {
  Page page;
  if (request.next_token) {
    const std::string& t = *request.next_token;
    std::optional<std::string> last;
    if (t.rfind(kPrefix, 0) == 0) last = base64url_decode(std::string_view(t).substr(kPrefix.size()));
    if (!last || last->empty()) throw AwsError(request.error_code, "Invalid token " + t);
    const auto it = request.descending
                        ? std::upper_bound(keys.begin(), keys.end(), *last, std::greater<>())
                        : std::upper_bound(keys.begin(), keys.end(), *last);
    page.begin = static_cast<size_t>(it - keys.begin());
  }
  long long limit = request.default_max;
  if (request.max_results) {
    if (*request.max_results < 1 || *request.max_results > request.hard_max)
      throw AwsError(request.error_code, "maxResults must be between 1 and " + std::to_string(request.hard_max) + ".");
    limit = *request.max_results;
  }
  page.end = std::min(keys.size(), page.begin + static_cast<size_t>(limit));
  if (page.end < keys.size() && page.end > page.begin)
    page.next_token = std::string(kPrefix) + base64url_encode(keys[page.end - 1]);
  return page;
}

std::string sequence_key(std::uint64_t n) {
  std::string digits = std::to_string(n);
  return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits;
}

std::string revision_key(const std::string& family, long long revision) {
  return family + '\x01' + sequence_key(static_cast<std::uint64_t>(std::max(0LL, revision)));
}

}  // namespace ecslocal::api
