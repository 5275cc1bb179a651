#pragma once
// AWS STS's errors: a type per error shape of the model (generated), plus the query protocol's
// ValidationError and AccessDenied, which the model does not list.
#include <string>

#include "api_errors/sts_errors.hpp"

namespace ecslocal::api::sts {

inline AwsError validation_error(const std::string& message) { return AwsError("ValidationError", message); }
inline AwsError access_denied(const std::string& message) { return AwsError("AccessDenied", message, 403); }

}  // namespace ecslocal::api::sts
