#pragma once
// URL building for Docker Engine API paths: percent-encoding, query strings and the JSON
// `filters` parameter (filters={"label":["ecslocal.managed=true"]}).
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ecslocal::runtime {

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);

// Docker's filters value: {"key":["v1","v2"],...} as compact JSON (keys sorted).
using Filters = std::map<std::string, std::vector<std::string>>;
std::string filters_json(const Filters& filters);

// Builds "?a=1&b=x%20y" in insertion order; empty when no parameter was added.
class QueryString {
 public:
  QueryString& add(std::string_view key, std::string_view value);
  QueryString& add_bool(std::string_view key, bool value);  // true | false
  QueryString& add_int(std::string_view key, long long value);
  QueryString& add_filters(const Filters& filters);  // skipped when empty
  std::string str() const;

 private:
  std::string query_;
};

// An id or name inside a Docker API path: like url_encode but keeps '/', ':' and '@', which image
// references hold ("registry:5000/team/app@sha256:...") and Docker's router expects as they are.
std::string path_segment(std::string_view id_or_name);

// Unix time with nanoseconds as Docker's since/until parameters accept it: "1700000000.000000123".
std::string docker_time_param(long long time_nano);

}  // namespace ecslocal::runtime
