#pragma once
// Application Auto Scaling (JSON 1.1, AnyScaleFrontendService) for ECS services (spec §7):
// scalable targets on ecs:service:DesiredCount, target-tracking policies (their AlarmHigh /
// AlarmLow pair made through CloudWatch's ManagedAlarms), step policies driven by the user's own
// alarms, scheduled actions (at / rate / cron) on the Timers port, and the scaling activities.
// Capacity changes go through ECS's DesiredCount port (UpdateService's validation and events).
// Handlers: target_ops.cpp (targets, activities, tags), policy_ops.cpp (policies and how they
// act), scheduled_ops.cpp; schedule expressions in schedule.cpp.
#include <functional>
#include <memory>
#include <string>

#include "api/autoscaling/model.hpp"
#include "api/common/ids.hpp"
#include "api/ports/alarms.hpp"
#include "api/ports/desired_count.hpp"
#include "api/ports/ports.hpp"
#include "api/service.hpp"

namespace ecslocal::api {
class Timers;
class TargetGroupDirectory;
}

namespace ecslocal::api::autoscaling {

class AutoScalingProvider : public Service, public AlarmActionTarget {
 public:
  AutoScalingProvider(std::shared_ptr<IdSource> ids, std::function<Clock::time_point()> clock);

  std::string_view name() const override { return "autoscaling"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override { ports.provide<AlarmActionTarget>(this); }
  void connect(Ports& ports) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override;

  // ---- AlarmActionTarget: the ARNs of this service's policies ----
  bool handles_action(const std::string& action_arn) const override;
  void invoke_action(const AlarmInvocation& invocation) override;

  AutoScalingState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  AutoScalingStore& store() { return store_; }
  IdSource& ids() { return *ids_; }
  Clock::time_point now() const { return clock_(); }

  // ---- used by the handlers ----
  // The target, or ObjectNotFoundException with AWS's message.
  ScalableTarget& target(const RequestContext& ctx, const std::string& resource_id);
  // The ECS service's capacity; ValidationException when it does not exist.
  ServiceCapacity service_capacity(const std::string& account, const std::string& region,
                                   const std::string& resource_id) const;
  // Sets desiredCount through ECS and records the activity; returns false when ECS refused.
  bool set_capacity(const std::string& account, const std::string& region, ScalableTarget& target, int desired,
                    const std::string& cause, double now);
  // Records an activity (newest first).
  Activity& add_activity(AutoScalingState& state, const std::string& resource_id, std::string description,
                         std::string cause, double now);
  // Moves desiredCount into [min, max] after they changed (`what`: "minimum" / "maximum").
  void clamp(const std::string& account, const std::string& region, ScalableTarget& target, double now);
  void remove_policy(const std::string& account, const std::string& region, const std::string& key);
  void arm(const std::string& account, const std::string& region, ScheduledAction& action, double after);
  void cancel(ScheduledAction& action);
  ManagedAlarms* alarms() const { return alarms_; }
  const TargetGroupDirectory* target_groups() const { return target_groups_; }

 private:
  void run_scheduled(const std::string& account, const std::string& region, const std::string& key, double due);
  void act_target_tracking(const AlarmInvocation& call, AutoScalingState& state, ScalingPolicy& policy,
                           ScalableTarget& target);
  void act_step(const AlarmInvocation& call, AutoScalingState& state, ScalingPolicy& policy, ScalableTarget& target);

  std::shared_ptr<IdSource> ids_;
  std::function<Clock::time_point()> clock_;
  AutoScalingStore store_;
  OperationTable table_;
  Timers* timers_ = nullptr;
  DesiredCount* desired_ = nullptr;
  ManagedAlarms* alarms_ = nullptr;
  const TargetGroupDirectory* target_groups_ = nullptr;
};

void register_target_operations(AutoScalingProvider& provider, OperationTable& table);
void register_policy_operations(AutoScalingProvider& provider, OperationTable& table);
void register_scheduled_operations(AutoScalingProvider& provider, OperationTable& table);

// "service/<cluster>/<service>" → {cluster, service}; nullopt when it is not that form.
std::optional<std::pair<std::string, std::string>> split_resource_id(const std::string& resource_id);
// ObjectNotFoundException's text for an unregistered target.
std::string no_target_message(const std::string& resource_id);

}  // namespace ecslocal::api::autoscaling
