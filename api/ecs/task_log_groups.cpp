#include "api/ecs/task_log_groups.hpp"

namespace ecslocal::api::ecs {
namespace {

std::string option(const LogConfiguration& log, const char* name) {
  auto it = log.options.find(name);
  return it == log.options.end() ? std::string() : it->second;
}

const LogConfiguration* awslogs(const ContainerDefinition& def) {
  if (!def.log_configuration || def.log_configuration->log_driver != "awslogs") return nullptr;
  return &*def.log_configuration;
}

}  // namespace

std::optional<runtime::LogDestination> awslogs_destination(const Task& task, const ContainerDefinition& def) {
  const LogConfiguration* log = awslogs(def);
  if (!log) return std::nullopt;
  runtime::LogDestination out;
  out.account = task.account_id;
  out.region = option(*log, "awslogs-region");
  if (out.region.empty()) out.region = task.region;
  out.group = option(*log, "awslogs-group");
  const std::string prefix = option(*log, "awslogs-stream-prefix");
  if (!prefix.empty()) out.stream = prefix + "/" + def.name + "/" + task.id;
  return out;
}

std::optional<std::string> prepare_log_groups(LogGroupDirectory& groups, const Task& task, const TaskDefinition& td) {
  for (const auto& def : td.containers) {
    auto destination = awslogs_destination(task, def);
    if (!destination) continue;
    if (groups.log_group_exists(destination->account, destination->region, destination->group)) continue;
    // As the awslogs driver (moby's daemon/logger/awslogs) words its failures.
    if (option(*awslogs(def), "awslogs-create-group") == "true") {
      if (groups.create_log_group(destination->account, destination->region, destination->group)) continue;
      return "ResourceInitializationError: failed to validate logger args: failed to create Cloudwatch log group: "
             "InvalidParameterException: invalid log group name " + destination->group + " : exit status 1";
    }
    return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
           "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not "
           "exist. : exit status 1";
  }
  return std::nullopt;
}

}  // namespace ecslocal::api::ecs
