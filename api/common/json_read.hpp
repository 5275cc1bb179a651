#pragma once
// Reading members of request documents the gateway already checked against the AWS model: an
// absent member, or one of another JSON type, reads as "not given". One set for every mapping.
#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api::json_read {

using Json = nlohmann::json;

inline std::optional<std::string> optional_string(const Json& o, const char* key) {
  if (!o.is_object()) return std::nullopt;
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline std::string string_or_empty(const Json& o, const char* key) { return optional_string(o, key).value_or(""); }

inline std::optional<bool> optional_bool(const Json& o, const char* key) {
  if (!o.is_object()) return std::nullopt;
  auto it = o.find(key);
  if (it == o.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

// True only when the member is the boolean true.
inline bool flag(const Json& o, const char* key) { return optional_bool(o, key).value_or(false); }

// Integers beyond the target type are clamped to its range.
inline std::optional<long long> optional_long(const Json& o, const char* key) {
  if (!o.is_object()) return std::nullopt;
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned())
    return static_cast<long long>(std::min<unsigned long long>(it->get<unsigned long long>(), LLONG_MAX));
  return it->get<long long>();
}

inline std::optional<int> optional_int(const Json& o, const char* key) {
  auto v = optional_long(o, key);
  if (!v) return std::nullopt;
  return static_cast<int>(std::clamp<long long>(*v, INT_MIN, INT_MAX));
}

// The member's array, or an empty one.
inline const Json& items(const Json& o, const char* key) {
  static const Json empty = Json::array();
  if (!o.is_object()) return empty;
  auto it = o.find(key);
  return it != o.end() && it->is_array() ? *it : empty;
}

// The string elements of an array member; nullopt when the member is not an array.
inline std::optional<std::vector<std::string>> optional_strings(const Json& o, const char* key) {
  if (!o.is_object()) return std::nullopt;
  auto it = o.find(key);
  if (it == o.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

inline std::vector<std::string> strings(const Json& o, const char* key) {
  return optional_strings(o, key).value_or(std::vector<std::string>{});
}

}  // namespace ecslocal::api::json_read
