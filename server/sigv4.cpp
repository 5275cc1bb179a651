#include "server/sigv4.hpp"

#include <vector>

namespace ecslocal::server {

std::optional<CredentialScope> parse_authorization(std::string_view header) {
  constexpr std::string_view kScheme = "AWS4-HMAC-SHA256";
  if (header.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  const auto pos = header.find("Credential=");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view cred = header.substr(pos + 11);
  cred = cred.substr(0, cred.find_first_of(", "));
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= cred.size()) {
    size_t slash = cred.find('/', start);
    if (slash == std::string_view::npos) slash = cred.size();
    parts.emplace_back(cred.substr(start, slash - start));
    start = slash + 1;
  }
  // The access key itself never contains '/', so the scope is always the last four parts.
  if (parts.size() != 5 || parts[4] != "aws4_request") return std::nullopt;
  return CredentialScope{parts[0], parts[1], parts[2], parts[3]};
}

}  // namespace ecslocal::server
