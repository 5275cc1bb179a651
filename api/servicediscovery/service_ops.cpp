// CreateService, GetService, ListServices, UpdateService, DeleteService and the service
// attributes (Get/Update/DeleteServiceAttributes).
#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/servicediscovery/errors.hpp"
#include "api/servicediscovery/mapping.hpp"
#include "api/servicediscovery/provider.hpp"
#include "api/servicediscovery/validation.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

using json_read::optional_string;
using json_read::string_or_empty;

DiscoveryService& service_of(DiscoveryProvider& p, const RequestContext& ctx, const std::string& id) {
  DiscoveryService* s = p.state(ctx).find_service(id);
  if (!s) throw ServiceNotFound("No service exists with ID: " + id);
  return *s;
}

std::vector<DnsRecord> dns_records(const Json& config) {
  std::vector<DnsRecord> out;
  for (const auto& r : json_read::items(config, "DnsRecords")) {
    DnsRecord record{string_or_empty(r, "Type"), json_read::optional_long(r, "TTL").value_or(0)};
    if (std::any_of(out.begin(), out.end(), [&](const DnsRecord& o) { return o.type == record.type; }))
      invalid_input("DnsRecords has more than one record of type " + record.type + ".");
    out.push_back(record);
  }
  if (out.empty()) invalid_input("DnsConfig needs at least one DNS record.");
  const bool cname = std::any_of(out.begin(), out.end(), [](const DnsRecord& r) { return r.type == "CNAME"; });
  if (cname && out.size() > 1) invalid_input("A CNAME record cannot be combined with other DNS records.");
  return out;
}

HealthCheck health_check(const Json& config) {
  HealthCheck hc{string_or_empty(config, "Type"), string_or_empty(config, "ResourcePath"),
                 json_read::optional_int(config, "FailureThreshold")};
  if (hc.type == "TCP" && !hc.resource_path.empty()) invalid_input("A TCP health check takes no ResourcePath.");
  if (hc.type != "TCP" && hc.resource_path.empty()) hc.resource_path = "/";
  return hc;
}

Json create_service(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const std::string name = string_or_empty(input, "Name");
  check_service_name(name);
  const Json dns = input.value("DnsConfig", Json());
  std::string namespace_id = string_or_empty(input, "NamespaceId");
  if (namespace_id.empty()) namespace_id = string_or_empty(dns, "NamespaceId");
  if (namespace_id.empty()) invalid_input("A NamespaceId is required to create a service.");
  DiscoveryState& state = p.state(ctx);
  const Namespace* ns = state.find_namespace(namespace_id);
  if (!ns) throw NamespaceNotFound("No namespace exists with ID: " + namespace_id);
  const std::string creator = string_or_empty(input, "CreatorRequestId");
  if (const DiscoveryService* existing = state.find_service_by_name(ns->id, name)) {
    if (!creator.empty() && existing->creator_request_id == creator)
      return Json{{"Service", service_json(*existing, false)}};  // the same request again
    ServiceAlreadyExists error("Service " + name + " already exists in namespace " + ns->id + ".");
    error.members = {{"CreatorRequestId", existing->creator_request_id}, {"ServiceId", existing->id}};
    throw error;
  }
  DiscoveryService s;
  s.name = name;
  s.namespace_id = ns->id;
  s.description = string_or_empty(input, "Description");
  s.creator_request_id = creator;
  if (dns.is_object()) {
    if (ns->type == "HTTP") invalid_input("DnsConfig is not supported for services in HTTP namespace " + ns->id + ".");
    if (string_or_empty(input, "Type") == "HTTP") invalid_input("A service of Type HTTP cannot have a DnsConfig.");
    s.has_dns_config = true;
    s.routing_policy = optional_string(dns, "RoutingPolicy").value_or("MULTIVALUE");
    s.dns_records = dns_records(dns);
    if (s.has_record("CNAME") && s.routing_policy != "WEIGHTED")
      invalid_input("A CNAME record requires the WEIGHTED routing policy.");
  }
  if (input.contains("HealthCheckConfig")) {
    if (ns->type != "DNS_PUBLIC")
      invalid_input("HealthCheckConfig (Route 53 health checks) is only supported in public DNS namespaces.");
    if (input.contains("HealthCheckCustomConfig"))
      invalid_input("A service can have HealthCheckConfig or HealthCheckCustomConfig, not both.");
    s.health_check = health_check(input["HealthCheckConfig"]);
  }
  if (input.contains("HealthCheckCustomConfig")) {
    s.custom_health = true;
    s.custom_failure_threshold = json_read::optional_int(input["HealthCheckCustomConfig"], "FailureThreshold");
  }
  s.type = s.has_dns_config ? "DNS_HTTP" : "HTTP";
  s.tags = tags_from(input);
  const DiscoveryService& made = p.add_service(state, ctx.account_id, ctx.region, std::move(s), ctx.now);
  return Json{{"Service", service_json(made, false)}};
}

