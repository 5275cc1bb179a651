#include "api/servicediscovery/snapshot.hpp"

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::servicediscovery {
namespace snap = ecslocal::api::snapshot;
using Json = nlohmann::json;

ECSLOCAL_SNAPSHOT_FIELDS(Namespace, id, arn, name, type, description, creator_request_id, vpc_id, hosted_zone_id, soa_ttl,
                         create_operation_id, created, sequence, tags)
ECSLOCAL_SNAPSHOT_FIELDS(DnsRecord, type, ttl)
ECSLOCAL_SNAPSHOT_FIELDS(HealthCheck, type, resource_path, failure_threshold)
ECSLOCAL_SNAPSHOT_FIELDS(Instance, id, creator_request_id, attributes, health, sequence)
ECSLOCAL_SNAPSHOT_FIELDS(DiscoveryService, id, arn, name, namespace_id, description, creator_request_id, type,
                         has_dns_config, routing_policy, dns_records, health_check, custom_health,
                         custom_failure_threshold, created, sequence, tags, service_attributes, instances, revision)
ECSLOCAL_SNAPSHOT_FIELDS(Operation, id, type, status, created, updated, targets, sequence)

namespace {

void check(const DiscoveryState& state) {
  std::uint64_t highest = 0;
  auto seen = [&](std::uint64_t sequence) { highest = std::max(highest, sequence); };
  for (const auto& [id, ns] : state.namespaces) {
    if (ns.id != id) throw std::runtime_error("the namespace stored as " + id + " has the id " + ns.id);
    seen(ns.sequence);
  }
  for (const auto& [id, s] : state.services) {
    if (s.id != id) throw std::runtime_error("the service stored as " + id + " has the id " + s.id);
    if (!state.namespaces.count(s.namespace_id))
      throw std::runtime_error("the service " + id + " is in the unknown namespace " + s.namespace_id);
    seen(s.sequence);
    for (const auto& i : s.instances) seen(i.sequence);
  }
  for (const auto& [id, op] : state.operations) {
    if (op.id != id) throw std::runtime_error("the operation stored as " + id + " has the id " + op.id);
    seen(op.sequence);
  }
  if (state.next_sequence <= highest)
    throw std::runtime_error("next_sequence " + std::to_string(state.next_sequence) + " is not past " +
                             std::to_string(highest));
}

Json snapshot_state(const DiscoveryState& state) {
  return Json{{"namespaces", state.namespaces},
              {"services", state.services},
              {"operations", state.operations},
              {"updater_requests", state.updater_requests},
              {"next_sequence", state.next_sequence}};
}

void restore_state(DiscoveryState& state, const Json& doc) {
  if (!doc.is_object()) throw std::runtime_error("a Cloud Map state must be an object");
  DiscoveryState fresh;
  if (auto it = doc.find("namespaces"); it != doc.end()) it->get_to(fresh.namespaces);
  if (auto it = doc.find("services"); it != doc.end()) it->get_to(fresh.services);
  if (auto it = doc.find("operations"); it != doc.end()) it->get_to(fresh.operations);
  if (auto it = doc.find("updater_requests"); it != doc.end()) it->get_to(fresh.updater_requests);
  if (auto it = doc.find("next_sequence"); it != doc.end()) it->get_to(fresh.next_sequence);
  check(fresh);
  state = std::move(fresh);
}

}  // namespace

Json snapshot_discovery(const DiscoveryStore& store) {
  return snap::document("servicediscovery", Json{{"states", snap::states_to_json(store, snapshot_state)}});
}

void restore_discovery(DiscoveryStore& store, const Json& snapshot) {
  snap::check_document("servicediscovery", snapshot);
  auto states = snap::states_from_json<DiscoveryState>("servicediscovery", snap::array_member(snapshot, "states"),
                                                        restore_state);
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::servicediscovery
