#include "api/common/wildcard.hpp"

#include <cctype>
#include <cstddef>

namespace ecslocal::api {

bool wildcard_match(std::string_view pattern, std::string_view text, bool nocase) {
  auto same = [nocase](char a, char b) {
    if (!nocase) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  constexpr std::size_t none = std::string_view::npos;
  std::size_t p = 0, t = 0, star = none, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;  // try the star as empty first; widen it on a mismatch
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (star != none) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace ecslocal::api
