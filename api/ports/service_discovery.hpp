#pragma once
// Cloud Map (servicediscovery) as ECS sees it. ECS resolves a service's `serviceRegistries`
// (registry ARN → the Cloud Map service, its namespace, its DNS records) and its Service Connect
// namespace (name or ARN) through it, creates the Cloud Map services of Service Connect
// endpoints (discoveryName) and the HTTP namespace of a cluster's serviceConnectDefaults, and
// reads the registered instances back (the upstreams of a Service Connect proxy). Instances
// themselves are registered by Cloud Map as a TaskObserver, from TaskInfo::registries.
// Implemented by api/servicediscovery. Called on the state strand.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api {

struct DiscoveryNamespaceInfo {
  std::string id, arn, name;
  std::string type;    // HTTP | DNS_PRIVATE | DNS_PUBLIC
  std::string vpc_id;  // DNS_PRIVATE only
};

struct DiscoveryServiceInfo {
  std::string id, arn, name;
  DiscoveryNamespaceInfo name_space;
  bool dns_a = false;    // DnsConfig has an A record
  bool dns_srv = false;  // DnsConfig has an SRV record
  bool custom_health = false;  // HealthCheckCustomConfig is set
};

struct DiscoveryInstanceInfo {
  std::string id;
  std::map<std::string, std::string> attributes;
  bool healthy = true;  // what DiscoverInstances would report (services without checks: true)
};

class ServiceDiscovery {
 public:
  virtual ~ServiceDiscovery() = default;
  // A namespace by its name, id or ARN; nullopt when none.
  virtual std::optional<DiscoveryNamespaceInfo> find_namespace(const std::string& account_id, const std::string& region,
                                                               const std::string& name_or_arn) const = 0;
  // Makes an HTTP namespace (as ECS does for a cluster's serviceConnectDefaults naming one that
  // does not exist), or returns the existing one of that name.
  virtual DiscoveryNamespaceInfo ensure_http_namespace(const std::string& account_id, const std::string& region,
                                                       const std::string& name) = 0;
  // A service by its ARN or id; nullopt when none.
  virtual std::optional<DiscoveryServiceInfo> find_service(const std::string& account_id, const std::string& region,
                                                           const std::string& arn_or_id) const = 0;
  // The service `name` in the namespace, made (Type HTTP, no DNS records) when missing: a
  // Service Connect endpoint's discoveryName.
  virtual DiscoveryServiceInfo ensure_service(const std::string& account_id, const std::string& region,
                                              const std::string& namespace_id, const std::string& name) = 0;
  // The instances of a service (by ARN or id), in registration order; empty when it is unknown.
  virtual std::vector<DiscoveryInstanceInfo> instances(const std::string& account_id, const std::string& region,
                                                       const std::string& service_arn_or_id) const = 0;
};

}  // namespace ecslocal::api
