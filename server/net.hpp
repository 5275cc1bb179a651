#pragma once
// Namespace aliases for Beast and Asio, held once. Never included from api/.
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ecslocal::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
}  // namespace ecslocal::server

namespace ecslocal::server {
// The state strand: every api call (handlers, lifecycle, runtime events) runs there, one at a time.
using StateStrand = boost::asio::strand<boost::asio::io_context::executor_type>;
}  // namespace ecslocal::server
