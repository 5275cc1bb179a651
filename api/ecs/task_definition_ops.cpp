#include "api/ecs/provider.hpp"

namespace ecslocal::api::ecs {

void register_task_definition_operations(EcsProvider& provider, OperationTable& table) {}

}  // namespace ecslocal::api::ecs
