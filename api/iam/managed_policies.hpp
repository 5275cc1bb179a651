#pragma once
// The AWS managed policies every account sees (arn:aws:iam::aws:policy/...). Their documents are
// ecslocal's own short approximations of what the policies allow: IAM is not enforced here.
#include <string>
#include <vector>

#include "api/iam/model.hpp"

namespace ecslocal::api::iam {

const std::vector<ManagedPolicy>& aws_managed_policies();
const ManagedPolicy* find_aws_managed_policy(const std::string& arn);

}  // namespace ecslocal::api::iam
