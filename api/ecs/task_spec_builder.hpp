#pragma once
// Task + TaskDefinition (+ the task's overrides and ENI) → the runtime-neutral TaskSpec.
//
// Per container (ECS parameter → Docker create):
//   image; entryPoint → Entrypoint; command (override first) → Cmd; environment (definition, then
//   the override's variables replacing by name or appended; AWS_EXECUTION_ENV=AWS_ECS_FARGATE,
//   AWS_REGION and AWS_DEFAULT_REGION added unless set) → Env; cpu units → CpuShares (0: Docker's
//   default, 1 → 2, Docker's minimum); a FARGATE task's cpu size → NanoCpus of each container (the
//   task's CPUs: one container can use all of them, none more); memory / memoryReservation MiB → bytes; ulimits;
//   readonlyRootFilesystem; linuxParameters.initProcessEnabled → Init; sharedMemorySize → ShmSize;
//   capabilities, dockerSecurityOptions, systemControls, privileged, interactive, pseudoTerminal;
//   user; workingDirectory; healthCheck → Healthcheck (CMD / CMD-SHELL as given, seconds → ns,
//   defaults 30/5/3, no start period unless set); dependsOn; startTimeout; stopTimeout (default 30);
//   dockerLabels plus the agent's com.amazonaws.ecs.{cluster (ARN, as on Fargate), container-name,
//   task-arn, task-definition-family, task-definition-version} and ecslocal.container.
// Volumes: a definition volume with host.sourcePath is a bind mount; any other volume (empty,
//   dockerVolumeConfiguration, EFS) becomes a task-scoped Docker volume
//   `ecslocal-<task id>-<volume name>` listed in TaskSpec::volumes; mountPoints mount them and
//   volumesFrom copies the source container's mount points (read-only when asked).
// Task labels (every container, pause included): ecslocal.managed, task-arn, cluster (name),
//   account, region, task-definition (ARN), vpc, subnet, and ecslocal.service for service tasks.
// Network: the VPC's Docker network, CIDR and gateway; the task's private address; hostname =
//   its private DNS name (plus an extra host entry for it); with a public (loopback) address,
//   every containerPort published on it under the same port.
#include <optional>
#include <string>

#include "api/ecs/task_definition_model.hpp"
#include "api/ecs/task_model.hpp"
#include "api/ecs/task_network.hpp"
#include "api/ecs/task_secrets.hpp"
#include "runtime/task_spec.hpp"

namespace ecslocal::api::ecs {

// `vpc`: the VPC of the task's subnet (its Docker bridge, CIDR and gateway); `eni`: the task's ENI
// (addresses), null for a task without one; `secrets`: the values of the containers' `secrets`
// (api/ecs/task_secrets.hpp), added to their environment.
// `endpoint_url`: AWS_ENDPOINT_URL of every container unless the definition sets it (empty: none).
runtime::TaskSpec build_task_spec(const Task& task, const TaskDefinition& definition, const vpc::Vpc& vpc,
                                  const vpc::NetworkInterface* eni, const ResolvedSecrets* secrets = nullptr,
                                  const std::string& endpoint_url = {});
inline runtime::TaskSpec build_task_spec(const Task& task, const TaskDefinition& definition, const DefaultVpc& vpc,
                                         const vpc::NetworkInterface* eni, const ResolvedSecrets* secrets = nullptr,
                                         const std::string& endpoint_url = {}) {
  return build_task_spec(task, definition, vpc.vpc(), eni, secrets, endpoint_url);
}

// Why ecslocal cannot start this definition's containers as ECS would (S3 environment files are
// not read yet), as an ECS stoppedReason; nullopt when it can. Secrets are resolved at launch
// (api/ecs/task_secrets.hpp).
std::optional<std::string> unsupported_start_reason(const TaskDefinition& definition);

// The Docker volume name of a task-scoped volume.
std::string task_volume_name(const Task& task, const std::string& volume_name);

}  // namespace ecslocal::api::ecs
