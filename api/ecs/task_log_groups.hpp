#pragma once
// The awslogs log driver of ECS containers: where their output goes, and the log group check
// ECS makes when a task starts. Docker itself runs the container with its default json-file
// driver; ecslocal's runtime reads the output back and ships it (runtime/logs/log_shipper).
//
//   group  = awslogs-group, in awslogs-region, in the task's account
//   stream = <awslogs-stream-prefix>/<container name>/<task id>; without a prefix the Docker
//            container id (the runtime fills it in)
//   awslogs-create-group "true": a missing group is created at launch; otherwise a missing group
//   stops the task with TaskFailedToStart and the ResourceInitializationError below.
#include <optional>
#include <string>

#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_model.hpp"
#include "api/ports/log_group_directory.hpp"
#include "runtime/task_spec.hpp"

namespace ecslocal::api::ecs {

// Where the container's output goes, when its log driver is awslogs.
std::optional<runtime::LogDestination> awslogs_destination(const Task& task, const ContainerDefinition& def);

// Creates the log groups asked for; nullopt when every awslogs container has its group, else
// the stoppedReason of a task whose log group is missing.
std::optional<std::string> prepare_log_groups(LogGroupDirectory& groups, const Task& task, const TaskDefinition& td);

}  // namespace ecslocal::api::ecs
