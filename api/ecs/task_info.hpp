#pragma once
// The TaskInfo ECS publishes to its TaskObservers (api/ports/task_observer.hpp), built from a task,
// its ENI and its task definition.
#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_model.hpp"
#include "api/ports/task_observer.hpp"
#include "api/vpc/vpc_model.hpp"

namespace ecslocal::api::ecs {

// `eni` and `definition` may be null (no network, definition deregistered and forgotten).
TaskInfo task_info(const Task& task, const vpc::NetworkInterface* eni, const TaskDefinition* definition);

}  // namespace ecslocal::api::ecs