Json get_service(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return Json{{"Service", service_json(service_of(p, ctx, string_or_empty(input, "Id")), false)}};
}

Json list_services(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const auto filters = read_filters(input, {{"NAMESPACE_ID", {"EQ", "IN"}}});
  std::vector<const DiscoveryService*> found;
  std::vector<std::string> keys;
  for (const DiscoveryService* s : by_sequence(p.state(ctx).services)) {
    if (!std::all_of(filters.begin(), filters.end(), [&](const Filter& f) { return f.matches(s->namespace_id); }))
      continue;
    found.push_back(s);
    keys.push_back(sequence_key(s->sequence));
  }
  Page page = paginate(keys, page_request(input));
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(service_json(*found[i], true));
  Json out{{"Services", std::move(list)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

// As documented for AWS: a HealthCheckConfig left out of the change is removed; the DNS records
// may change their TTLs, not their types.
Json update_service(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, string_or_empty(input, "Id"));
  const Json change = input.value("Service", Json::object());
  std::optional<std::vector<DnsRecord>> records;
  if (change.contains("DnsConfig")) {
    if (!s.has_dns_config) invalid_input("The service " + s.id + " has no DnsConfig to update.");
    records = dns_records(change["DnsConfig"]);
    for (const auto& r : *records)
      if (!s.has_record(r.type))
        invalid_input("The DNS record types of service " + s.id + " cannot change (no " + r.type + " record).");
    if (records->size() != s.dns_records.size())
      invalid_input("The DNS record types of service " + s.id + " cannot change.");
  }
  std::optional<HealthCheck> check;
  if (change.contains("HealthCheckConfig")) {
    if (s.custom_health) invalid_input("The service " + s.id + " uses HealthCheckCustomConfig.");
    check = health_check(change["HealthCheckConfig"]);
  }
  if (auto description = optional_string(change, "Description")) s.description = *description;
  if (records) s.dns_records = std::move(*records);
  if (!s.custom_health) s.health_check = check;
  DiscoveryState& state = p.state(ctx);
  return Json{{"OperationId", state.record(p.ids(), "UPDATE_SERVICE", {{"SERVICE", s.id}}, ctx.now).id}};
}

Json delete_service(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, string_or_empty(input, "Id"));
  if (!s.instances.empty())
    throw ResourceInUse("The service " + s.id + " has " + std::to_string(s.instances.size()) +
                        (s.instances.size() == 1 ? " registered instance" : " registered instances") +
                        "; deregister them before deleting the service.");
  const std::string id = s.id;  // the key outlives the element it names
  p.state(ctx).services.erase(id);
  return Json::object();
}

Json get_service_attributes(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return Json{{"ServiceAttributes", service_attributes_json(service_of(p, ctx, string_or_empty(input, "ServiceId")))}};
}

Json update_service_attributes(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, string_or_empty(input, "ServiceId"));
  StringMap merged = s.service_attributes;
  for (auto& [k, v] : string_map(input, "Attributes")) merged[k] = v;
  if (merged.size() > kMaxServiceAttributes)
    throw ServiceAttributesLimitExceededException("A service can have at most " +
                                                  std::to_string(kMaxServiceAttributes) + " attributes.");
  s.service_attributes = std::move(merged);
  return Json::object();
}

Json delete_service_attributes(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, string_or_empty(input, "ServiceId"));
  for (const auto& key : json_read::strings(input, "Attributes")) s.service_attributes.erase(key);
  return Json::object();
}

}  // namespace

void register_service_operations(DiscoveryProvider& p, OperationTable& table) {
  bind_operation(table, "CreateService", p, create_service);
  bind_operation(table, "GetService", p, get_service);
  bind_operation(table, "ListServices", p, list_services);
  bind_operation(table, "UpdateService", p, update_service);
  bind_operation(table, "DeleteService", p, delete_service);
  bind_operation(table, "GetServiceAttributes", p, get_service_attributes);
  bind_operation(table, "UpdateServiceAttributes", p, update_service_attributes);
  bind_operation(table, "DeleteServiceAttributes", p, delete_service_attributes);
}

}  // namespace ecslocal::api::servicediscovery
