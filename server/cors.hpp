#pragma once
// CORS for browser SDKs and consoles. Pages on loopback (http(s)://localhost, 127.0.0.1, [::1],
// any port) are always allowed; --cors-origins adds more (exact origins, "scheme://host:*" for
// any port, or "*" for every origin). A request without Origin (CLI, SDKs outside a browser)
// passes untouched. A request whose Origin is not allowed, preflight or not, gets 403: a page
// elsewhere must not drive the emulator (reset it, run containers) from a developer's browser.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_handler.hpp"

namespace ecslocal::server {

class CorsPolicy {
 public:
  // `extra`: a comma-separated list as --cors-origins takes it (may be empty).
  static CorsPolicy from_list(const std::string& extra);
  bool allows(std::string_view origin) const;

 private:
  bool any_ = false;
  std::vector<std::string> exact_;
  std::vector<std::string> any_port_;  // "scheme://host" of entries "scheme://host:*"
};

class CorsHandler : public HttpHandler {
 public:
  CorsHandler(std::shared_ptr<HttpHandler> inner, CorsPolicy policy)
      : inner_(std::move(inner)), policy_(std::move(policy)) {}
  void handle(HttpRequest request, Respond respond) override;
  std::shared_ptr<WebSocketHandler> upgrade(const HttpRequest& request) override;

 private:
  std::shared_ptr<HttpHandler> inner_;
  CorsPolicy policy_;
};

}  // namespace ecslocal::server
