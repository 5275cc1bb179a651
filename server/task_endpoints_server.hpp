#pragma once
// The server side of the task metadata and credentials endpoints: an HttpHandler that answers
// GET requests through the TaskMetadata port (ECS, on the state strand), listening on a Unix
// socket <endpoints dir>/<route>.sock. The endpoints relay at 169.254.170.2
// (runtime/task/endpoints_relay.hpp), shared by every ecslocal on the Docker daemon, bind-mounts
// the folder and hands each task's connection to the socket of the instance its path names.
// One request per connection (the reply says Connection: close).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/ports/task_metadata.hpp"
#include "server/http_handler.hpp"
#include "server/http_session.hpp"

namespace ecslocal::server {

class TaskEndpointsHandler : public HttpHandler {
 public:
  using StatsDone = std::function<void(std::vector<api::ContainerStatsDocument>)>;
  // Reads the stats of these containers (Docker ids) off the state strand, never blocking the
  // caller, and calls `done` once, on any thread. Called on the state strand.
  using ReadStats = std::function<void(std::vector<std::string> docker_ids, StatsDone done)>;

  // `port` is looked up on the state strand at every request (null: 503). A reply of the port
  // that asks for stats (MetadataReply::stats_of) is finished with `read_stats` and the port's
  // serve_stats(), back on the state strand; without `read_stats`, 503.
  TaskEndpointsHandler(StateStrand& state, std::function<api::TaskMetadata*()> port,
                       std::function<std::chrono::system_clock::time_point()> clock, ReadStats read_stats = {})
      : state_(state), port_(std::move(port)), clock_(std::move(clock)), read_stats_(std::move(read_stats)) {}
  void handle(HttpRequest request, Respond respond) override;

 private:
  StateStrand& state_;
  std::function<api::TaskMetadata*()> port_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  ReadStats read_stats_;
};

// HTTP over a Unix stream socket. start() throws when the socket cannot be made.
class UnixHttpServer : public std::enable_shared_from_this<UnixHttpServer> {
 public:
  UnixHttpServer(net::io_context& ioc, std::string path, std::shared_ptr<HttpHandler> handler, SessionLimits limits,
                 std::shared_ptr<SessionRegistry> registry);
  // Makes the folder (0755) when missing, replaces a stale socket file, listens (socket 0666).
  void start();
  // Stops accepting and removes the socket file. Any thread; idempotent.
  void stop();
  const std::string& path() const { return path_; }

 private:
  void do_accept();

  net::io_context& ioc_;
  std::string path_;
  std::shared_ptr<HttpHandler> handler_;
  SessionLimits limits_;
  std::shared_ptr<SessionRegistry> registry_;
  net::strand<net::io_context::executor_type> strand_;
  net::local::stream_protocol::acceptor acceptor_;
  bool stopped_ = false;
};

}  // namespace ecslocal::server
