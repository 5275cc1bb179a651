#pragma once
// AWS Cloud Map (servicediscovery, JSON 1.1, Route53AutoNaming_v20170314): HTTP, private DNS and
// public DNS namespaces, services, instances with custom health, DiscoverInstances, operations
// and tags. The calls the real service runs asynchronously finish at once here and are recorded
// as SUCCESS operations, so pollers end at their first GetOperation.
//
// Offers ECS the ServiceDiscovery port (namespaces and services by name/ARN, the Cloud Map
// resources of Service Connect) and is a TaskObserver: the tasks of a service with
// serviceRegistries become instances while they run (task_instances.cpp). Private DNS
// namespaces must name a VPC of the shared VPC state. Handlers live in namespace_ops
// (namespaces, operations), service_ops (services, their attributes), instance_ops (instances,
// discovery) and tag_ops.
#include <functional>
#include <memory>
#include <string>

#include "api/common/ids.hpp"
#include "api/ports/ports.hpp"
#include "api/ports/service_discovery.hpp"
#include "api/ports/task_observer.hpp"
#include "api/service.hpp"
#include "api/servicediscovery/model.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::servicediscovery {

class DiscoveryProvider : public Service, public ServiceDiscovery, public TaskObserver {
 public:
  explicit DiscoveryProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>(),
                             std::shared_ptr<vpc::VpcRegistry> networks = nullptr);

  std::string_view name() const override { return "servicediscovery"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "InvalidInput"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { store_.clear(); }

  // ---- ServiceDiscovery (ECS) ----
  std::optional<DiscoveryNamespaceInfo> find_namespace(const std::string& account_id, const std::string& region,
                                                       const std::string& name_or_arn) const override;
  DiscoveryNamespaceInfo ensure_http_namespace(const std::string& account_id, const std::string& region,
                                               const std::string& name) override;
  std::optional<DiscoveryServiceInfo> find_service(const std::string& account_id, const std::string& region,
                                                   const std::string& arn_or_id) const override;
  DiscoveryServiceInfo ensure_service(const std::string& account_id, const std::string& region,
                                      const std::string& namespace_id, const std::string& name) override;
  std::vector<DiscoveryInstanceInfo> instances(const std::string& account_id, const std::string& region,
                                               const std::string& service_arn_or_id) const override;

  // ---- TaskObserver (ECS): registry instances of service tasks ----
  void on_task(TaskChange change, const TaskInfo& task) override;

  // The clock of changes that come without a request (task events without a time).
  void set_clock(std::function<Clock::time_point()> clock) { clock_ = std::move(clock); }

  DiscoveryState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  DiscoveryStore& store() { return store_; }
  IdSource& ids() { return *ids_; }
  vpc::VpcRegistry& networks() { return *networks_; }

  // Shared by the handlers and the ports: make a namespace / service (names checked by the caller).
  Namespace& add_namespace(DiscoveryState& state, const std::string& account, const std::string& region,
                           Namespace ns, TimePoint now);
  DiscoveryService& add_service(DiscoveryState& state, const std::string& account, const std::string& region,
                                DiscoveryService s, TimePoint now);
  // Registers (or updates) an instance and records the operation; returns the operation id.
  std::string put_instance(DiscoveryState& state, DiscoveryService& s, Instance instance, TimePoint now);
  // Removes an instance and records the operation; returns the operation id ("" when none was there).
  std::string remove_instance(DiscoveryState& state, DiscoveryService& s, const std::string& instance_id,
                              TimePoint now);

 private:
  mutable DiscoveryStore store_;
  std::shared_ptr<IdSource> ids_;
  std::shared_ptr<vpc::VpcRegistry> networks_;
  std::function<Clock::time_point()> clock_ = [] { return Clock::now(); };
  OperationTable table_;
};

// What DiscoverInstances and the port report for an instance: HEALTHY | UNHEALTHY, or UNKNOWN
// for services without health checking.
std::string reported_health(const DiscoveryService& s, const Instance& i);

void register_namespace_operations(DiscoveryProvider& provider, OperationTable& table);
void register_service_operations(DiscoveryProvider& provider, OperationTable& table);
void register_instance_operations(DiscoveryProvider& provider, OperationTable& table);
void register_tag_operations(DiscoveryProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::servicediscovery
