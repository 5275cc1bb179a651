#pragma once
// All ECS state of one account in one region. Owned by the state strand: no locks.
#include <map>
#include <string>
#include <utility>

#include "api/ecs/account_settings.hpp"
#include "api/ecs/cluster_model.hpp"
#include "api/ecs/task_definition_model.hpp"

namespace ecslocal::api::ecs {

struct EcsState {
  ClusterRegistry clusters;
  TaskDefinitionRegistry task_definitions;
  AccountSettings account_settings;
};

class EcsStore {
 public:
  EcsState& at(const std::string& account_id, const std::string& region) { return states_[{account_id, region}]; }
  void clear() { states_.clear(); }

 private:
  std::map<std::pair<std::string, std::string>, EcsState> states_;
};

}  // namespace ecslocal::api::ecs
