#pragma once
// One HTTP/1.1 exchange with the Docker daemon over libcurl: a unix socket or plain TCP, a fresh
// easy handle per call (calls run on many pool threads at once), an overall timeout, an
// inactivity limit, streamed bodies, and a stop token that ends a transfer at once (the
// transfer runs on a multi handle that a stop request wakes up).
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/docker/docker_host.hpp"
#include "runtime/docker/docker_result.hpp"

namespace ecslocal::runtime {

struct HttpRequest {
  std::string method = "GET";  // GET | POST | DELETE
  std::string target;          // path and query: /v1.41/containers/json?all=true
  std::string body;            // sent as application/json when not empty (POST)
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::milliseconds timeout{0};  // overall; zero: none
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::seconds inactivity{0};  // fail when no byte arrives for this long; zero: never
  // Once the status line and headers are in (final responses only).
  std::function<void(long status)> on_status;
  // When set, the body of a 2xx response is handed over as it arrives instead of being kept in
  // HttpResponse::body; return false to end the transfer (perform then returns `cancelled`).
  std::function<bool(std::string_view chunk)> on_body;
};

struct HttpResponse {
  long status = 0;
  std::string body;  // the whole body, or (when streamed) only a non-2xx body
};

class CurlHttp {
 public:
  explicit CurlHttp(DockerEndpoint endpoint);

  // Transport failures are errors (unavailable, timeout, cancelled); any HTTP status is a value.
  // A requested stop returns `cancelled`.
  DockerResult<HttpResponse> perform(const HttpRequest& request, std::stop_token stop = {}) const;

  const DockerEndpoint& endpoint() const { return endpoint_; }

 private:
  DockerEndpoint endpoint_;
};

}  // namespace ecslocal::runtime
