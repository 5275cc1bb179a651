#pragma once
// IAM entities of one account: roles (with their inline and attached policies, tags) and the
// customer managed policies. IAM is global: one IamState per account, whatever the region.
// Stored and described, never enforced. Owned by the state strand: no locks.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"

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

// IAM is global: one state per account, under kGlobalRegion.
using IamStore = AccountRegionStore<IamState>;

std::string lower(std::string text);

}  // namespace ecslocal::api::iam
