#pragma once
// nlohmann::json serializers of our own for std types: std::optional<T> (null when empty) and
// system_clock time points (integer nanoseconds since the epoch; see snapshot_json.hpp). Included
// through the api library's precompiled header, so every translation unit sees the same
// serializers before any use (a specialization that came after an instantiation would be an ODR
// break, and a compile error in a unity batch).
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace nlohmann {

// std::optional<T>: null when empty (nlohmann 3.11.2 has no serializer of its own).
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value)
      j = *value;
    else
      j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null())
      value.reset();
    else
      value = j.get<T>();
  }
};

// system_clock time points: integer nanoseconds since the epoch.
template <>
struct adl_serializer<std::chrono::system_clock::time_point> {
  static void to_json(json& j, const std::chrono::system_clock::time_point& t) {
    j = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  static void from_json(const json& j, std::chrono::system_clock::time_point& t) {
    if (!j.is_number_integer())
      throw std::runtime_error("a time point must be an integer (epoch nanoseconds), not " + j.dump());
    t = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(j.get<long long>())));
  }
};

}  // namespace nlohmann
