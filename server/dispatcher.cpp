#include "server/dispatcher.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

#include "server/sigv4.hpp"

namespace ecslocal::server {

Dispatcher::Dispatcher(StateStrand& state, std::shared_ptr<api::Gateway> gateway)
    : state_(state), gateway_(std::move(gateway)) {}

void Dispatcher::handle(HttpRequest request, Respond reply) {
  auto started = std::chrono::steady_clock::now();
  api::ApiRequest api_request;
  api_request.request_id = new_request_id();
  api_request.method = std::string(request.method_string());
  api_request.target = std::string(request["X-Amz-Target"]);
  api_request.content_type = std::string(request[http::field::content_type]);
  api_request.smithy_protocol = std::string(request["smithy-protocol"]);
  api_request.query_mode = std::string(request["x-amzn-query-mode"]);
  api_request.content_encoding = std::string(request[http::field::content_encoding]);
  api_request.host = std::string(request[http::field::host]);
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
    if (!r.smithy_protocol.empty()) res.set("smithy-protocol", r.smithy_protocol);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("{} {} {} {} {}us{}{}", call->request_id, r.service.empty() ? "-" : r.service,
                 r.operation.empty() ? "-" : r.operation, r.status, micros, r.error_type.empty() ? "" : " ",
                 r.error_type);
    reply(std::move(res));
  });
}

}  // namespace ecslocal::server
