#include "runtime/docker/url.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ecslocal::runtime {

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
  return out;
}

std::string path_segment(std::string_view id_or_name) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= id_or_name.size(); ++i) {
    if (i == id_or_name.size() || id_or_name[i] == '/' || id_or_name[i] == ':' || id_or_name[i] == '@') {
      out += url_encode(id_or_name.substr(start, i - start));
      if (i < id_or_name.size()) out += id_or_name[i];
      start = i + 1;
    }
  }
  return out;
}

std::string filters_json(const Filters& filters) {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [key, values] : filters) doc[key] = values;
  return doc.dump();
}

QueryString& QueryString::add(std::string_view key, std::string_view value) {
  query_ += query_.empty() ? '?' : '&';
  query_ += url_encode(key);
  query_ += '=';
  query_ += url_encode(value);
  return *this;
}

QueryString& QueryString::add_bool(std::string_view key, bool value) {
  return add(key, std::string_view(value ? "true" : "false"));
}

QueryString& QueryString::add_int(std::string_view key, long long value) {
  return add(key, std::string_view(std::to_string(value)));
}

QueryString& QueryString::add_filters(const Filters& filters) {
  if (filters.empty()) return *this;
  return add("filters", std::string_view(filters_json(filters)));
}

std::string QueryString::str() const { return query_; }

std::string docker_time_param(long long time_nano) {
  if (time_nano < 0) time_nano = 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld.%09lld", time_nano / 1000000000LL, time_nano % 1000000000LL);
  return buffer;
}

}  // namespace ecslocal::runtime
