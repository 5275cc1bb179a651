#include "api/ecs/provider.hpp"
#include "api/ports/exec_sessions.hpp"

#include "api/ecs/service_connect.hpp"

#include "api/ecs/cluster_mapping.hpp"
#include "api/ecs/service_mapping.hpp"
#include "api/ecs/snapshot.hpp"
#include "api/ecs/task_definition_mapping.hpp"
#include "api/ecs/task_info.hpp"
#include "api/ecs/task_mapping.hpp"
#include "api/ports/log_group_directory.hpp"
#include "api/ports/target_groups.hpp"
#include "api/ports/secret_resolver.hpp"
#include "runtime/task_runtime.hpp"

namespace ecslocal::api::ecs {

EcsProvider::EcsProvider(std::shared_ptr<IdSource> ids, std::shared_ptr<vpc::VpcRegistry> networks)
    : ids_(std::move(ids)), networks_(networks ? std::move(networks) : std::make_shared<vpc::VpcRegistry>(ids_)) {
  register_cluster_operations(*this, table_);
  register_task_definition_operations(*this, table_);
  register_tag_operations(*this, table_);
  register_account_setting_operations(*this, table_);
  register_task_operations(*this, table_);
  register_service_operations(*this, table_);
  register_exec_operations(*this, table_);
}

const protocol::ServiceModel& EcsProvider::model() const { return protocol::ServiceModel::get("ecs"); }

void EcsProvider::provide(Ports& ports) {
  ports.provide<DesiredCount>(this);
  ports.provide<TaskMetadata>(&endpoints_);
}

RoleCredentialIssuer* EcsProvider::credential_issuer() const {
  if (credential_issuer_override_) return credential_issuer_override_;
  return ports_ ? ports_->find<RoleCredentialIssuer>() : nullptr;
}

runtime::TaskRuntime* EcsProvider::task_runtime() const {
  if (task_runtime_override_) return task_runtime_override_;
  return ports_ ? ports_->find<runtime::TaskRuntime>() : nullptr;
}

TargetGroupDirectory* EcsProvider::target_groups() const {
  if (target_groups_override_) return target_groups_override_;
  return ports_ ? ports_->find<TargetGroupDirectory>() : nullptr;
}

ServiceDiscovery* EcsProvider::discovery() const {
  if (discovery_override_) return discovery_override_;
  return ports_ ? ports_->find<ServiceDiscovery>() : nullptr;
}

ExecSessions* EcsProvider::exec_sessions() const {
  if (exec_sessions_override_) return exec_sessions_override_;
  return ports_ ? ports_->find<ExecSessions>() : nullptr;
}

std::vector<SecretResolver*> EcsProvider::secret_resolvers() const {
  if (!secret_resolvers_override_.empty()) return secret_resolvers_override_;
  return ports_ ? ports_->all<SecretResolver>() : std::vector<SecretResolver*>{};
}

LogGroupDirectory* EcsProvider::log_groups() const {
  if (log_groups_override_) return log_groups_override_;
  return ports_ ? ports_->find<LogGroupDirectory>() : nullptr;
}

const TagResolver* EcsProvider::find_tag_resolver(const std::string& resource_type) const {
  auto it = tag_resolvers_.find(resource_type);
  return it == tag_resolvers_.end() ? nullptr : &it->second;
}

Json EcsProvider::snapshot() const { return snapshot_ecs(store_); }

void EcsProvider::restore(const Json& snapshot) { restore_ecs(store_, snapshot); }

Json EcsProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const EcsState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json clusters = Json::array(), services = Json::array(), tasks = Json::array(), definitions = Json::array();
    for (const Cluster* c : state.clusters.all())
      clusters.push_back(cluster_to_json(*c, ClusterView::for_include({"STATISTICS", "SETTINGS", "CONFIGURATIONS"}),
                                         state.tags.get(c->arn)));
    for (const EcsService* s : state.services.all()) services.push_back(service_to_json(*s, &state.tags.get(s->arn)));
    for (const Task* t : state.tasks.all()) tasks.push_back(task_to_json(*t, &state.tags.get(t->arn), eni_of(*t)));
    for (const TaskDefinition* d : state.task_definitions.all()) definitions.push_back(task_definition_to_wire(*d));
    out.push_back({{"account", account},
                   {"region", region},
                   {"clusters", std::move(clusters)},
                   {"services", std::move(services)},
                   {"tasks", std::move(tasks)},
                   {"taskDefinitions", std::move(definitions)}});
  });
  return out;
}

std::optional<ServiceCapacity> EcsProvider::capacity(const ServiceRef& ref) const {
  const EcsState* state = store_.find(ref.account_id, ref.region);
  if (!state) return std::nullopt;
  const EcsService* service = state->services.find(ref.cluster, ref.service);
  if (!service || service->status == ServiceStatus::Inactive) return std::nullopt;
  ServiceCapacity c;
  c.desired = service->desired_count;
  for (const Deployment& d : service->deployments) {
    c.running += d.running_count;
    c.pending += d.pending_count;
  }
  c.status = service->active() ? "ACTIVE" : "DRAINING";
  if (const Deployment* primary = service->primary())
    c.deployment_in_progress = primary->rollout == RolloutState::InProgress;
  if (service->load_balancers.is_array())
    for (const auto& lb : service->load_balancers)
      if (lb.is_object() && lb.contains("targetGroupArn")) c.target_group_arns.push_back(lb.value("targetGroupArn", ""));
  return c;
}

// Through the UpdateService handler itself: the same validation, events and deployments.
void EcsProvider::set_desired_count(const ServiceRef& ref, int desired, const std::string& cause, Clock::time_point now) {
  RequestContext ctx;
  ctx.account_id = ref.account_id;
  ctx.region = ref.region;
  ctx.request_id = cause;
  ctx.now = now;
  Json input{{"cluster", ref.cluster}, {"service", ref.service}, {"desiredCount", desired}};
  table_.at("UpdateService")(ctx, input);
}

const vpc::NetworkInterface* EcsProvider::eni_of(const Task& task) const {
  if (!task.attachment) return nullptr;
  const vpc::VpcState* state = networks_->find(task.account_id, task.region);
  return state ? state->find_eni(task.attachment->eni_id) : nullptr;
}

void EcsProvider::publish_task_change(TaskChange change, const Task& task) const {
  if (!ports_) return;
  const auto observers = ports_->all<TaskObserver>();
  if (observers.empty()) return;
  const EcsState* state = store_.find(task.account_id, task.region);
  const TaskDefinition* definition = state ? state->task_definitions.resolve(task.task_definition_arn) : nullptr;
  TaskInfo info = task_info(task, eni_of(task), definition);
  if (const EcsService* service = state && !task.service_name.empty() ? state->services.find(task.cluster_name, task.service_name) : nullptr) {
    for (const auto& lb : task_load_balancers(*service, task.started_by))
      if (lb.is_object() && lb.contains("targetGroupArn"))
        info.load_balancers.push_back({lb.value("targetGroupArn", ""), lb.value("containerName", ""), lb.value("containerPort", 0)});
    info.registries = task_registries(*service, task.started_by, definition);
  }
  if (const vpc::VpcState* networks = networks_->find(task.account_id, task.region))
    if (const vpc::Vpc* vpc = networks->find_vpc(info.vpc_id)) info.docker_network = vpc->docker_network();
  for (TaskObserver* o : observers) o->on_task(change, info);
}

}  // namespace ecslocal::api::ecs
