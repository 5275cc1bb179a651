#include "server/plugin/ssm_api.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "server/plugin/contract.hpp"

namespace ecslocal::plugin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string key_in_credentials_file(const std::string& profile) {
  std::string path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty()) {
    std::string home = env("HOME");
    if (home.empty()) return {};
    path = home + "/.aws/credentials";
  }
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return access_key_from_ini(text.str(), profile);
}

asio::awaitable<std::string> post(Url url, std::string host_header, http::request<http::string_body> request,
                                  std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  stream.expires_after(timeout);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, token);
  if (ec) co_return "lookup " + url.host + ": " + ec.message();
  co_await stream.async_connect(endpoints, token);
  if (ec) co_return "connect " + host_header + ": " + ec.message();
  co_await http::async_write(stream, request, token);
  if (ec) co_return "write: " + ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, token);
  if (ec) co_return "read: " + ec.message();
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  if (response.result() != http::status::ok) {
    std::string body = response.body().substr(0, 300);
    co_return "HTTP " + std::to_string(response.result_int()) + " " + body;
  }
  co_return "";
}

}  // namespace

std::string caller_access_key(const std::string& profile) {
  if (!profile.empty()) {
    if (auto key = key_in_credentials_file(profile); !key.empty()) return key;
  }
  if (auto key = env("AWS_ACCESS_KEY_ID"); !key.empty()) return key;
  std::string fallback = env("AWS_PROFILE");
  if (auto key = key_in_credentials_file(fallback.empty() ? "default" : fallback); !key.empty()) return key;
  return "ecslocal";
}

std::string terminate_session(const ApiCaller& caller, const std::string& session_id,
                              std::chrono::milliseconds timeout) {
  if (caller.endpoint.empty()) return "no SSM endpoint was given";
  std::string error;
  auto url = parse_url(caller.endpoint, &error);
  if (!url) return error;
  if (url->scheme != "http") return "only http:// endpoints are supported, not " + caller.endpoint;

  std::time_t now = std::time(nullptr);
  std::string date = amz_date(now);
  http::request<http::string_body> request{http::verb::post, url->target, 11};
  request.set(http::field::host, url->host_header());
  request.set(http::field::content_type, "application/x-amz-json-1.1");
  request.set("X-Amz-Target", "AmazonSSM.TerminateSession");
  request.set("X-Amz-Date", date);
  request.set(http::field::authorization,
              authorization_header(caller_access_key(caller.profile), caller.region, date.substr(0, 8)));
  request.set(http::field::user_agent, "ecslocal-session-manager-plugin/" + std::string(plugin_version));
  request.set(http::field::accept_encoding, "identity");
  request.body() = terminate_session_body(session_id);
  request.prepare_payload();

  asio::io_context io;
  std::string result = "timed out after " + std::to_string(timeout.count()) + " ms";
  asio::co_spawn(io, post(*url, url->host_header(), std::move(request), timeout),
                 [&](std::exception_ptr failure, std::string outcome) {
                   if (failure) {
                     try {
                       std::rethrow_exception(failure);
                     } catch (const std::exception& e) {
                       result = e.what();
                     }
                     return;
                   }
                   result = std::move(outcome);
                 });
  io.run_for(timeout + std::chrono::milliseconds(500));
  return result;
}

}  // namespace ecslocal::plugin
