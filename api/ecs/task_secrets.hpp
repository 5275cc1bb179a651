#pragma once
// A task's `secrets` and `logConfiguration.secretOptions`, read once at launch, before any
// container is created (as the agent does), through the SecretResolver ports (SSM Parameter
// Store for names and SSM ARNs, Secrets Manager for its ARNs) with the execution role. A secret
// that cannot be read stops the task before it starts: TaskFailedToStart with
//   ResourceInitializationError: unable to pull secrets or registry auth: <the resolver's cause>
// Secrets become environment variables of their container (after the definition's and the
// override's variables, replacing one of the same name). secretOptions are read the same way
// (a missing one stops the task as on AWS) and kept per container; ecslocal's own awslogs
// shipping has no option that takes a secret, so nothing consumes them yet.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_model.hpp"
#include "api/ports/secret_resolver.hpp"

namespace ecslocal::api::ecs {

inline constexpr const char* kSecretsReasonPrefix = "ResourceInitializationError: unable to pull secrets or registry auth: ";

struct ResolvedSecrets {
  std::map<std::string, std::vector<EnvironmentVariable>> environment;              // by container name
  std::map<std::string, std::map<std::string, std::string>> log_options;            // by container name
  bool empty() const { return environment.empty() && log_options.empty(); }
};

// Whether the definition has anything to resolve.
bool has_secrets(const TaskDefinition& definition);

// Reads every secret of the task; nullopt on success (filled into `out`), else the stoppedReason.
std::optional<std::string> resolve_task_secrets(const std::vector<SecretResolver*>& resolvers, const Task& task,
                                                const TaskDefinition& definition, ResolvedSecrets& out);

}  // namespace ecslocal::api::ecs
