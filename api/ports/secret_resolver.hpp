#pragma once
// How a task's `secrets` (and logConfiguration.secretOptions) are read at launch: SSM Parameter
// Store and Secrets Manager each implement a resolver; ECS asks the one that serves the
// reference. Called on the state strand.
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::api {

struct SecretReference {
  std::string account_id, region;  // of the task
  std::string value_from;          // as in the task definition: an ARN or a bare name
  std::string role_arn;            // the identity it is read with (the execution role)
};

struct SecretValue {
  std::optional<std::string> value;  // set on success
  std::string error;                 // else why, as ECS words it after "unable to pull secrets or registry auth: "
};

class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  // Whether this resolver is the one for `value_from` (its service's ARN, or for SSM a name).
  virtual bool serves(std::string_view value_from) const = 0;
  virtual SecretValue resolve(const SecretReference& reference) const = 0;
};

}  // namespace ecslocal::api
