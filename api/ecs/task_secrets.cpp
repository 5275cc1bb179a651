#include "api/ecs/task_secrets.hpp"

namespace ecslocal::api::ecs {
namespace {

const SecretResolver* resolver_for(const std::vector<SecretResolver*>& resolvers, const std::string& value_from) {
  for (const SecretResolver* r : resolvers)
    if (r && r->serves(value_from)) return r;
  return nullptr;
}

}  // namespace

bool has_secrets(const TaskDefinition& td) {
  for (const auto& c : td.containers)
    if (!c.secrets.empty() || (c.log_configuration && !c.log_configuration->secret_options.empty())) return true;
  return false;
}

std::optional<std::string> resolve_task_secrets(const std::vector<SecretResolver*>& resolvers, const Task& task,
                                                const TaskDefinition& td, ResolvedSecrets& out) {
  if (!has_secrets(td)) return std::nullopt;
  const std::string role = task.overrides.execution_role_arn.value_or(td.execution_role_arn);
  if (role.empty())
    return std::string(kSecretsReasonPrefix) +
           "execution resource retrieval failed: the task has no execution role (executionRoleArn) to read its "
           "secrets with";
  auto resolve_one = [&](const SecretRef& secret, std::string& value) -> std::optional<std::string> {
    const SecretResolver* r = resolver_for(resolvers, secret.value_from);
    if (!r)
      return std::string(kSecretsReasonPrefix) + "execution resource retrieval failed: " + secret.value_from +
             " is neither an SSM parameter nor a Secrets Manager secret that ecslocal serves";
    SecretValue v = r->resolve({task.account_id, task.region, secret.value_from, role});
    if (!v.value) return std::string(kSecretsReasonPrefix) + v.error;
    value = std::move(*v.value);
    return std::nullopt;
  };
  for (const auto& c : td.containers) {
    for (const auto& secret : c.secrets) {
      std::string value;
      if (auto failed = resolve_one(secret, value)) return failed;
      out.environment[c.name].push_back({secret.name, std::move(value)});
    }
    if (!c.log_configuration) continue;
    for (const auto& secret : c.log_configuration->secret_options) {
      std::string value;
      if (auto failed = resolve_one(secret, value)) return failed;
      out.log_options[c.name][secret.name] = std::move(value);
    }
  }
  return std::nullopt;
}

}  // namespace ecslocal::api::ecs
