// The two Session Manager operations ECS Exec's plugin calls, on the endpoint the AWS CLI hands
// it: TerminateSession (the user ends the session, or the plugin gave up resending) and
// ResumeSession (the websocket broke: a fresh token for the same session). Sessions themselves
// are the server's (the ExecSessions port); other session operations answer "not implemented".
#include "api/common/json_read.hpp"
#include "api/ports/exec_sessions.hpp"
#include "api/ssm/errors.hpp"
#include "api/ssm/provider.hpp"

namespace ecslocal::api::ssm {
using json_read::string_or_empty;
namespace {

std::string session_id(const Json& input) {
  std::string id = string_or_empty(input, "SessionId");
  if (id.empty()) throw ValidationException("1 validation error detected: Value null at 'sessionId' failed to satisfy constraint: Member must not be null");
  return id;
}

// Idempotent, as AWS's: ending a session that already ended succeeds.
Json terminate_session(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  std::string id = session_id(input);
  if (ExecSessions* sessions = provider.exec_sessions()) sessions->terminate(ctx.account_id, id);
  return Json{{"SessionId", id}};
}

Json resume_session(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  std::string id = session_id(input);
  ExecSessions* sessions = provider.exec_sessions();
  auto ticket = sessions ? sessions->resume(ctx.account_id, id) : std::nullopt;
  if (!ticket) throw DoesNotExistException("Session " + id + " does not exist or has ended.");
  return Json{{"SessionId", id}, {"TokenValue", ticket->token_value}, {"StreamUrl", ticket->stream_url}};
}

}  // namespace

void register_session_operations(SsmProvider& provider, OperationTable& table) {
  bind_operation(table, "TerminateSession", provider, terminate_session);
  bind_operation(table, "ResumeSession", provider, resume_session);
}

}  // namespace ecslocal::api::ssm
