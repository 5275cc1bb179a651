#include "server/http_handler.hpp"

#include <nlohmann/json.hpp>
#include <random>

namespace ecslocal::server {

HttpResponse make_response(unsigned version, bool keep_alive, int status, const std::string& content_type,
                           std::string body, const std::string& request_id) {
  HttpResponse res{static_cast<http::status>(status), version};
  res.set(http::field::server, "ecslocal");
  res.set(http::field::content_type, content_type);
  res.set("x-amzn-RequestId", request_id);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_message(const HttpRequest& request, int status, const std::string& message) {
  return make_response(request.version(), request.keep_alive(), status, "application/json",
                       nlohmann::json{{"message", message}}.dump(), new_request_id());
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  char out[37];
  uint64_t a = rng(), b = rng();
  int bit = 0;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      out[i] = '-';
      continue;
    }
    uint64_t& src = bit < 64 ? a : b;
    out[i] = kHex[(src >> (bit % 64)) & 0xf];
    bit += 4;
  }
  out[14] = '4';
  out[19] = "89ab"[(a >> 3) & 3];
  out[36] = 0;
  return out;
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::string query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

}  // namespace ecslocal::server
