#include "server/cors.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {
namespace {

constexpr const char* kAllowMethods = "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS";
// What the AWS SDKs for JavaScript send (v2 and v3), and the JSON / query / CBOR protocol headers.
constexpr const char* kAllowHeaders =
    "authorization, content-type, x-amz-target, x-amz-date, x-amz-user-agent, x-amz-security-token, "
    "amz-sdk-invocation-id, amz-sdk-request, x-amz-content-sha256, x-amz-api-version, x-amzn-query-mode, "
    "smithy-protocol, accept";
constexpr const char* kExposeHeaders = "x-amzn-requestid, x-amzn-errortype, x-amz-request-id, date";
constexpr const char* kMaxAge = "7200";  // Chromium's ceiling

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// "http://localhost:3000" → host "localhost"; scheme http or https, optional port of digits.
bool on_loopback(std::string_view origin) {
  std::string_view rest;
  if (origin.substr(0, 7) == "http://") rest = origin.substr(7);
  else if (origin.substr(0, 8) == "https://") rest = origin.substr(8);
  else return false;
  for (std::string_view host : {"localhost", "127.0.0.1", "[::1]"}) {
    if (rest.substr(0, host.size()) != host) continue;
    auto port = rest.substr(host.size());
    if (port.empty()) return true;
    if (port[0] != ':' || port.size() == 1 || port.size() > 6) return false;
    return port.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
  }
  return false;
}

void add_actual_headers(HttpResponse& res, std::string_view origin) {
  res.set(http::field::access_control_allow_origin, origin);
  res.set(http::field::access_control_expose_headers, kExposeHeaders);
  res.set(http::field::vary, "Origin");
}

}  // namespace

CorsPolicy CorsPolicy::from_list(const std::string& extra) {
  CorsPolicy policy;
  size_t start = 0;
  while (start <= extra.size()) {
    auto comma = extra.find(',', start);
    if (comma == std::string::npos) comma = extra.size();
    auto entry = trim(std::string_view(extra).substr(start, comma - start));
    while (!entry.empty() && entry.back() == '/') entry.pop_back();
    if (entry == "*") policy.any_ = true;
    else if (entry.size() > 2 && entry.compare(entry.size() - 2, 2, ":*") == 0) policy.any_port_.push_back(entry.substr(0, entry.size() - 2));
    else if (!entry.empty()) policy.exact_.push_back(entry);
    start = comma + 1;
  }
  return policy;
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (any_ || on_loopback(origin)) return true;
  for (const auto& o : exact_)
    if (o == origin) return true;
  for (const auto& prefix : any_port_) {
    if (origin == prefix) return true;
    if (origin.size() > prefix.size() + 1 && origin.substr(0, prefix.size()) == prefix && origin[prefix.size()] == ':' &&
        origin.substr(prefix.size() + 1).find_first_not_of("0123456789") == std::string_view::npos)
      return true;
  }
  return false;
}

void CorsHandler::handle(HttpRequest request, Respond respond) {
  const auto origin_field = request[http::field::origin];
  if (origin_field.empty()) return inner_->handle(std::move(request), std::move(respond));
  const std::string origin(origin_field);
  if (!policy_.allows(origin)) {
    spdlog::warn("refused a request from origin {} ({} {})", origin, std::string(request.method_string()),
                 std::string(request.target()));
    return respond(json_message(request, 403,
                                "origin " + origin + " is not allowed; ecslocal answers pages on localhost, "
                                "127.0.0.1 and [::1], and the origins of --cors-origins"));
  }
  if (request.method() == http::verb::options) {
    auto res = make_response(request.version(), request.keep_alive(), 204, "text/plain", "", new_request_id());
    res.erase(http::field::content_type);
    add_actual_headers(res, origin);
    res.set(http::field::access_control_allow_methods, kAllowMethods);
    res.set(http::field::access_control_allow_headers, kAllowHeaders);
    res.set(http::field::access_control_max_age, kMaxAge);
    return respond(std::move(res));
  }
  inner_->handle(std::move(request), [origin, respond = std::move(respond)](HttpResponse res) {
    add_actual_headers(res, origin);
    respond(std::move(res));
  });
}

std::shared_ptr<WebSocketHandler> CorsHandler::upgrade(const HttpRequest& request) {
  const auto origin = request[http::field::origin];
  if (!origin.empty() && !policy_.allows(origin)) return nullptr;  // handle() answers 403
  return inner_->upgrade(request);
}

}  // namespace ecslocal::server
