#include "api/servicediscovery/mapping.hpp"

#include "api/common/time.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

Json string_map_json(const StringMap& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

Json properties_json(const Namespace& ns) {
  Json dns = Json::object();
  if (!ns.hosted_zone_id.empty()) dns["HostedZoneId"] = ns.hosted_zone_id;
  if (ns.soa_ttl) dns["SOA"] = Json{{"TTL", *ns.soa_ttl}};
  return Json{{"DnsProperties", std::move(dns)}, {"HttpProperties", Json{{"HttpName", ns.name}}}};
}

Json dns_config_json(const DiscoveryService& s, bool with_namespace) {
  Json records = Json::array();
  for (const auto& r : s.dns_records) records.push_back({{"Type", r.type}, {"TTL", r.ttl}});
  Json out{{"RoutingPolicy", s.routing_policy}, {"DnsRecords", std::move(records)}};
  if (with_namespace) out["NamespaceId"] = s.namespace_id;
  return out;
}

}  // namespace

Json namespace_json(const Namespace& ns, size_t service_count, bool summary) {
  Json out{{"Id", ns.id},
           {"Arn", ns.arn},
           {"Name", ns.name},
           {"Type", ns.type},
           {"ServiceCount", service_count},
           {"Properties", properties_json(ns)},
           {"CreateDate", epoch_seconds(ns.created)}};
  if (!ns.description.empty()) out["Description"] = ns.description;
  if (!summary && !ns.creator_request_id.empty()) out["CreatorRequestId"] = ns.creator_request_id;
  return out;
}

Json service_json(const DiscoveryService& s, bool summary) {
  Json out{{"Id", s.id},
           {"Arn", s.arn},
           {"Name", s.name},
           {"Type", s.type},
           {"InstanceCount", s.instances.size()},
           {"CreateDate", epoch_seconds(s.created)}};
  if (!summary) out["NamespaceId"] = s.namespace_id;
  if (!s.description.empty()) out["Description"] = s.description;
  if (s.has_dns_config) out["DnsConfig"] = dns_config_json(s, !summary);
  if (s.health_check) {
    Json hc{{"Type", s.health_check->type}};
    if (!s.health_check->resource_path.empty()) hc["ResourcePath"] = s.health_check->resource_path;
    if (s.health_check->failure_threshold) hc["FailureThreshold"] = *s.health_check->failure_threshold;
    out["HealthCheckConfig"] = std::move(hc);
  }
  if (s.custom_health) {
    Json custom = Json::object();
    if (s.custom_failure_threshold) custom["FailureThreshold"] = *s.custom_failure_threshold;
    out["HealthCheckCustomConfig"] = std::move(custom);
  }
  if (!summary && !s.creator_request_id.empty()) out["CreatorRequestId"] = s.creator_request_id;
  return out;
}

Json operation_json(const Operation& op) {
  return Json{{"Id", op.id},
              {"Type", op.type},
              {"Status", op.status},
              {"CreateDate", epoch_seconds(op.created)},
              {"UpdateDate", epoch_seconds(op.updated)},
              {"Targets", string_map_json(op.targets)}};
}

Json operation_summary_json(const Operation& op) { return Json{{"Id", op.id}, {"Status", op.status}}; }

Json instance_json(const Instance& i) {
  Json out{{"Id", i.id}, {"Attributes", string_map_json(i.attributes)}};
  if (!i.creator_request_id.empty()) out["CreatorRequestId"] = i.creator_request_id;
  return out;
}

Json instance_summary_json(const Instance& i) { return Json{{"Id", i.id}, {"Attributes", string_map_json(i.attributes)}}; }

Json http_instance_json(const Instance& i, const std::string& namespace_name, const std::string& service_name,
                        const std::string& health) {
  return Json{{"InstanceId", i.id},
              {"NamespaceName", namespace_name},
              {"ServiceName", service_name},
              {"HealthStatus", health},
              {"Attributes", string_map_json(i.attributes)}};
}

Json tag_list_json(const StringMap& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

Json service_attributes_json(const DiscoveryService& s) {
  Json out{{"ServiceArn", s.arn}};
  if (!s.service_attributes.empty()) out["Attributes"] = string_map_json(s.service_attributes);  // at least 1 entry
  return out;
}

}  // namespace ecslocal::api::servicediscovery
