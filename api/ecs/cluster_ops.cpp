#include "api/ecs/provider.hpp"

namespace ecslocal::api::ecs {

void register_cluster_operations(EcsProvider& provider, OperationTable& table) {}

}  // namespace ecslocal::api::ecs
