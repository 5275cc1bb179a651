#include "api/servicediscovery/provider.hpp"

#include <algorithm>

#include "api/servicediscovery/mapping.hpp"
#include "api/servicediscovery/snapshot.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

DiscoveryNamespaceInfo namespace_info(const Namespace& ns) { return {ns.id, ns.arn, ns.name, ns.type, ns.vpc_id}; }

DiscoveryServiceInfo service_info(const DiscoveryService& s, const Namespace* ns) {
  DiscoveryServiceInfo out;
  out.id = s.id;
  out.arn = s.arn;
  out.name = s.name;
  if (ns) out.name_space = namespace_info(*ns);
  out.dns_a = s.has_record("A");
  out.dns_srv = s.has_record("SRV");
  out.custom_health = s.custom_health;
  return out;
}

}  // namespace

std::string reported_health(const DiscoveryService& s, const Instance& i) {
  if (!s.health_checked()) return "UNKNOWN";
  return i.health.empty() ? "HEALTHY" : i.health;
}

DiscoveryProvider::DiscoveryProvider(std::shared_ptr<IdSource> ids, std::shared_ptr<vpc::VpcRegistry> networks)
    : ids_(ids ? std::move(ids) : std::make_shared<IdSource>()),
      networks_(networks ? std::move(networks) : std::make_shared<vpc::VpcRegistry>(ids_)) {
  register_namespace_operations(*this, table_);
  register_service_operations(*this, table_);
  register_instance_operations(*this, table_);
  register_tag_operations(*this, table_);
}

const protocol::ServiceModel& DiscoveryProvider::model() const {
  return protocol::ServiceModel::get("servicediscovery");
}

void DiscoveryProvider::provide(Ports& ports) {
  ports.provide<ServiceDiscovery>(this);
  ports.provide<TaskObserver>(this);
}

Json DiscoveryProvider::snapshot() const { return snapshot_discovery(store_); }
void DiscoveryProvider::restore(const Json& snapshot) { restore_discovery(store_, snapshot); }

// Namespaces, and services with their instances and health, as the API shows them.
Json DiscoveryProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const DiscoveryState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json namespaces = Json::array(), services = Json::array();
    for (const auto& [id, ns] : state.namespaces) {
      Json n = namespace_json(ns, state.service_count(id), false);
      n["Tags"] = tag_list_json(ns.tags);
      namespaces.push_back(std::move(n));
    }
    for (const auto& [id, s] : state.services) {
      Json j = service_json(s, false);
      j["Tags"] = tag_list_json(s.tags);
      Json instances = Json::array();
      for (const auto& i : s.instances) {
        Json entry = instance_json(i);
        entry["HealthStatus"] = reported_health(s, i);
        instances.push_back(std::move(entry));
      }
      j["Instances"] = std::move(instances);
      services.push_back(std::move(j));
    }
    out.push_back({{"account", account},
                   {"region", region},
                   {"namespaces", std::move(namespaces)},
                   {"services", std::move(services)},
                   {"operationCount", state.operations.size()}});
  });
  return out;
}

Namespace& DiscoveryProvider::add_namespace(DiscoveryState& state, const std::string& account,
                                            const std::string& region, Namespace ns, TimePoint now) {
  ns.id = namespace_id(*ids_);
  ns.arn = namespace_arn(account, region, ns.id);
  ns.created = now;
  ns.sequence = state.sequence();
  if (ns.type != "HTTP") ns.hosted_zone_id = hosted_zone_id(*ids_);
  ns.create_operation_id = state.record(*ids_, "CREATE_NAMESPACE", {{"NAMESPACE", ns.id}}, now).id;
  const std::string id = ns.id;
  return state.namespaces.emplace(id, std::move(ns)).first->second;
}

DiscoveryService& DiscoveryProvider::add_service(DiscoveryState& state, const std::string& account,
                                                 const std::string& region, DiscoveryService s, TimePoint now) {
  s.id = service_id(*ids_);
  s.arn = service_arn(account, region, s.id);
  s.created = now;
  s.sequence = state.sequence();
  const std::string id = s.id;
  return state.services.emplace(id, std::move(s)).first->second;
}

