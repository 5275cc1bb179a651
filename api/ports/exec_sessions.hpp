#pragma once
// ECS Exec's sessions. ExecuteCommand (api/ecs) opens one for a running container; the SSM
// operations the session-manager-plugin calls (TerminateSession, ResumeSession; api/ssm) end one
// or hand out a fresh token. The data channel itself (the websocket the plugin dials with the
// token, the docker exec behind it) lives in the server (server/exec/), which implements this
// port. Called on the state strand; the implementation locks what its connections share.
#include <optional>
#include <string>

namespace ecslocal::api {

struct ExecSessionRequest {
  std::string account_id, region;
  std::string cluster_arn, task_arn, container_name;
  std::string container_runtime_id;  // the Docker container the command runs in
  std::string command;               // as ExecuteCommand got it (split shell-style by the server)
  std::string target;                // ecs:<cluster>_<task id>_<runtime id>, as the CLI builds it
  std::string host;                  // host[:port] the request came to (the streamUrl's authority)
};

struct ExecSessionTicket {
  std::string session_id, stream_url, token_value;
};

class ExecSessions {
 public:
  virtual ~ExecSessions() = default;
  // A new session, or nullopt when as many sessions as allowed are open.
  virtual std::optional<ExecSessionTicket> open(const ExecSessionRequest& request) = 0;
  // Ends a session of the account (its command is killed, its channel closed). False: no such session.
  virtual bool terminate(const std::string& account_id, const std::string& session_id) = 0;
  // A fresh token and stream URL for a live session of the account; nullopt when it is gone.
  virtual std::optional<ExecSessionTicket> resume(const std::string& account_id, const std::string& session_id) = 0;
};

}  // namespace ecslocal::api
