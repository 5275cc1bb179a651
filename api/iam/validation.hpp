#pragma once
// IAM's rules for names, paths, policy documents and ARNs, and its errors (code and HTTP status
// taken from the model's error shapes). Messages follow what IAM answers.
#include <string>

#include "api/common/ids.hpp"
#include "api_errors/iam_errors.hpp"

namespace ecslocal::api::iam {

// The query protocol's ValidationError (not an error shape of the model).
inline AwsError validation_error(const std::string& m) { return AwsError("ValidationError", m); }

AwsError role_not_found(const std::string& role_name);

// Role and policy names: [\w+=,.@-]+ (lengths are checked by the model). `member` as IAM
// names it in messages ("roleName", "policyName").
void validate_name(const std::string& value, const char* member);
// "/" or "/.../" with printable ASCII between.
void validate_path(const std::string& value, const char* member);
// A policy document must be a JSON object.
void validate_policy_document(const std::string& document);

// "AROA" / "ANPA" + 17 characters of IAM's id alphabet.
std::string iam_unique_id(IdSource& ids, const std::string& prefix);

}  // namespace ecslocal::api::iam