std::string DiscoveryProvider::put_instance(DiscoveryState& state, DiscoveryService& s, Instance instance,
                                            TimePoint now) {
  const std::string id = instance.id;
  if (Instance* existing = s.find_instance(instance.id)) {
    existing->attributes = std::move(instance.attributes);
    existing->creator_request_id = std::move(instance.creator_request_id);
  } else {
    if (s.health_checked()) {
      auto init = instance.attributes.find("AWS_INIT_HEALTH_STATUS");
      instance.health = s.custom_health && init != instance.attributes.end() ? init->second : "HEALTHY";
    }
    instance.sequence = state.sequence();
    s.instances.push_back(std::move(instance));
  }
  ++s.revision;
  return state.record(*ids_, "REGISTER_INSTANCE", {{"SERVICE", s.id}, {"INSTANCE", id}}, now).id;
}

std::string DiscoveryProvider::remove_instance(DiscoveryState& state, DiscoveryService& s,
                                               const std::string& instance_id, TimePoint now) {
  auto it = std::find_if(s.instances.begin(), s.instances.end(), [&](const Instance& i) { return i.id == instance_id; });
  if (it == s.instances.end()) return "";
  s.instances.erase(it);
  ++s.revision;
  return state.record(*ids_, "DEREGISTER_INSTANCE", {{"SERVICE", s.id}, {"INSTANCE", instance_id}}, now).id;
}

// ---- ServiceDiscovery ----

std::optional<DiscoveryNamespaceInfo> DiscoveryProvider::find_namespace(const std::string& account_id,
                                                                        const std::string& region,
                                                                        const std::string& name_or_arn) const {
  DiscoveryState* state = store_.find(account_id, region);
  if (!state) return std::nullopt;
  const Namespace* ns = state->find_namespace(name_or_arn);
  if (!ns) ns = state->find_namespace_by_name(name_or_arn);
  if (!ns) return std::nullopt;
  return namespace_info(*ns);
}

DiscoveryNamespaceInfo DiscoveryProvider::ensure_http_namespace(const std::string& account_id,
                                                                const std::string& region, const std::string& name) {
  DiscoveryState& state = store_.at(account_id, region);
  if (const Namespace* ns = state.find_namespace_by_name(name)) return namespace_info(*ns);
  Namespace ns;
  ns.name = name;
  ns.type = "HTTP";
  return namespace_info(add_namespace(state, account_id, region, std::move(ns), clock_()));
}

std::optional<DiscoveryServiceInfo> DiscoveryProvider::find_service(const std::string& account_id,
                                                                    const std::string& region,
                                                                    const std::string& arn_or_id) const {
  DiscoveryState* state = store_.find(account_id, region);
  if (!state) return std::nullopt;
  const DiscoveryService* s = state->find_service(arn_or_id);
  if (!s) return std::nullopt;
  return service_info(*s, state->find_namespace(s->namespace_id));
}

// An unknown namespace gives an info with an empty id (ECS resolves the namespace first).
DiscoveryServiceInfo DiscoveryProvider::ensure_service(const std::string& account_id, const std::string& region,
                                                       const std::string& namespace_id_or_arn, const std::string& name) {
  DiscoveryState& state = store_.at(account_id, region);
  const Namespace* ns = state.find_namespace(namespace_id_or_arn);
  if (!ns) return {};
  if (const DiscoveryService* s = state.find_service_by_name(ns->id, name)) return service_info(*s, ns);
  DiscoveryService s;
  s.name = name;
  s.namespace_id = ns->id;
  s.type = "HTTP";
  return service_info(add_service(state, account_id, region, std::move(s), clock_()), ns);
}

std::vector<DiscoveryInstanceInfo> DiscoveryProvider::instances(const std::string& account_id,
                                                                const std::string& region,
                                                                const std::string& service_arn_or_id) const {
  std::vector<DiscoveryInstanceInfo> out;
  DiscoveryState* state = store_.find(account_id, region);
  const DiscoveryService* s = state ? state->find_service(service_arn_or_id) : nullptr;
  if (!s) return out;
  for (const auto& i : s->instances) out.push_back({i.id, i.attributes, reported_health(*s, i) != "UNHEALTHY"});
  return out;
}

}  // namespace ecslocal::api::servicediscovery
