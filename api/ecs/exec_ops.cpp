// ExecuteCommand (ECS Exec): checks the task and container as ECS does, then opens a session
// through the ExecSessions port (the server's data channel, server/exec/), which the
// session-manager-plugin then dials with the session's token.
#include "api/common/json_read.hpp"
#include "api/ecs/errors.hpp"
#include "api/ecs/arn.hpp"
#include "api/ecs/provider.hpp"
#include "api/ports/exec_sessions.hpp"

namespace ecslocal::api::ecs {
using namespace json_read;
namespace {

// AWS's text, with its U+2019 in "isn’t".
constexpr const char* kNotEnabled =
    "The execute command failed because execute command was not enabled when the task was run or the execute "
    "command agent isn\u2019t running. Wait and try again or run a new task with execute command enabled and try again.";
constexpr const char* kInternal = "The execute command failed due to an internal error. Try again later.";

std::string last_segment(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

Json execute_command(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  const std::string task_ref = string_or_empty(input, "task");
  const std::string command = string_or_empty(input, "command");
  const std::optional<std::string> container_name = optional_string(input, "container");
  if (!flag(input, "interactive")) throw InvalidParameterException("Interactive is the only mode supported currently.");
  if (command.empty()) throw InvalidParameterException("command cannot be empty.");
  Cluster& cluster = require_active_cluster(state, ctx, optional_string(input, "cluster"));
  const bool is_arn = task_ref.rfind("arn:", 0) == 0;
  const std::string task_id = is_arn ? last_segment(task_ref) : task_ref;
  if (task_id.size() != 32 && task_id.size() != 36) throw InvalidParameterException("task length should be one of [32,36]");
  Task* task = state.tasks.find_by_arn(is_arn ? task_ref : task_arn(ctx, cluster.name, task_ref));
  if (!task || task->cluster_name != cluster.name) throw InvalidParameterException("The referenced task was not found.");
  if (!task->enable_execute_command || task->last_status != TaskStatus::Running) throw InvalidParameterException(kNotEnabled);

  const Container* container = nullptr;
  if (container_name) {
    for (const Container& c : task->containers)
      if (c.name == *container_name) container = &c;
    if (!container)
      throw InvalidParameterException("The container " + *container_name + " was not found in the task " + task->arn + ".");
  } else if (task->containers.size() == 1) {
    container = &task->containers.front();
  } else {
    throw InvalidParameterException("The task has more than one container: specify the container to run the command in.");
  }
  if (container->status != ContainerStatus::Running || container->runtime_id.empty())
    throw InvalidParameterException(kNotEnabled);

  ExecSessions* sessions = provider.exec_sessions();
  if (!sessions) throw TargetNotConnectedException(kInternal);
  ExecSessionRequest request{ctx.account_id,   ctx.region,          cluster.arn, task->arn, container->name,
                             container->runtime_id, command,
                             "ecs:" + cluster.name + "_" + task->id + "_" + container->runtime_id, ctx.host};
  auto ticket = sessions->open(request);
  if (!ticket) throw TargetNotConnectedException(kInternal);
  return Json{{"clusterArn", cluster.arn},
              {"containerArn", container->arn},
              {"containerName", container->name},
              {"interactive", true},
              {"taskArn", task->arn},
              {"session", {{"sessionId", ticket->session_id}, {"streamUrl", ticket->stream_url}, {"tokenValue", ticket->token_value}}}};
}

}  // namespace

void register_exec_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "ExecuteCommand", provider, execute_command);
}

}  // namespace ecslocal::api::ecs
