#pragma once
// Service Connect and classic service discovery as ECS does them (spec
// discovery-secrets-metadata-exec.md §2): what a service's serviceConnectConfiguration and
// serviceRegistries mean for its tasks.
//
// - CreateService / UpdateService: the namespace (given, else the cluster's serviceConnectDefaults)
//   must exist in Cloud Map (NamespaceNotFoundException), every services[] entry's portName must
//   name a port mapping of the task definition, discovery names and endpoint names must be unique
//   in the namespace; ECS makes each entry's Cloud Map service (Type HTTP, named discoveryName,
//   default portName) and shows them as the deployment's serviceConnectResources.
// - An endpoint (one per services[] entry): clients reach it at clientAliases[0].dnsName (default
//   <discoveryName>.<namespace name>) on clientAliases[0].port (default the mapping's
//   containerPort); the proxy forwards to the server tasks' ingressPortOverride or containerPort.
//   Each endpoint host gets a virtual address 127.255.x.y, stable for the namespace's life.
// - A task of a Service Connect service gets, on its pause container, an /etc/hosts entry for
//   every endpoint of its namespace that exists when it starts (as on AWS, later endpoints stay
//   invisible to it until it is replaced) and runs the proxy: `pause --service-connect <config
//   URL> <config>`; the proxy polls the URL (the task endpoints at 169.254.170.2,
//   /api/<endpoint id>/service-connect) for the live upstream lists (service_connect_config).
// - Classic discovery: a task of a service with serviceRegistries whose Cloud Map service sits in
//   a private DNS namespace with an A record gets the Docker network alias <service>.<namespace>
//   on the VPC's bridge, so Docker's DNS answers that name inside every task of the VPC.
// Cloud Map registers the instances itself, from TaskInfo::registries (task_registries).
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/service_model.hpp"
#include "api/ecs/state.hpp"
#include "api/ecs/task_definition_model.hpp"
#include "api/ports/service_discovery.hpp"
#include "api/ports/task_observer.hpp"
#include "runtime/task_spec.hpp"

namespace ecslocal::api::ecs {

struct ServiceConnectEndpoint {
  std::string dns_name;  // what clients resolve
  int port = 0;          // what clients connect to
  std::string discovery_name, discovery_arn;  // the Cloud Map service of the server tasks
  int upstream_port = 0;  // on the server tasks
  int container_port = 0;  // the mapping's containerPort
};

// Checks a service's serviceConnectConfiguration against the cluster, the task definition and
// Cloud Map, creates the Cloud Map services, and fills `spec`'s service_connect_namespace and
// service_connect_resources. A configuration that is absent or not enabled clears them. Throws
// the AwsErrors of ECS. `self_arn`: the service being created or updated (its own endpoints do
// not collide with themselves).
void resolve_service_connect(DeploymentTemplate& spec, const Cluster& cluster, const TaskDefinition& definition,
                             ServiceDiscovery* discovery, const EcsState& state, const std::string& self_arn,
                             const std::string& account_id, const std::string& region);

// Checks serviceRegistries: every registryArn must be a Cloud Map service (InvalidParameterException).
void validate_service_registries(const Json& registries, const TaskDefinition& definition, ServiceDiscovery* discovery,
                                 const std::string& account_id, const std::string& region);

// The endpoints a deployment template offers (empty unless Service Connect is enabled).
std::vector<ServiceConnectEndpoint> service_connect_endpoints(const DeploymentTemplate& spec,
                                                              const TaskDefinition& definition);

// Every endpoint of a namespace (by ARN), from the ACTIVE services' current templates.
std::vector<ServiceConnectEndpoint> namespace_endpoints(const EcsState& state, const std::string& namespace_arn);

// The Cloud Map instances a task of `service` started by `deployment` is (Service Connect servers
// and serviceRegistries), for TaskInfo.
std::vector<api::TaskRegistry> task_registries(const EcsService& service, const std::string& deployment_id,
                                          const TaskDefinition* definition);

// The virtual address of an endpoint host in a namespace (allocated on first use).
std::string service_connect_vip(EcsState& state, const std::string& namespace_arn, const std::string& host);

// What the proxy of a task is told: {"version", "listeners": [{address, port, upstreams: [{address, port}]}]}.
// `hosts`: the endpoint hosts the task was given at launch (its /etc/hosts entries; endpoints made
// later stay invisible to it, as on AWS); null: every endpoint of the namespace now.
Json service_connect_config(EcsState& state, const EcsService& service, const std::string& deployment_id,
                            ServiceDiscovery* discovery, const std::string& account_id, const std::string& region,
                            const std::vector<std::string>* hosts = nullptr);

// The image ECS reports for the proxy container.
inline constexpr const char* kServiceConnectImage = "ecs-service-connect-agent:interface-v1";
// A UUID-shaped text derived from `seed` (the same seed, the same text): the proxy container's id.
std::string stable_uuid(const std::string& seed);

// The name of the proxy container DescribeTasks shows for a Service Connect task:
// ecs-service-connect-<6 letters and digits from the task id>.
std::string service_connect_container_name(const std::string& task_id);

// Adds to a service task's spec its Service Connect hosts and proxy command, and its classic
// discovery DNS aliases. `config_url`: the proxy's config URL (the task endpoints). Returns the
// Service Connect endpoint hosts the task was given (empty: it runs no proxy).
std::vector<std::string> apply_discovery(runtime::TaskSpec& spec, EcsState& state, const EcsService& service, const Task& task,
                                         ServiceDiscovery* discovery, const std::string& config_url);

// The deployment template of the task's deployment (the service's current one when it is gone).
const DeploymentTemplate& task_template(const EcsService& service, const std::string& deployment_id);

}  // namespace ecslocal::api::ecs
