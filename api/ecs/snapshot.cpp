// Snapshots of ECS: one account's state in one region (clusters, task definitions, tasks,
// services, account settings, tags), the whole store, and the loopback public address pool.
#include "api/ecs/snapshot.hpp"

#include <set>
#include <utility>

#include "api/common/snapshot_json.hpp"
#include "api/ecs/snapshot_types.hpp"
#include "api/vpc/snapshot.hpp"

namespace ecslocal::api::ecs {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_FIELDS(Tag, key, value)

namespace {

const Json& object_member(const Json& doc, const char* key) {
  static const Json empty = Json::object();
  auto it = doc.find(key);
  if (it == doc.end()) return empty;
  if (!it->is_object()) throw std::runtime_error(std::string("member ") + key + " is not an object");
  return *it;
}

void restore_clusters(ClusterRegistry& registry, const Json& list) {
  for (const auto& item : list) {
    Cluster cluster = restore_cluster(item);
    if (registry.find(cluster.name)) throw std::runtime_error("the cluster " + cluster.name + " appears twice");
    registry.put(std::move(cluster));
  }
}

void restore_services(ServiceRegistry& registry, const Json& list) {
  std::set<std::pair<std::string, std::string>> seen;
  std::uint64_t last_sequence = 0;
  for (const auto& item : list) {
    EcsService service = restore_service(item);
    if (!seen.emplace(service.cluster_name, service.name).second)
      throw std::runtime_error("the service " + service.name + " of cluster " + service.cluster_name +
                               " appears twice");
    if (service.sequence == 0) service.sequence = last_sequence + 1;  // written before services had one
    if (service.sequence <= last_sequence)
      throw std::runtime_error("the service " + service.name + " is out of creation order");
    last_sequence = service.sequence;
    registry.put_restored(std::move(service));
  }
}

}  // namespace

// --- account settings and tags ---

Json snapshot_account_settings(const AccountSettings& settings) { return settings.all(); }

void restore_account_settings(AccountSettings& settings, const Json& snapshot) {
  const auto values = snapshot.get<std::map<std::string, std::map<std::string, std::string>>>();
  for (const auto& [principal, by_name] : values)
    for (const auto& [name, value] : by_name) settings.put(principal, name, value);
}

Json snapshot_tags(const TagStore& tags) { return tags.all(); }

void restore_tags(TagStore& tags, const Json& snapshot) {
  for (auto& [arn, list] : snapshot.get<std::map<std::string, std::vector<Tag>>>()) tags.set(arn, std::move(list));
}

// --- one state ---

Json snapshot_state(const EcsState& state) {
  Json clusters = Json::array();
  for (const Cluster* cluster : state.clusters.all()) clusters.push_back(snapshot_cluster(*cluster));
  Json services = Json::array();
  for (const EcsService* service : state.services.all()) services.push_back(snapshot_service(*service));
  return Json{{"clusters", std::move(clusters)},
              {"task_definitions", snapshot_task_definitions(state.task_definitions)},
              {"tasks", snapshot_tasks(state.tasks)},
              {"services", std::move(services)},
              {"account_settings", snapshot_account_settings(state.account_settings)},
              {"tags", snapshot_tags(state.tags)},
              {"service_connect_vips", state.service_connect_vips}};
}

void restore_state(EcsState& state, const Json& snapshot) {
  if (!snapshot.is_object()) throw std::runtime_error("an ECS state must be an object");
  EcsState fresh;
  snap::within("clusters", [&] { restore_clusters(fresh.clusters, snap::array_member(snapshot, "clusters")); });
  snap::within("task definitions",
               [&] { restore_task_definitions(fresh.task_definitions, object_member(snapshot, "task_definitions")); });
  snap::within("tasks", [&] { restore_tasks(fresh.tasks, object_member(snapshot, "tasks")); });
  snap::within("services", [&] { restore_services(fresh.services, snap::array_member(snapshot, "services")); });
  snap::within("account settings",
               [&] { restore_account_settings(fresh.account_settings, object_member(snapshot, "account_settings")); });
  snap::within("tags", [&] { restore_tags(fresh.tags, object_member(snapshot, "tags")); });
  if (auto vips = snapshot.find("service_connect_vips"); vips != snapshot.end() && vips->is_object())
    snap::within("service connect addresses", [&] {
      fresh.service_connect_vips = vips->get<std::map<std::string, std::map<std::string, std::string>>>();
    });
  state = std::move(fresh);
}

// --- everything ---

Json snapshot_ecs(const EcsStore& store) {
  return snap::document(
      "ecs", Json{{"states", snap::states_to_json(store, [](const EcsState& s) { return snapshot_state(s); })}});
}

void restore_ecs(EcsStore& store, const Json& snapshot) {
  snap::check_document("ecs", snapshot);
  auto states = snap::states_from_json<EcsState>("ecs", snap::array_member(snapshot, "states"),
                                                 [](EcsState& s, const Json& j) { restore_state(s, j); });
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::ecs
