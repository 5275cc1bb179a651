#include "api/ecs/service_connect.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <set>

#include "api/common/hash.hpp"
#include "api/ecs/errors.hpp"
#include "api/ports/task_metadata.hpp"
#include "runtime/labels.hpp"

namespace ecslocal::api::ecs {
namespace {

bool enabled(const Json& configuration) {
  return configuration.is_object() && configuration.value("enabled", false);
}

const Json& services_of(const Json& configuration) {
  static const Json none = Json::array();
  auto it = configuration.find("services");
  return it != configuration.end() && it->is_array() ? *it : none;
}

// The port mapping a Service Connect entry names, over every container of the definition.
const PortMapping* named_mapping(const TaskDefinition& definition, const std::string& port_name) {
  for (const auto& c : definition.containers)
    for (const auto& pm : c.port_mappings)
      if (!port_name.empty() && pm.name == port_name) return &pm;
  return nullptr;
}

ServiceConnectEndpoint endpoint_of(const Json& entry, const PortMapping& mapping, const std::string& namespace_name) {
  ServiceConnectEndpoint e;
  const std::string port_name = entry.value("portName", "");
  e.discovery_name = entry.value("discoveryName", "");
  if (e.discovery_name.empty()) e.discovery_name = port_name;
  e.container_port = mapping.container_port.value_or(0);
  e.upstream_port = entry.value("ingressPortOverride", e.container_port);
  e.port = e.container_port;
  e.dns_name = e.discovery_name + "." + namespace_name;
  if (auto aliases = entry.find("clientAliases"); aliases != entry.end() && aliases->is_array() && !aliases->empty()) {
    const Json& alias = aliases->front();
    e.port = alias.value("port", e.port);
    if (std::string dns = alias.value("dnsName", ""); !dns.empty()) e.dns_name = dns;
  }
  return e;
}

std::string resource_arn(const DeploymentTemplate& spec, const std::string& discovery_name) {
  if (spec.service_connect_resources.is_array())
    for (const auto& r : spec.service_connect_resources)
      if (r.value("discoveryName", "") == discovery_name) return r.value("discoveryArn", "");
  return {};
}

std::string vip_text(std::size_t n) {
  return "127.255." + std::to_string((n >> 8) & 0xff) + "." + std::to_string(n & 0xff);
}

}  // namespace

void resolve_service_connect(DeploymentTemplate& spec, const Cluster& cluster, const TaskDefinition& definition,
                             ServiceDiscovery* discovery, const EcsState& state, const std::string& self_arn,
                             const std::string& account_id, const std::string& region) {
  spec.service_connect_namespace.clear();
  spec.service_connect_namespace_name.clear();
  spec.service_connect_resources = Json();
  const Json& config = spec.service_connect;
  if (!enabled(config)) return;
  std::string given = config.value("namespace", "");
  if (given.empty() && cluster.service_connect_namespace) given = *cluster.service_connect_namespace;
  if (given.empty())
    throw InvalidParameterException(
        "Service Connect needs a namespace: set serviceConnectConfiguration.namespace or the cluster's "
        "serviceConnectDefaults.");
  if (!discovery) {  // no Cloud Map in this build of the services: stored as given
    spec.service_connect_namespace = spec.service_connect_namespace_name = given;
    return;
  }
  auto ns = discovery->find_namespace(account_id, region, given);
  if (!ns) throw NamespaceNotFoundException("Failed to retrieve namespace for " + given);
  spec.service_connect_namespace = ns->arn;
  spec.service_connect_namespace_name = ns->name;

  // What the other services of the namespace already use.
  std::set<std::string> taken_discovery, taken_dns;
  for (const EcsService* other : state.services.all()) {
    if (!other->active() || other->arn == self_arn || other->spec.service_connect_namespace != ns->arn) continue;
    const TaskDefinition* td = state.task_definitions.find_by_arn(other->spec.task_definition_arn);
    if (!td) continue;
    for (const auto& e : service_connect_endpoints(other->spec, *td)) {
      taken_discovery.insert(e.discovery_name);
      taken_dns.insert(e.dns_name + ":" + std::to_string(e.port));
    }
  }
  // Every entry is checked before any Cloud Map service is made: a refused call leaves nothing.
  std::vector<std::string> discovery_names;
  std::set<std::string> own, own_aliases;
  for (const auto& entry : services_of(config)) {
    const std::string port_name = entry.value("portName", "");
    if (port_name.empty()) throw InvalidParameterException("Service Connect services need a portName.");
    const PortMapping* mapping = named_mapping(definition, port_name);
    if (!mapping)
      throw InvalidParameterException("The port name " + port_name + " does not exist in the task definition " +
                                      definition.family + ":" + std::to_string(definition.revision) + ".");
    if (!mapping->container_port)
      throw InvalidParameterException("The port mapping " + port_name + " has no containerPort.");
    ServiceConnectEndpoint e = endpoint_of(entry, *mapping, ns->name);
    if (taken_discovery.count(e.discovery_name) || !own.insert(e.discovery_name).second)
      throw InvalidParameterException("The discovery name " + e.discovery_name +
                                      " is already used by another Service Connect service in namespace " + ns->name + ".");
    const std::string alias = e.dns_name + ":" + std::to_string(e.port);
    if (taken_dns.count(alias) || !own_aliases.insert(alias).second)
      throw InvalidParameterException("The client alias " + alias +
                                      " is already used by another Service Connect service in namespace " + ns->name + ".");
    discovery_names.push_back(e.discovery_name);
  }
  Json resources = Json::array();
  for (const auto& name : discovery_names) {
    DiscoveryServiceInfo made = discovery->ensure_service(account_id, region, ns->id, name);
    resources.push_back({{"discoveryName", name}, {"discoveryArn", made.arn}});
  }
  spec.service_connect_resources = std::move(resources);
}

void validate_service_registries(const Json& registries, const TaskDefinition& definition, ServiceDiscovery* discovery,
                                 const std::string& account_id, const std::string& region) {
  if (!registries.is_array()) return;
  if (registries.size() > 1)
    throw InvalidParameterException("Only one service registry is supported per service.");
  for (const auto& r : registries) {
    const std::string arn = r.value("registryArn", "");
    if (arn.empty()) throw InvalidParameterException("A service registry needs a registryArn.");
    if (r.contains("containerName") != r.contains("containerPort") && !r.contains("port"))
      throw InvalidParameterException("A service registry's containerName and containerPort are given together.");
    if (r.contains("containerName") && !definition.find_container(r.value("containerName", "")))
      throw InvalidParameterException("The container " + r.value("containerName", "") +
                                      " does not exist in the task definition.");
    if (discovery && !discovery->find_service(account_id, region, arn))
      throw InvalidParameterException("The service registry " + arn + " does not exist in AWS Cloud Map.");
  }
}

std::vector<ServiceConnectEndpoint> service_connect_endpoints(const DeploymentTemplate& spec,
                                                              const TaskDefinition& definition) {
  std::vector<ServiceConnectEndpoint> out;
  if (!enabled(spec.service_connect) || spec.service_connect_namespace.empty()) return out;
  const std::string ns_name = spec.service_connect_namespace_name;
  for (const auto& entry : services_of(spec.service_connect)) {
    const PortMapping* mapping = named_mapping(definition, entry.value("portName", ""));
    if (!mapping || !mapping->container_port) continue;
    ServiceConnectEndpoint e = endpoint_of(entry, *mapping, ns_name);
    e.discovery_arn = resource_arn(spec, e.discovery_name);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<ServiceConnectEndpoint> namespace_endpoints(const EcsState& state, const std::string& namespace_arn) {
  std::vector<ServiceConnectEndpoint> out;
  for (const EcsService* s : state.services.all()) {
    if (!s->active() || s->spec.service_connect_namespace != namespace_arn) continue;
    const TaskDefinition* td = state.task_definitions.find_by_arn(s->spec.task_definition_arn);
    if (!td) continue;
    for (auto& e : service_connect_endpoints(s->spec, *td)) out.push_back(std::move(e));
  }
  return out;
}

const DeploymentTemplate& task_template(const EcsService& service, const std::string& deployment_id) {
  const Deployment* d = service.find_deployment(deployment_id);
  return d ? d->spec : service.spec;
}

std::vector<api::TaskRegistry> task_registries(const EcsService& service, const std::string& deployment_id,
                                          const TaskDefinition* definition) {
  std::vector<api::TaskRegistry> out;
  const DeploymentTemplate& spec = task_template(service, deployment_id);
  if (definition)
    for (const auto& e : service_connect_endpoints(spec, *definition))
      if (!e.discovery_arn.empty()) out.push_back({e.discovery_arn, e.upstream_port, true});
  if (service.service_registries.is_array())
    for (const auto& r : service.service_registries) {
      api::TaskRegistry registry;
      registry.registry_arn = r.value("registryArn", "");
      registry.port = r.value("port", r.value("containerPort", 0));
      if (!registry.registry_arn.empty()) out.push_back(std::move(registry));
    }
  return out;
}

std::string service_connect_vip(EcsState& state, const std::string& namespace_arn, const std::string& host) {
  auto& hosts = state.service_connect_vips[namespace_arn];
  if (auto it = hosts.find(host); it != hosts.end()) return it->second;
  std::set<std::string> used;
  for (const auto& [name, vip] : hosts) used.insert(vip);
  std::size_t n = hosts.size() + 1;
  while (used.count(vip_text(n))) ++n;
  return hosts[host] = vip_text(n);
}

Json service_connect_config(EcsState& state, const EcsService& service, const std::string& deployment_id,
                            ServiceDiscovery* discovery, const std::string& account_id, const std::string& region,
                            const std::vector<std::string>* hosts) {
  const DeploymentTemplate& spec = task_template(service, deployment_id);
  Json listeners = Json::array();
  if (!enabled(spec.service_connect) || spec.service_connect_namespace.empty()) return {{"version", 0}, {"listeners", listeners}};
  // Ports the task's own containers listen on: a listener on <VIP>:<that port> would keep the
  // app from binding 0.0.0.0 (spec §2.6): those aliases are not proxied inside the task.
  std::set<int> own_ports;
  if (const TaskDefinition* td = state.task_definitions.find_by_arn(spec.task_definition_arn)) {
    for (const auto& c : td->containers)
      for (const auto& pm : c.port_mappings)
        if (pm.container_port) own_ports.insert(*pm.container_port);
    for (const auto& e : service_connect_endpoints(spec, *td))
      if (e.upstream_port != e.container_port) {  // ingressPortOverride: the proxy takes it
        listeners.push_back({{"address", "0.0.0.0"},
                             {"port", e.upstream_port},
                             {"upstreams", Json::array({{{"address", "127.0.0.1"}, {"port", e.container_port}}})}});
        own_ports.insert(e.upstream_port);
      }
  }
  for (const auto& e : namespace_endpoints(state, spec.service_connect_namespace)) {
    if (own_ports.count(e.port)) continue;
    if (hosts && std::find(hosts->begin(), hosts->end(), e.dns_name) == hosts->end()) continue;
    Json upstreams = Json::array();
    if (discovery && !e.discovery_arn.empty())
      for (const auto& instance : discovery->instances(account_id, region, e.discovery_arn)) {
        if (!instance.healthy) continue;
        auto ip = instance.attributes.find("AWS_INSTANCE_IPV4");
        auto port = instance.attributes.find("AWS_INSTANCE_PORT");
        if (ip == instance.attributes.end()) continue;
        int p = e.upstream_port;
        if (port != instance.attributes.end()) {
          try {
            p = std::stoi(port->second);
          } catch (const std::exception&) {
          }
        }
        upstreams.push_back({{"address", ip->second}, {"port", p}});
      }
    listeners.push_back({{"address", service_connect_vip(state, spec.service_connect_namespace, e.dns_name)},
                         {"port", e.port},
                         {"host", e.dns_name},
                         {"upstreams", std::move(upstreams)}});
  }
  const std::size_t version = std::hash<std::string>{}(listeners.dump()) & 0x7fffffffffffULL;
  return {{"version", version}, {"listeners", std::move(listeners)}};
}

namespace {
// The seed of the derived names and ids below (not FNV's own basis: kept so that they stay the
// same as before the hash was shared).
constexpr std::uint64_t kNameBasis = 1469598103934665603ULL;
}  // namespace

std::string stable_uuid(const std::string& seed) {
  const std::uint64_t a = fnv1a64(seed, kNameBasis), b = fnv1a64(seed, a ^ 0x9e3779b97f4a7c15ULL);
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

std::string service_connect_container_name(const std::string& task_id) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uint64_t h = fnv1a64(task_id, kNameBasis);
  std::string suffix;
  for (int i = 0; i < 6; ++i) {
    suffix += alphabet[h % 62];
    h /= 62;
  }
  return "ecs-service-connect-" + suffix;
}

std::vector<std::string> apply_discovery(runtime::TaskSpec& spec, EcsState& state, const EcsService& service, const Task& task,
                                         ServiceDiscovery* discovery, const std::string& config_url) {
  std::vector<std::string> hosts;
  const DeploymentTemplate& tmpl = task_template(service, task.started_by);
  if (enabled(tmpl.service_connect) && !tmpl.service_connect_namespace.empty()) {
    Json config = service_connect_config(state, service, task.started_by, discovery, task.account_id, task.region);
    // Every endpoint host resolves in the task, also those its own ports keep from being proxied.
    for (const auto& e : namespace_endpoints(state, tmpl.service_connect_namespace)) {
      if (std::find(hosts.begin(), hosts.end(), e.dns_name) != hosts.end()) continue;
      hosts.push_back(e.dns_name);
      spec.network.extra_hosts.push_back(e.dns_name + ":" + service_connect_vip(state, tmpl.service_connect_namespace, e.dns_name));
    }
    spec.network.pause_command = {"/pause", "--service-connect", config_url, config.dump()};
  }
  if (!discovery || !service.service_registries.is_array()) return hosts;
  for (const auto& r : service.service_registries) {
    auto info = discovery->find_service(task.account_id, task.region, r.value("registryArn", ""));
    if (!info || info->name_space.type != "DNS_PRIVATE" || !info->dns_a) continue;
    if (!info->name_space.vpc_id.empty() && task.attachment && !spec.network.network.empty()) {
      // Only in the namespace's own VPC (the alias lives on the task's VPC bridge).
      auto vpc = spec.labels.find(std::string(runtime::labels::vpc));
      if (vpc != spec.labels.end() && vpc->second != info->name_space.vpc_id) continue;
    }
    spec.network.aliases.push_back(info->name + "." + info->name_space.name);
  }
  return hosts;
}

}  // namespace ecslocal::api::ecs
