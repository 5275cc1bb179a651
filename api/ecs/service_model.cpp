#include "api/ecs/service_model.hpp"

#include <algorithm>
#include <utility>

namespace ecslocal::api::ecs {

Deployment* EcsService::find_deployment(const std::string& id) {
  return const_cast<Deployment*>(std::as_const(*this).find_deployment(id));
}

const Deployment* EcsService::find_deployment(const std::string& id) const {
  for (const auto& d : deployments)
    if (d.id == id) return &d;
  return nullptr;
}

EcsService* ServiceRegistry::find(const std::string& cluster, const std::string& name) {
  for (auto& s : services_)
    if (s->cluster_name == cluster && s->name == name) return s.get();
  return nullptr;
}

const EcsService* ServiceRegistry::find(const std::string& cluster, const std::string& name) const {
  return const_cast<ServiceRegistry*>(this)->find(cluster, name);
}

EcsService& ServiceRegistry::put(EcsService service) {
  auto same = [&](const std::unique_ptr<EcsService>& s) {
    return s->cluster_name == service.cluster_name && s->name == service.name;
  };
  services_.erase(std::remove_if(services_.begin(), services_.end(), same), services_.end());
  service.sequence = next_sequence_++;
  services_.push_back(std::make_unique<EcsService>(std::move(service)));
  return *services_.back();
}

EcsService& ServiceRegistry::put_restored(EcsService service) {
  next_sequence_ = std::max(next_sequence_, service.sequence + 1);
  services_.push_back(std::make_unique<EcsService>(std::move(service)));
  return *services_.back();
}

std::vector<EcsService*> ServiceRegistry::all() {
  std::vector<EcsService*> out;
  for (auto& s : services_) out.push_back(s.get());
  return out;
}

std::vector<const EcsService*> ServiceRegistry::all() const {
  std::vector<const EcsService*> out;
  for (const auto& s : services_) out.push_back(s.get());
  return out;
}

std::vector<std::string> ServiceRegistry::prune(Clock::time_point now, Clock::duration retention) {
  std::vector<std::string> arns;
  auto expired = [&](const std::unique_ptr<EcsService>& s) {
    const bool gone = s->status == ServiceStatus::Inactive && s->inactive_at && *s->inactive_at + retention <= now;
    if (gone) arns.push_back(s->arn);
    return gone;
  };
  services_.erase(std::remove_if(services_.begin(), services_.end(), expired), services_.end());
  return arns;
}

const char* service_status_text(ServiceStatus status) {
  switch (status) {
    case ServiceStatus::Active: return "ACTIVE";
    case ServiceStatus::Draining: return "DRAINING";
    case ServiceStatus::Inactive: return "INACTIVE";
  }
  return "ACTIVE";
}

const char* deployment_status_text(DeploymentStatus status) {
  return status == DeploymentStatus::Primary ? "PRIMARY" : "ACTIVE";
}

const char* rollout_state_text(RolloutState state) {
  switch (state) {
    case RolloutState::InProgress: return "IN_PROGRESS";
    case RolloutState::Completed: return "COMPLETED";
    case RolloutState::Failed: return "FAILED";
  }
  return "IN_PROGRESS";
}

}  // namespace ecslocal::api::ecs
