#pragma once
// Who is who across services. IAM offers its roles (STS AssumeRole, ECS task roles); STS offers
// the identities of the temporary credentials it issued (the gateway resolves a request's
// account through it; the task-role credentials of later issues are issued through it).
// Called on the state strand.
#include <chrono>
#include <optional>
#include <string>

namespace ecslocal::api {

struct RoleInfo {
  std::string name, path, id, arn;
  int max_session_duration = 3600;  // seconds
};

class RoleDirectory {
 public:
  virtual ~RoleDirectory() = default;
  // The role `name` (any letter case, as IAM matches names) in `account_id`.
  virtual std::optional<RoleInfo> find_role(const std::string& account_id, const std::string& name) const = 0;
};

struct IssuedIdentity {
  std::string account_id;  // the account requests signed with the key act in
  std::string arn;         // arn:aws:sts::<account>:assumed-role/<role>/<session>
};

class CredentialDirectory {
 public:
  virtual ~CredentialDirectory() = default;
  // The identity of an access key ecslocal issued (STS temporary credentials); nullopt otherwise.
  virtual std::optional<IssuedIdentity> identity_of(const std::string& access_key_id) const = 0;
};

// Temporary credentials of a role, issued as STS AssumeRole issues them (requests signed with
// them act as the role, in its account). For ECS task roles (the credentials endpoint).
struct RoleCredentials {
  std::string access_key_id, secret_access_key, session_token;
  std::string assumed_role_arn;  // arn:aws:sts::<account>:assumed-role/<role>/<session>
  std::string account_id;
  std::chrono::system_clock::time_point expiration;
  std::string error;  // set (and nothing else) when they cannot be issued: why
};

class RoleCredentialIssuer {
 public:
  virtual ~RoleCredentialIssuer() = default;
  virtual RoleCredentials issue_role_credentials(const std::string& role_arn, const std::string& session_name,
                                                 std::chrono::seconds duration,
                                                 std::chrono::system_clock::time_point now) = 0;
};

}  // namespace ecslocal::api
