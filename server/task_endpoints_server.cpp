#include "server/task_endpoints_server.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace ecslocal::server {
namespace {

using local = net::local::stream_protocol;

// One request, one reply, then the connection closes; idle or slow connections end after the
// read timeout, and shutdown ends them through the registry.
class UnixSession : public Closable, public std::enable_shared_from_this<UnixSession> {
 public:
  UnixSession(local::socket socket, std::shared_ptr<HttpHandler> handler, SessionLimits limits)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), handler_(std::move(handler)), limits_(limits) {}

  void run(const std::shared_ptr<SessionRegistry>& registry) {
    net::dispatch(socket_.get_executor(), [self = shared_from_this(), registry] {
      if (registry) registry->add(self);
      self->read();
    });
  }
  void shut_down() override {
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_) self->close();
    });
  }

 private:
  void read() {
    if (stopping_) return close();
    parser_.body_limit(limits_.body_limit);
    parser_.header_limit(16 * 1024);
    timer_.expires_after(limits_.read_timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->close();
    });
    http::async_read(socket_, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->timer_.cancel();
      if (ec) return self->close();
      self->busy_ = true;
      auto request = self->parser_.release();
      self->handler_->handle(std::move(request), [self](HttpResponse response) {
        net::post(self->socket_.get_executor(), [self, r = std::move(response)]() mutable { self->write(std::move(r)); });
      });
    });
  }
  void write(HttpResponse response) {
    response.keep_alive(false);
    response_ = std::make_shared<HttpResponse>(std::move(response));
    http::async_write(socket_, *response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      self->busy_ = false;
      self->close();
    });
  }
  void close() {
    beast::error_code ec;
    timer_.cancel();
    socket_.shutdown(local::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  local::socket socket_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  std::shared_ptr<HttpResponse> response_;
  std::shared_ptr<HttpHandler> handler_;
  SessionLimits limits_;
  bool busy_ = false, stopping_ = false;
};

}  // namespace

void TaskEndpointsHandler::handle(HttpRequest request, Respond respond) {
  auto req = std::make_shared<HttpRequest>(std::move(request));
  // The relay's header comes first (a client's own copy, if any, after it): the first one counts.
  std::string caller;
  if (auto it = req->find(api::kCallerAddressHeader); it != req->end()) caller = std::string(it->value());
  auto send = [req, respond = std::move(respond)](api::MetadataReply reply) {
    respond(make_response(req->version(), false, reply.status, "application/json", std::move(reply.body),
                          new_request_id()));
  };
  // The session waits for `send` (it holds the session, and the session this handler).
  net::post(state_, [this, req, caller, send = std::move(send)] {
    const api::MetadataReply not_ready{503, R"({"code":"ServiceUnavailable","message":"the task metadata endpoint is not ready"})"};
    const std::string method(req->method_string()), path(target_path(req->target()));
    api::TaskMetadata* port = port_ ? port_() : nullptr;
    if (!port) return send(not_ready);
    api::MetadataReply reply = port->serve(method, path, caller, clock_());
    if (reply.stats_of.empty()) return send(std::move(reply));
    if (!read_stats_)
      return send({503, R"({"code":"ServiceUnavailable","message":"no container runtime reads container stats here"})"});
    // Docker's stats are read off the state strand; the answer is made back on it.
    read_stats_(std::move(reply.stats_of), [this, method, path, caller, send, not_ready](
                                               std::vector<api::ContainerStatsDocument> stats) {
      net::post(state_, [this, method, path, caller, send, not_ready, stats = std::move(stats)]() mutable {
        api::TaskMetadata* port = port_ ? port_() : nullptr;
        send(port ? port->serve_stats(method, path, caller, std::move(stats), clock_()) : not_ready);
      });
    });
  });
}

UnixHttpServer::UnixHttpServer(net::io_context& ioc, std::string path, std::shared_ptr<HttpHandler> handler,
                               SessionLimits limits, std::shared_ptr<SessionRegistry> registry)
    : ioc_(ioc),
      path_(std::move(path)),
      handler_(std::move(handler)),
      limits_(limits),
      registry_(std::move(registry)),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_) {}

void UnixHttpServer::start() {
  namespace fs = std::filesystem;
  const fs::path socket_path(path_);
  std::error_code error;
  if (!socket_path.parent_path().empty()) {
    fs::create_directories(socket_path.parent_path(), error);
    ::chmod(socket_path.parent_path().c_str(), 0755);
  }
  ::unlink(path_.c_str());  // a stale socket of an earlier run of this instance (its lock is ours)
  acceptor_.open(local());
  acceptor_.bind(local::endpoint(path_));  // throws boost::system::system_error
  ::chmod(path_.c_str(), 0666);  // the relay's root (or a remapped user) connects
  acceptor_.listen(net::socket_base::max_listen_connections);
  net::dispatch(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void UnixHttpServer::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, local::socket socket) {
    if (ec == net::error::operation_aborted || self->stopped_) return;
    if (ec) {
      spdlog::warn("task endpoints: accept failed: {}", ec.message());
    } else {
      std::make_shared<UnixSession>(std::move(socket), self->handler_, self->limits_)->run(self->registry_);
    }
    if (self->acceptor_.is_open()) self->do_accept();
  });
}

void UnixHttpServer::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    self->stopped_ = true;
    beast::error_code ec;
    self->acceptor_.close(ec);
    ::unlink(self->path_.c_str());
  });
}

}  // namespace ecslocal::server
