// ECS tasks as Cloud Map instances (spec §2.1): a task of a service with serviceRegistries (or a
// Service Connect endpoint) is registered in each registry's Cloud Map service, InstanceId = task
// id, with the attributes ECS writes, once it runs and is healthy (tasks without health checks:
// at RUNNING; else at the first HEALTHY). With HealthCheckCustomConfig the instance starts as
// ECS's do (AWS_INIT_HEALTH_STATUS UNHEALTHY) and its custom health then follows the task's, as
// ECS drives UpdateInstanceCustomHealthStatus. Deregistered when the task is on its way out.
// Each registration and deregistration is recorded as an operation, as the API's are.
#include "api/servicediscovery/provider.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

StringMap task_attributes(const TaskInfo& task, const TaskRegistry& registry, const DiscoveryService& s) {
  StringMap out;
  if (!task.private_ipv4.empty()) out["AWS_INSTANCE_IPV4"] = task.private_ipv4;
  if (registry.port > 0) out["AWS_INSTANCE_PORT"] = std::to_string(registry.port);
  if (!task.availability_zone.empty()) out["AVAILABILITY_ZONE"] = task.availability_zone;
  out["REGION"] = task.region;
  if (!task.cluster_name.empty()) out["ECS_CLUSTER_NAME"] = task.cluster_name;
  if (!task.service_name.empty()) out["ECS_SERVICE_NAME"] = task.service_name;
  if (!task.family.empty()) out["ECS_TASK_DEFINITION_FAMILY"] = task.family;
  if (s.custom_health) out["AWS_INIT_HEALTH_STATUS"] = "UNHEALTHY";
  return out;
}

}  // namespace

void DiscoveryProvider::on_task(TaskChange change, const TaskInfo& task) {
  if (task.task_id.empty() || task.service_name.empty()) return;
  DiscoveryState* state = store_.find(task.account_id, task.region);
  if (!state) return;
  const TimePoint now = task.at != TimePoint{} ? task.at : clock_();
  if (change == TaskChange::Stopping || change == TaskChange::Stopped) {
    // From every Cloud Map service that has it as ECS registered it, not only the registries the
    // service names now (an UpdateService may have changed them since the task started).
    std::vector<DiscoveryService*> holding;
    for (auto& [id, s] : state->services)
      if (const Instance* i = s.find_instance(task.task_id)) {
        auto named = i->attributes.find("ECS_SERVICE_NAME");
        if (named != i->attributes.end() && named->second == task.service_name) holding.push_back(&s);
      }
    for (DiscoveryService* s : holding) remove_instance(*state, *s, task.task_id, now);
    return;
  }
  if (task.registries.empty()) return;
  const bool healthy = !task.health_checked || task.health_status == "HEALTHY";
  for (const auto& registry : task.registries) {
    DiscoveryService* s = state->find_service(registry.registry_arn);
    if (!s) continue;
    Instance* existing = s->find_instance(task.task_id);
    if (existing) {  // Running again, or a health change of a registered task
      if (!s->custom_health || !task.health_checked) continue;
      const std::string health = task.health_status == "HEALTHY"     ? "HEALTHY"
                                 : task.health_status == "UNHEALTHY" ? "UNHEALTHY"
                                                                     : existing->health;
      if (health != existing->health) {
        existing->health = health;
        ++s->revision;
      }
      continue;
    }
    if (!healthy) continue;
    if (task.private_ipv4.empty() && (s->has_record("A") || s->has_record("SRV"))) continue;  // no address yet
    Instance instance;
    instance.id = task.task_id;
    instance.attributes = task_attributes(task, registry, *s);
    put_instance(*state, *s, std::move(instance), now);
    if (s->custom_health) s->find_instance(task.task_id)->health = "HEALTHY";  // ECS's first custom health update
  }
}

}  // namespace ecslocal::api::servicediscovery
