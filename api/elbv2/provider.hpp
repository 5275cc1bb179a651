#pragma once
// Elastic Load Balancing v2 (query protocol, 2015-12-01): application and network load
// balancers, target groups and their targets, listeners, rules, attributes and tags. Handlers
// live in one file per area (load_balancer_ops, target_group_ops, listener_ops, rule_ops,
// tag_ops); target health (the state machine of spec §4.2) in health.cpp.
//
// Time: provisioning, the registration step, health-check intervals and the deregistration delay
// run on the virtual clock (RequestContext::now in handlers, the Timers port for probes and the
// end of draining). Probes themselves go through the HealthProber port (the server does the I/O);
// without a prober, targets stay `initial`.
//
// Ports: uses Timers, HealthProber and DataPlane (listener sockets, when open_listeners is on);
// offers TargetGroupDirectory (ECS's loadBalancers checks) and observes ECS's tasks
// (TaskObserver: a service's tasks are registered in its target groups while they run).
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "api/common/ids.hpp"
#include "api/elbv2/metrics.hpp"
#include "api/elbv2/model.hpp"
#include "api/ports/ports.hpp"
#include "api/ports/target_groups.hpp"
#include "api/ports/task_observer.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api {
class Timers;
class DataPlane;
}  // namespace ecslocal::api

namespace ecslocal::api::elbv2 {

struct ElbSettings {
  std::chrono::seconds provisioning{2};       // CreateLoadBalancer: provisioning → active after this
  std::chrono::seconds registration_step{2};  // initial/Elb.RegistrationInProgress lasts this
  // DNSName: "ip" (default) the load balancer's own loopback address, reachable by every client
  // without resolver setup; "localhost" the AWS-shaped <name>-<n>.<region>.elb.localhost.
  std::string dns_mode = "ip";
  // Open each listener's socket through the DataPlane port (the server must serve the kinds
  // "http-proxy" and "tcp-proxy"); off: listeners are recorded only.
  bool open_listeners = false;
  std::uint32_t address_spread = 0;  // where the VIP search starts (per ecslocal instance)
};

class ElbProvider : public Service, public TargetGroupDirectory, public TaskObserver {
 public:
  explicit ElbProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>(),
                       std::shared_ptr<vpc::VpcRegistry> networks = nullptr, ElbSettings settings = {});

  std::string_view name() const override { return "elbv2"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "ValidationError"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  void connect(Ports& ports) override;
  void tick(Clock::time_point now) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override;

  // ---- TargetGroupDirectory ----
  std::optional<TargetGroupInfo> find_target_group(const std::string& account_id, const std::string& region,
                                                   const std::string& arn) const override;
  std::optional<TargetHealthInfo> target_health(const std::string& account_id, const std::string& region,
                                                const std::string& target_group_arn, const std::string& ip,
                                                int port) const override;

  // ---- TaskObserver (ECS) ----
  void on_task(TaskChange change, const TaskInfo& task) override;

  ElbState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  ElbState& state(const std::string& account_id, const std::string& region) { return store_.at(account_id, region); }
  ElbStore& store() { return store_; }
  IdSource& ids() { return *ids_; }
  vpc::VpcRegistry& networks() { return *networks_; }
  const ElbSettings& settings() const { return settings_; }
  ElbSettings& settings() { return settings_; }
  // Overrides of the ports (unit tests).
  void set_timers(Timers* timers) { timers_override_ = timers; }
  void set_prober(HealthProber* prober) { prober_override_ = prober; }
  void set_data_plane(DataPlane* plane) { data_plane_override_ = plane; }
  // The virtual clock (what task changes and ticks are measured on); the system clock by default.
  void set_clock(std::function<TimePoint()> clock) { clock_ = std::move(clock); }
  TimePoint now() const { return clock_(); }
  Timers* timers() const;
  HealthProber* prober() const;
  DataPlane* data_plane() const;

  // ---- addresses (loopback VIPs, process-wide) ----
  std::string allocate_address();
  void release_address(const std::string& address);

  // ---- health (health.cpp) ----
  // Arms or cancels the probe timers of every target of the account and region after a change
  // (registration, listeners, rules, health-check settings).
  void sync_probes(const std::string& account_id, const std::string& region, TimePoint now);
  // Registers target id:port (again, when it is draining); false when it is registered already.
  bool add_target(TargetGroup& group, const std::string& id, int port, const std::string& zone, TimePoint now);
  void drop_target_timers(TargetGroup& group);
  void cancel_timer(Target& target);
  // Drains end: targets whose delay is over leave their groups.
  void prune_drained(ElbState& state, TimePoint now);
  // Starts draining `target` (deregistration); arms the timer that removes it.
  void start_draining(const std::string& account_id, const std::string& region, TargetGroup& group, Target& target,
                      TimePoint now);

  // ---- listeners on the data plane (listener_ops.cpp) ----
  // Opens or re-publishes the listener's socket; returns "" or why it could not be opened.
  std::string open_listener(const ElbState& state, Listener& listener);
  void close_listener(Listener& listener);
  // Opens every listener not open yet (the data plane was attached late, or after a restore) and
  // arms the probes (a prober arrived); a listener that cannot bind marks its load balancer
  // active_impaired.
  void reopen_listeners();
  void close_listeners();  // every open one (the data plane goes away)
  // Publishes the routing of every open listener of `lb` (after rules, targets or health changed).
  void publish_routes(const ElbState& state, const std::string& load_balancer_arn);

 private:
  void arm_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                 Target& target, TimePoint at);
  void run_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                 const std::string& target_key, std::uint64_t generation, TimePoint due);
  void apply_probe(const std::string& account_id, const std::string& region, const std::string& group_arn,
                   const std::string& target_key, std::uint64_t generation, const ProbeOutcome& outcome);
  void arm_drain_end(const std::string& account_id, const std::string& region, const std::string& group_arn,
                     Target& target);
  void rebuild_addresses();

  std::shared_ptr<IdSource> ids_;
  std::shared_ptr<vpc::VpcRegistry> networks_;
  ElbSettings settings_;
  std::function<TimePoint()> clock_;
  ElbStore store_;
  OperationTable table_;
  Ports* ports_ = nullptr;
  Timers* timers_override_ = nullptr;
  HealthProber* prober_override_ = nullptr;
  DataPlane* data_plane_override_ = nullptr;
  std::set<std::uint32_t> addresses_;  // VIPs in use
  std::uint32_t next_address_ = 0;

  // ---- metrics (metrics.hpp): each tick takes the data plane's counts and samples target
  // health; minutes that are over go to the MetricSink port (dropped without one) ----
 public:
  void set_metric_sink(MetricSink* sink) { metric_sink_override_ = sink; }
  MetricSink* metric_sink() const;
  void collect_metrics(TimePoint now);

 private:
  ElbMetrics metrics_;
  MetricSink* metric_sink_override_ = nullptr;
};

void register_load_balancer_operations(ElbProvider& provider, OperationTable& table);
void register_target_group_operations(ElbProvider& provider, OperationTable& table);
void register_listener_operations(ElbProvider& provider, OperationTable& table);
void register_rule_operations(ElbProvider& provider, OperationTable& table);
void register_tag_operations(ElbProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::elbv2
