#pragma once
// AWS Cloud Map state of one account in one region: namespaces (HTTP, private DNS, public DNS),
// the services in them with their registered instances, and the log of operations the
// asynchronous calls of the real service return (here each finishes at once: SUCCESS).
// Owned by the state strand: no locks.
//
// Identifiers: namespace "ns-" and service "srv-" + 16 lowercase alphanumerics; operation ids 32
// lowercase alphanumerics, '-', 8 more; a DNS namespace's hosted zone "Z" + 13 uppercase
// alphanumerics. ARNs arn:aws:servicediscovery:<region>:<account>:namespace/<id> | service/<id>.
// Every entity carries a creation sequence number: lists run in creation order.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/common/account_region_store.hpp"
#include "api/common/ids.hpp"

namespace ecslocal::api::servicediscovery {

using TimePoint = std::chrono::system_clock::time_point;
using StringMap = std::map<std::string, std::string>;

inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxCustomAttributes = 30;
inline constexpr std::size_t kMaxServiceAttributes = 30;
inline constexpr std::size_t kMaxOperations = 10000;  // oldest forgotten first

struct Namespace {
  std::string id, arn, name;
  std::string type;  // HTTP | DNS_PRIVATE | DNS_PUBLIC
  std::string description, creator_request_id;
  std::string vpc_id;          // DNS_PRIVATE
  std::string hosted_zone_id;  // DNS namespaces
  std::optional<long long> soa_ttl;
  std::string create_operation_id;
  TimePoint created{};
  std::uint64_t sequence = 0;
  StringMap tags;
};

struct DnsRecord {
  std::string type;  // A | AAAA | SRV | CNAME
  long long ttl = 0;
};

struct HealthCheck {  // Route 53 health check (public DNS namespaces)
  std::string type;   // HTTP | HTTPS | TCP
  std::string resource_path;
  std::optional<int> failure_threshold;
};

struct Instance {
  std::string id, creator_request_id;
  StringMap attributes;
  std::string health;  // HEALTHY | UNHEALTHY (services with health checking)
  std::uint64_t sequence = 0;
};

struct DiscoveryService {
  std::string id, arn, name, namespace_id;
  std::string description, creator_request_id;
  std::string type;  // HTTP | DNS_HTTP | DNS
  bool has_dns_config = false;
  std::string routing_policy;  // with a DnsConfig
  std::vector<DnsRecord> dns_records;
  std::optional<HealthCheck> health_check;
  bool custom_health = false;  // HealthCheckCustomConfig present
  std::optional<int> custom_failure_threshold;
  TimePoint created{};
  std::uint64_t sequence = 0;
  StringMap tags;
  StringMap service_attributes;  // Get/Update/DeleteServiceAttributes
  std::vector<Instance> instances;  // in registration order
  long long revision = 1;           // DiscoverInstances' InstancesRevision, bumped on every change

  bool health_checked() const { return custom_health || health_check.has_value(); }
  bool has_record(const std::string& type) const;
  Instance* find_instance(const std::string& id);
  const Instance* find_instance(const std::string& id) const;
};

struct Operation {
  std::string id, type;  // CREATE_NAMESPACE | DELETE_NAMESPACE | UPDATE_NAMESPACE | UPDATE_SERVICE | REGISTER_INSTANCE | DEREGISTER_INSTANCE
  std::string status = "SUCCESS";
  TimePoint created{}, updated{};
  StringMap targets;  // NAMESPACE | SERVICE | INSTANCE → id
  std::uint64_t sequence = 0;
};

struct DiscoveryState {
  std::map<std::string, Namespace> namespaces;       // by id
  std::map<std::string, DiscoveryService> services;  // by id
  std::map<std::string, Operation> operations;       // by id
  StringMap updater_requests;                        // UpdaterRequestId → operation id
  std::uint64_t next_sequence = 1;

  std::uint64_t sequence() { return next_sequence++; }
  Namespace* find_namespace(const std::string& id_or_arn);
  Namespace* find_namespace_by_name(const std::string& name);
  DiscoveryService* find_service(const std::string& id_or_arn);
  DiscoveryService* find_service_by_name(const std::string& namespace_id, const std::string& name);
  size_t service_count(const std::string& namespace_id) const;
  // Records a finished operation (and forgets the oldest beyond kMaxOperations).
  const Operation& record(IdSource& ids, const std::string& type, StringMap targets, TimePoint now);
};

using DiscoveryStore = AccountRegionStore<DiscoveryState>;

std::string namespace_arn(const std::string& account, const std::string& region, const std::string& id);
std::string service_arn(const std::string& account, const std::string& region, const std::string& id);
// The id part of a namespace/service ARN, or the text itself when it is no ARN.
std::string id_of(const std::string& id_or_arn);

// Random identifiers (see the header comment).
std::string lower_alnum(IdSource& ids, size_t n);
std::string namespace_id(IdSource& ids);
std::string service_id(IdSource& ids);
std::string operation_id(IdSource& ids);
std::string hosted_zone_id(IdSource& ids);

}  // namespace ecslocal::api::servicediscovery
