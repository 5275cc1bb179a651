#include "server/dispatcher.hpp"

#include <chrono>
#include <random>
#include <spdlog/spdlog.h>

#include "server/sigv4.hpp"

namespace ecslocal::server {
namespace {

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

}  // namespace

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

Dispatcher::Dispatcher(net::io_context& ioc, std::shared_ptr<api::Gateway> gateway)
    : state_(net::make_strand(ioc)), gateway_(std::move(gateway)) {}

void Dispatcher::post_to_state(std::function<void()> fn) { net::post(state_, std::move(fn)); }

void Dispatcher::dispatch(HttpRequest request, Reply reply) {
  const auto target = request.target();
  if (target.substr(0, 11) == "/_ecslocal/") {
    if (target == "/_ecslocal/reset" && request.method() == http::verb::post) {
      // State changes happen on the state strand only.
      net::post(state_, [this, req = std::move(request), reply = std::move(reply)]() mutable {
        gateway_->reset();
        spdlog::info("state reset");
        reply(make_response(req.version(), req.keep_alive(), 200, "application/json", R"({"reset":true})", new_request_id()));
      });
      return;
    }
    reply(handle_admin(request));
    return;
  }
  handle_aws(std::move(request), std::move(reply));
}

HttpResponse Dispatcher::handle_admin(const HttpRequest& request) {
  const auto id = new_request_id();
  if (request.target() == "/_ecslocal/health" && request.method() == http::verb::get) {
    api::Json body{{"status", "running"}, {"version", "0.1.0"}, {"services", gateway_->service_names()}};
    return make_response(request.version(), request.keep_alive(), 200, "application/json", body.dump(), id);
  }
  return make_response(request.version(), request.keep_alive(), 404, "application/json",
                       R"({"message":"no such ecslocal admin route"})", id);
}

void Dispatcher::handle_aws(HttpRequest request, Reply reply) {
  auto started = std::chrono::steady_clock::now();
  api::ApiRequest api_request;
  api_request.request_id = new_request_id();
  api_request.method = std::string(request.method_string());
  api_request.target = std::string(request["X-Amz-Target"]);
  api_request.content_type = std::string(request[http::field::content_type]);
  api_request.smithy_protocol = std::string(request["smithy-protocol"]);
  api_request.query_mode = std::string(request["x-amzn-query-mode"]);
  const auto target = request.target();
  const auto q = target.find('?');
  api_request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) api_request.query_string = std::string(target.substr(q + 1));
  if (auto scope = parse_authorization(request[http::field::authorization])) {
    api_request.access_key = scope->access_key;
    api_request.region = scope->region;
    api_request.signing_service = scope->service;
  }
  api_request.body = std::move(request.body());
  // Parsing and the model checks happen here, on the connection's thread; the state strand only
  // runs the handler.
  auto call = std::make_shared<api::Call>(gateway_->decode(std::move(api_request)));
  net::post(state_, [this, call, version = request.version(), keep_alive = request.keep_alive(), started,
                     reply = std::move(reply)]() {
    gateway_->invoke(*call);
    api::ApiResponse r = gateway_->encode(*call);
    auto res = make_response(version, keep_alive, r.status, r.content_type, std::move(r.body), call->request_id);
    if (!r.error_type.empty()) res.set("X-Amzn-ErrorType", r.error_type);
    if (!r.query_error.empty()) res.set("x-amzn-query-error", r.query_error);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("{} {} {} {} {}us{}{}", call->request_id, r.service.empty() ? "-" : r.service,
                 r.operation.empty() ? "-" : r.operation, r.status, micros, r.error_type.empty() ? "" : " ",
                 r.error_type);
    reply(std::move(res));
  });
}

}  // namespace ecslocal::server
