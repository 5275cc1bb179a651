// RegisterInstance (an upsert), DeregisterInstance, GetInstance, ListInstances,
// GetInstancesHealthStatus, UpdateInstanceCustomHealthStatus, DiscoverInstances and
// DiscoverInstancesRevision (both sent by SDKs to a "data-" host: the gateway routes by
// X-Amz-Target, whatever the Host).
#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/servicediscovery/errors.hpp"
#include "api/servicediscovery/mapping.hpp"
#include "api/servicediscovery/provider.hpp"
#include "api/servicediscovery/validation.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

using json_read::string_or_empty;

DiscoveryService& service_of(DiscoveryProvider& p, const RequestContext& ctx, const Json& input) {
  const std::string id = string_or_empty(input, "ServiceId");
  DiscoveryService* s = p.state(ctx).find_service(id);
  if (!s) throw ServiceNotFound("No service exists with ID: " + id);
  return *s;
}

Instance& instance_of(DiscoveryService& s, const Json& input) {
  const std::string id = string_or_empty(input, "InstanceId");
  Instance* i = s.find_instance(id);
  if (!i) throw InstanceNotFound("No instance exists with ID " + id + " in service " + s.id);
  return *i;
}

Json register_instance(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, input);
  Instance i;
  i.id = string_or_empty(input, "InstanceId");
  check_instance_id(i.id);
  i.creator_request_id = string_or_empty(input, "CreatorRequestId");
  i.attributes = string_map(input, "Attributes");
  check_instance_attributes(s, i.attributes);
  return Json{{"OperationId", p.put_instance(p.state(ctx), s, std::move(i), ctx.now)}};
}

Json deregister_instance(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, input);
  const Instance& i = instance_of(s, input);
  return Json{{"OperationId", p.remove_instance(p.state(ctx), s, std::string(i.id), ctx.now)}};
}

Json get_instance(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, input);
  return Json{{"Instance", instance_json(instance_of(s, input))}};
}

std::vector<std::string> instance_keys(const std::vector<const Instance*>& instances) {
  std::vector<std::string> keys;
  for (const Instance* i : instances) keys.push_back(sequence_key(i->sequence));
  return keys;
}

Json list_instances(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const DiscoveryService& s = service_of(p, ctx, input);
  std::vector<const Instance*> all;
  for (const auto& i : s.instances) all.push_back(&i);
  Page page = paginate(instance_keys(all), page_request(input));
  Json list = Json::array();
  for (size_t n = page.begin; n < page.end; ++n) list.push_back(instance_summary_json(*all[n]));
  Json out{{"Instances", std::move(list)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json get_instances_health_status(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const DiscoveryService& s = service_of(p, ctx, input);
  std::vector<const Instance*> chosen;
  if (auto wanted = json_read::optional_strings(input, "Instances")) {
    for (const auto& i : s.instances)
      if (std::find(wanted->begin(), wanted->end(), i.id) != wanted->end()) chosen.push_back(&i);
    for (const auto& id : *wanted)
      if (!s.find_instance(id)) throw InstanceNotFound("No instance exists with ID " + id + " in service " + s.id);
  } else {
    for (const auto& i : s.instances) chosen.push_back(&i);
  }
  Page page = paginate(instance_keys(chosen), page_request(input));
  Json status = Json::object();
  for (size_t n = page.begin; n < page.end; ++n) status[chosen[n]->id] = reported_health(s, *chosen[n]);
  Json out{{"Status", std::move(status)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json update_instance_custom_health_status(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  DiscoveryService& s = service_of(p, ctx, input);
  Instance& i = instance_of(s, input);
  if (!s.custom_health)
    throw CustomHealthNotFound("The service " + s.id + " has no HealthCheckCustomConfig: its instances' health "
                               "cannot be set.");
  const std::string status = string_or_empty(input, "Status");
  if (i.health != status) {
    i.health = status;
    ++s.revision;
  }
  return Json::object();
}

struct Discovered {
  const Namespace* name_space = nullptr;
  const DiscoveryService* service = nullptr;
};

Discovered discovered(DiscoveryProvider& p, const RequestContext& ctx, const Json& input) {
  DiscoveryState& state = p.state(ctx);
  const std::string ns_name = string_or_empty(input, "NamespaceName");
  const std::string name = string_or_empty(input, "ServiceName");
  const Namespace* ns = state.find_namespace_by_name(ns_name);
  if (!ns) throw NamespaceNotFound("No namespace exists with name: " + ns_name);
  const DiscoveryService* s = state.find_service_by_name(ns->id, name);
  if (!s) throw ServiceNotFound("No service exists with name " + name + " in namespace " + ns_name);
  return {ns, s};
}

bool has_all(const Instance& i, const StringMap& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const auto& kv) {
    auto it = i.attributes.find(kv.first);
    return it != i.attributes.end() && it->second == kv.second;
  });
}

// QueryParameters must all match; OptionalParameters narrow the result only when something still
// matches them; then the health filter (HEALTHY when omitted; ignored for services without
// health checking).
Json discover_instances(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const auto [ns, s] = discovered(p, ctx, input);
  const StringMap query = string_map(input, "QueryParameters"), optional = string_map(input, "OptionalParameters");
  std::vector<const Instance*> found;
  for (const auto& i : s->instances)
    if (has_all(i, query)) found.push_back(&i);
  if (!optional.empty()) {
    std::vector<const Instance*> narrowed;
    std::copy_if(found.begin(), found.end(), std::back_inserter(narrowed),
                 [&](const Instance* i) { return has_all(*i, optional); });
    if (!narrowed.empty()) found = std::move(narrowed);
  }
  if (s->health_checked()) {
    const std::string wanted = json_read::optional_string(input, "HealthStatus").value_or("HEALTHY");
    auto with = [&](const std::string& health) {
      std::vector<const Instance*> out;
      std::copy_if(found.begin(), found.end(), std::back_inserter(out),
                   [&](const Instance* i) { return reported_health(*s, *i) == health; });
      return out;
    };
    if (wanted == "HEALTHY" || wanted == "UNHEALTHY") {
      found = with(wanted);
    } else if (wanted == "HEALTHY_OR_ELSE_ALL") {
      auto healthy = with("HEALTHY");
      if (!healthy.empty()) found = std::move(healthy);
    }
  }
  const auto max = static_cast<size_t>(json_read::optional_long(input, "MaxResults").value_or(100));
  if (found.size() > max) found.resize(max);
  Json list = Json::array();
  for (const Instance* i : found) list.push_back(http_instance_json(*i, ns->name, s->name, reported_health(*s, *i)));
  return Json{{"Instances", std::move(list)}, {"InstancesRevision", s->revision}};
}

Json discover_instances_revision(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return Json{{"InstancesRevision", discovered(p, ctx, input).service->revision}};
}

}  // namespace

void register_instance_operations(DiscoveryProvider& p, OperationTable& table) {
  bind_operation(table, "RegisterInstance", p, register_instance);
  bind_operation(table, "DeregisterInstance", p, deregister_instance);
  bind_operation(table, "GetInstance", p, get_instance);
  bind_operation(table, "ListInstances", p, list_instances);
  bind_operation(table, "GetInstancesHealthStatus", p, get_instances_health_status);
  bind_operation(table, "UpdateInstanceCustomHealthStatus", p, update_instance_custom_health_status);
  bind_operation(table, "DiscoverInstances", p, discover_instances);
  bind_operation(table, "DiscoverInstancesRevision", p, discover_instances_revision);
}

}  // namespace ecslocal::api::servicediscovery
