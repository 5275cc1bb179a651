#pragma once
// Amazon EC2's errors. The EC2 model lists no error shapes (its protocol answers codes from the
// "Error codes for the Amazon EC2 API" reference), so the codes ecslocal answers are spelled once
// here, a type each, as the generated headers of the other services do.
#include <string>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {

struct CannotDelete : AwsError {
  static constexpr const char* kCode = "CannotDelete";
  explicit CannotDelete(const std::string& message) : AwsError(kCode, message) {}
};

struct DependencyViolation : AwsError {
  static constexpr const char* kCode = "DependencyViolation";
  explicit DependencyViolation(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidGroupDuplicate : AwsError {
  static constexpr const char* kCode = "InvalidGroup.Duplicate";
  explicit InvalidGroupDuplicate(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidGroupNotFound : AwsError {
  static constexpr const char* kCode = "InvalidGroup.NotFound";
  explicit InvalidGroupNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidID : AwsError {
  static constexpr const char* kCode = "InvalidID";
  explicit InvalidID(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidNetworkInterfaceIDNotFound : AwsError {
  static constexpr const char* kCode = "InvalidNetworkInterfaceID.NotFound";
  explicit InvalidNetworkInterfaceIDNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidParameterValue : AwsError {
  static constexpr const char* kCode = "InvalidParameterValue";
  explicit InvalidParameterValue(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidPermissionDuplicate : AwsError {
  static constexpr const char* kCode = "InvalidPermission.Duplicate";
  explicit InvalidPermissionDuplicate(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidPermissionNotFound : AwsError {
  static constexpr const char* kCode = "InvalidPermission.NotFound";
  explicit InvalidPermissionNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidSecurityGroupRuleIdNotFound : AwsError {
  static constexpr const char* kCode = "InvalidSecurityGroupRuleId.NotFound";
  explicit InvalidSecurityGroupRuleIdNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidSubnetConflict : AwsError {
  static constexpr const char* kCode = "InvalidSubnet.Conflict";
  explicit InvalidSubnetConflict(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidSubnetRange : AwsError {
  static constexpr const char* kCode = "InvalidSubnet.Range";
  explicit InvalidSubnetRange(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidSubnetIDNotFound : AwsError {
  static constexpr const char* kCode = "InvalidSubnetID.NotFound";
  explicit InvalidSubnetIDNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidVpcRange : AwsError {
  static constexpr const char* kCode = "InvalidVpc.Range";
  explicit InvalidVpcRange(const std::string& message) : AwsError(kCode, message) {}
};

struct InvalidVpcIDNotFound : AwsError {
  static constexpr const char* kCode = "InvalidVpcID.NotFound";
  explicit InvalidVpcIDNotFound(const std::string& message) : AwsError(kCode, message) {}
};

struct MissingParameter : AwsError {
  static constexpr const char* kCode = "MissingParameter";
  explicit MissingParameter(const std::string& message) : AwsError(kCode, message) {}
};

struct OperationNotPermitted : AwsError {
  static constexpr const char* kCode = "OperationNotPermitted";
  explicit OperationNotPermitted(const std::string& message) : AwsError(kCode, message) {}
};

struct TagLimitExceeded : AwsError {
  static constexpr const char* kCode = "TagLimitExceeded";
  explicit TagLimitExceeded(const std::string& message) : AwsError(kCode, message) {}
};

}  // namespace ecslocal::api::ec2
