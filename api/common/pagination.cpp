#include "api/common/pagination.hpp"

#include <algorithm>

namespace ecslocal::api {
namespace {

constexpr std::string_view kPrefix = "ecsl2-";
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::string& in) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (unsigned char c : in) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(value >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(value << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> from_base64url(std::string_view in) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : in) {
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  // Leftover bits must be padding zeros of fewer than 8 bits.
  if (bits >= 6 || (value & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

Page paginate(const std::vector<std::string>& keys, const PageRequest& request) {
  Page page;
  if (request.next_token) {
    const std::string& t = *request.next_token;
    std::optional<std::string> last;
    if (t.rfind(kPrefix, 0) == 0) last = from_base64url(std::string_view(t).substr(kPrefix.size()));
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
    page.next_token = std::string(kPrefix) + base64url(keys[page.end - 1]);
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
