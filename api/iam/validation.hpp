#pragma once
// IAM's rules for names, paths, policy documents and ARNs, and its errors (code and HTTP status
// taken from the model's error shapes). Messages follow what IAM answers.
#include <string>

#include "api/common/ids.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::iam {

// An error of the IAM model by shape name ("NoSuchEntityException" -> NoSuchEntity, 404).
AwsError iam_error(const char* shape_name, const std::string& message);

inline AwsError no_such_entity(const std::string& m) { return iam_error("NoSuchEntityException", m); }
inline AwsError entity_already_exists(const std::string& m) { return iam_error("EntityAlreadyExistsException", m); }
inline AwsError delete_conflict(const std::string& m) { return iam_error("DeleteConflictException", m); }
inline AwsError malformed_policy(const std::string& m) { return iam_error("MalformedPolicyDocumentException", m); }
inline AwsError invalid_input(const std::string& m) { return iam_error("InvalidInputException", m); }
inline AwsError limit_exceeded(const std::string& m) { return iam_error("LimitExceededException", m); }

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
