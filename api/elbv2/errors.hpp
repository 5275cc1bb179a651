#pragma once
// Elastic Load Balancing v2's errors: a type per error shape of the model (generated), plus the
// query protocol's ValidationError (not an error shape of the model).
#include <string>

#include "api_errors/elbv2_errors.hpp"

namespace ecslocal::api::elbv2 {

struct ValidationError : AwsError {
  explicit ValidationError(const std::string& message) : AwsError("ValidationError", message) {}
};

}  // namespace ecslocal::api::elbv2
