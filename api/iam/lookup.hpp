#pragma once
// What the IAM operations share: finding roles and managed policies, and Marker/MaxItems paging.
#include <string>

#include "api/common/pagination.hpp"
#include "api/iam/mapping.hpp"
#include "api/iam/model.hpp"

namespace ecslocal::api::iam {

// The role of that name (any case), or NoSuchEntity.
Role& require_role(IamState& state, const std::string& name);

// IAM paging: MaxItems defaults to 100; the marker names the last item returned (see
// api/common/pagination.hpp). `keys` ascending, one per listed item.
Page iam_page(const std::vector<std::string>& keys, const IamRequest& request);

// Managed policies by ARN, as a role in `state`'s account sees them: AWS's, then its own.
const ManagedPolicy* find_managed_policy(const IamState& state, const std::string& arn);
// Throws InvalidInput for a string that is not an IAM policy ARN.
void validate_policy_arn(const std::string& arn);

}  // namespace ecslocal::api::iam
