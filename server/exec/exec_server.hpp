#pragma once
// ECS Exec's server side: the sessions ExecuteCommand opens (the ExecSessions port) and their SSM
// data channels on ecslocal's own port, GET /v1/data-channel/<session id> upgraded to a websocket.
//
// A session: ExecuteCommand registers it with a one-time token (valid a minute) → the plugin
// dials the streamUrl and sends the token in a text frame → the server sends a HandshakeRequest
// (SessionType InteractiveCommands), waits up to 2 s for the response (clients without a
// handshake, such as npm ssm-session, just wait), sends HandshakeComplete → `docker exec` of the
// shell-split command in the container (root, a TTY, TERM and LANG set) with a hijacked stream →
// its output goes out as output_stream_data in ≤1024-byte chunks within the data channel's
// window; input_stream_data goes to the process (Output), resizes its TTY (Size) or ends the
// session (Flag TerminateSession) → when the process exits (or the task stops, which kills it),
// channel_closed with its exit code, then the websocket closes. TerminateSession kills the
// process; a broken websocket leaves the session waiting a minute for ResumeSession's new token;
// an idle session ends after the idle timeout. Each session runs on a strand of its own; Docker
// calls go to a small blocking pool.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/ports/exec_sessions.hpp"
#include "server/http_handler.hpp"
#include "server/net.hpp"

namespace ecslocal::runtime {
class DockerClient;
class BlockingPool;
}  // namespace ecslocal::runtime

namespace ecslocal::server {

struct ExecServerOptions {
  std::size_t max_sessions = 32;
  std::chrono::seconds idle_timeout{1200};       // AWS: 20 minutes
  std::chrono::seconds token_lifetime{60};       // an unused token expires
  std::chrono::seconds reconnect_grace{60};      // a lost channel waits this long for ResumeSession
  std::chrono::milliseconds handshake_wait{2000};
  bool handshake = true;                         // false: start at once, as the agent does without KMS
  std::string default_authority = "127.0.0.1:4599";  // the streamUrl's host:port when a request named none
  int max_resends = 300;                         // a message resent this often unacknowledged ends the session
};

class ExecSession;
inline constexpr std::string_view data_channel_prefix = "/v1/data-channel/";

class ExecServer : public api::ExecSessions, public HttpHandler, public std::enable_shared_from_this<ExecServer> {
 public:
  ExecServer(net::io_context& ioc, ExecServerOptions options);
  ~ExecServer() override;

  // The daemon the commands run on (null: ExecuteCommand answers TargetNotConnectedException).
  void set_docker(runtime::DockerClient* docker);

  // ---- api::ExecSessions (state strand) ----
  std::optional<api::ExecSessionTicket> open(const api::ExecSessionRequest& request) override;
  bool terminate(const std::string& account_id, const std::string& session_id) override;
  std::optional<api::ExecSessionTicket> resume(const std::string& account_id, const std::string& session_id) override;

  // ---- the data channel's route ----
  void handle(HttpRequest request, Respond respond) override;  // without an upgrade: 400 / 404
  std::shared_ptr<WebSocketHandler> upgrade(const HttpRequest& request) override;

  // Ends every session (reset, shutdown): their processes are killed, their channels closed.
  void end_all(const std::string& why);
  // end_all, then no new session, and the Docker calls in flight are waited for (before the
  // Docker client goes).
  void shut_down();
  std::size_t session_count() const;

 private:
  friend class ExecSession;
  struct Entry {
    std::shared_ptr<ExecSession> session;
    std::string account_id, token, authority;
    std::chrono::steady_clock::time_point token_issued;
    bool token_used = false;
  };
  api::ExecSessionTicket ticket_for(const std::string& id, Entry& entry);
  // A data channel's token: right, unused and not expired (then used).
  bool redeem(const std::string& session_id, const std::string& token);
  bool token_expired(const std::string& session_id);
  void forget(const std::string& session_id);
  std::shared_ptr<ExecSession> find(const std::string& session_id) const;

  net::io_context& ioc_;
  ExecServerOptions options_;
  std::unique_ptr<runtime::BlockingPool> pool_;
  std::atomic<runtime::DockerClient*> docker_{nullptr};
  mutable std::mutex mutex_;
  std::map<std::string, Entry> sessions_;
  bool shut_down_ = false;
};

}  // namespace ecslocal::server
