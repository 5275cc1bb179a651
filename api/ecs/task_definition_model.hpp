#pragma once
// Placeholder: the task definition entity and its registry (filled in by the task definitions work).
namespace ecslocal::api::ecs {
struct TaskDefinitionRegistry {};
}  // namespace ecslocal::api::ecs
