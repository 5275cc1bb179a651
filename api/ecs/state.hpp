#pragma once
// All ECS state of one account in one region. Owned by the state strand: no locks.
#include <map>
#include <string>

#include "api/common/account_region_store.hpp"
#include "api/ecs/account_settings.hpp"
#include "api/ecs/cluster_model.hpp"
#include "api/ecs/service_model.hpp"
#include "api/ecs/tags.hpp"
#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_model.hpp"

namespace ecslocal::api::ecs {

struct EcsState {
  ClusterRegistry clusters;
  TaskDefinitionRegistry task_definitions;
  AccountSettings account_settings;
  TagStore tags;  // by resource ARN
  TaskRegistry tasks;
  ServiceRegistry services;
  // Service Connect's virtual addresses: namespace ARN → endpoint host → 127.255.x.y.
  std::map<std::string, std::map<std::string, std::string>> service_connect_vips;
};

using EcsStore = AccountRegionStore<EcsState>;

}  // namespace ecslocal::api::ecs
