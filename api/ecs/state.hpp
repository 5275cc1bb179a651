#pragma once
// All ECS state of one account in one region. Owned by the state strand: no locks.
#include <map>
#include <string>
#include <utility>

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
};

class EcsStore {
 public:
  EcsState& at(const std::string& account_id, const std::string& region) { return states_[{account_id, region}]; }
  EcsState* find(const std::string& account_id, const std::string& region) {
    auto it = states_.find({account_id, region});
    return it == states_.end() ? nullptr : &it->second;
  }
  void clear() { states_.clear(); }
  template <typename F>
  void for_each(F&& f) {
    for (auto& [key, state] : states_) f(state);
  }
  // As AccountRegionStore: f(account_id, region, state) in (account, region) order; put() stores a
  // restored state as it is (snapshots, api/ecs/snapshot.hpp).
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, state] : states_) f(key.first, key.second, state);
  }
  EcsState& put(const std::string& account_id, const std::string& region, EcsState state) {
    return states_.insert_or_assign({account_id, region}, std::move(state)).first->second;
  }

 private:
  std::map<std::pair<std::string, std::string>, EcsState> states_;
};

}  // namespace ecslocal::api::ecs
