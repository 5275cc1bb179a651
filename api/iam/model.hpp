#pragma once
// IAM entities of one account: roles (with their inline and attached policies, tags) and the
// customer managed policies. IAM is global: one IamState per account, whatever the region.
// Stored and described, never enforced. Owned by the state strand: no locks.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ecslocal::api::iam {

using Clock = std::chrono::system_clock;
using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order given

struct Role {
  std::string name, path, id, arn, description;
  std::string assume_role_policy;  // the JSON text as the client sent it
  std::string permissions_boundary_arn;  // empty: none
  int max_session_duration = 3600;
  Clock::time_point created;
  Tags tags;
  std::vector<std::string> attached_policy_arns;         // in attach order
  std::map<std::string, std::string> inline_policies;    // name -> document
};

struct ManagedPolicy {
  std::string name, path, id, arn, description, document;
  Clock::time_point created, updated;
  Tags tags;
  bool aws_managed = false;
};

// Names are unique regardless of case in IAM: maps are keyed by the lower-cased name.
struct IamState {
  std::map<std::string, Role> roles;
  std::map<std::string, ManagedPolicy> policies;  // customer managed, keyed by lower-cased name

  Role* find_role(const std::string& name);
  const ManagedPolicy* find_local_policy_by_arn(const std::string& arn) const;
  // How many roles of this account have `arn` attached.
  int attachment_count(const std::string& arn) const;
};

class IamStore {
 public:
  IamState& at(const std::string& account_id) { return states_[account_id]; }
  IamState* find(const std::string& account_id) {
    auto it = states_.find(account_id);
    return it == states_.end() ? nullptr : &it->second;
  }
  void clear() { states_.clear(); }
  // As AccountRegionStore with IAM's one global region (""): f(account_id, "", state); put()
  // stores a restored state as it is (snapshots, api/iam/snapshot.hpp).
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [account, state] : states_) f(account, std::string(), state);
  }
  IamState& put(const std::string& account_id, const std::string& /*region*/, IamState state) {
    return states_.insert_or_assign(account_id, std::move(state)).first->second;
  }

 private:
  std::map<std::string, IamState> states_;
};

std::string lower(std::string text);

}  // namespace ecslocal::api::iam
