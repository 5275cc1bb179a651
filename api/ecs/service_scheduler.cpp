#include "api/ecs/service_scheduler.hpp"

#include <algorithm>

#include "api/ecs/provider.hpp"
#include "api/ecs/service_events.hpp"
#include "api/ecs/task_factory.hpp"
#include "api/ecs/task_lifecycle.hpp"
#include "api/ecs/task_service.hpp"
#include "api/ecs/task_validation.hpp"
#include "api/ports/target_groups.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr int kMaxBreakerThreshold = 200;
constexpr const char* kUnhealthyReason = "Task failed container health checks";

bool live(const Task& t) { return !t.stopped() && t.desired_status == DesiredStatus::Running; }

// Never reached RUNNING: could not start, or its essential container exited before the task ran.
// Only these feed the back-off (tasks stopped after they ran are simply replaced).
bool never_ran(const Task& t) {
  return t.stop_code == StopCode::TaskFailedToStart || (t.stop_code == StopCode::EssentialContainerExited && !t.started_at);
}

bool has_health_checks(const Task& t) {
  return std::any_of(t.containers.begin(), t.containers.end(),
                     [](const Container& c) { return c.essential && c.has_health_check; });
}

// The tasks of one service and their deployments, gathered once per pass.
struct ServiceTasks {
  std::map<std::string, std::vector<Task*>> by_deployment;  // deployment id → tasks, creation order
  std::vector<Task*>& of(const Deployment& d) { return by_deployment[d.id]; }
};

// A service's `loadBalancers` entry that names a target group (ALB/NLB).
struct TargetGroupRef {
  std::string arn;
  int container_port = 0;
};

std::vector<TargetGroupRef> target_group_refs(const Json& load_balancers) {
  std::vector<TargetGroupRef> out;
  if (!load_balancers.is_array()) return out;
  for (const auto& lb : load_balancers)
    if (lb.is_object() && lb.contains("targetGroupArn") && lb["targetGroupArn"].is_string())
      out.push_back({lb["targetGroupArn"].get<std::string>(), lb.value("containerPort", 0)});
  return out;
}

// Counts per target group, in the order the groups were first met (the order of the events).
struct CountsByGroup {
  std::vector<std::pair<std::string, size_t>> counts;
  size_t& operator[](const std::string& arn) {
    for (auto& [a, n] : counts)
      if (a == arn) return n;
    return counts.emplace_back(arn, 0).second;
  }
};

ServiceTasks gather(EcsState& state, const EcsService& service) {
  ServiceTasks out;

  for (Task* t : state.tasks.all())
    if (t->cluster_name == service.cluster_name && t->service_name == service.name) out.by_deployment[t->started_by].push_back(t);
  return out;
}

class Pass {
 public:
  Pass(EcsProvider& provider, EcsState& state, EcsService& service, Clock::time_point now)
      : provider_(provider),
        state_(state),
        s_(service),
        now_(now),
        tasks_(gather(state, service)),
        directory_(provider.target_groups()),
        target_groups_(directory_ ? target_group_refs(service.load_balancers) : std::vector<TargetGroupRef>{}) {
    if (!directory_) return;
    for (const auto& d : service.deployments) by_deployment_[d.id] = target_group_refs(task_load_balancers(service, d.id));
  }

  void run() {
    end_deactivations();
    note_registrations();
    for (auto& d : s_.deployments) {
      account_stopped(d);
      note_proven(d);
    }
    stop_unhealthy();
    stop_elb_unhealthy();
    trip_circuit_breaker();
    if (s_.status == ServiceStatus::Draining) {
      drain();
    } else if (s_.status == ServiceStatus::Active) {
      scale();
    }
    report_deregistrations();
    end_deactivations();  // a deregistration delay of 0
    refresh_counts();
    drop_drained_deployments();
    complete_rollout();
    record_steady_state();
  }

 private:
  // ---- load balancers (spec elb §5.2-5.3) ----
  // Target groups of the task's deployment (ECS's task set): the service's when the deployment
  // left the array or has none recorded.
  const std::vector<TargetGroupRef>& groups_of(const Task& t) const {
    auto it = by_deployment_.find(t.started_by);
    return it == by_deployment_.end() ? target_groups_ : it->second;
  }
  bool load_balanced(const Task& t) const { return !groups_of(t).empty(); }

  std::string task_ip(const Task& t) const {
    const vpc::NetworkInterface* eni = provider_.eni_of(t);
    return eni ? eni->private_ipv4 : std::string();
  }

  std::optional<TargetHealthInfo> target_health(const Task& t, const TargetGroupRef& g) const {
    const std::string ip = task_ip(t);
    if (ip.empty()) return std::nullopt;
    return directory_->target_health(s_.account_id, s_.region, g.arn, ip, g.container_port);
  }

  // Every target of the task is `healthy` in each of the service's target groups.
  bool targets_healthy(const Task& t) const {
    const auto& groups = groups_of(t);
    return std::all_of(groups.begin(), groups.end(), [&](const TargetGroupRef& g) {
      const auto h = target_health(t, g);
      return h && h->state == "healthy";
    });
  }

  std::vector<Task*> all_tasks() {
    std::vector<Task*> out;
    for (auto& [id, list] : tasks_.by_deployment) out.insert(out.end(), list.begin(), list.end());
    return out;
  }

  // DEACTIVATING tasks whose delay is over go on to STOPPING (the runtime stops them).
  void end_deactivations() {
    for (Task* t : all_tasks())
      if (t->deactivating_until && *t->deactivating_until <= now_) settle_task(provider_, state_, *t, end_deactivation(*t));
  }

  // ELBv2 registered a RUNNING task's targets (when the task reached RUNNING): the events, one
  // per target group.
  void note_registrations() {
    CountsByGroup registered;  // target group → targets, in the service's order
    for (Task* t : all_tasks()) {
      if (t->targets_registered || t->last_status != TaskStatus::Running || !live(*t) || !load_balanced(*t)) continue;
      t->targets_registered = true;
      for (const auto& g : groups_of(*t)) {
        const auto h = target_health(*t, g);
        if (h && h->reason != "Target.NotRegistered") ++registered[g.arn];  // in the group (in use by a listener or not)
      }
    }
    for (const auto& [arn, n] : registered.counts)
      if (n > 0) add_service_event(provider_, s_, msg::registered_targets(s_.name, n, arn), now_);
  }

  // Tasks that entered DEACTIVATING since the last report (the scheduler's stops and StopTask's):
  // deregistered from every target group, draining, per deployment (ECS's task set).
  void report_deregistrations() {
    CountsByGroup by_group;
    std::map<std::string, size_t> by_task_set;
    for (Task* t : all_tasks()) {
      if (!t->targets_registered || t->last_status == TaskStatus::Running) continue;
      t->targets_registered = false;
      if (t->last_status != TaskStatus::Deactivating) continue;  // died on its own: nothing drains
      ++by_task_set[t->started_by];
      for (const auto& g : groups_of(*t)) ++by_group[g.arn];
    }
    for (const auto& [arn, n] : by_group.counts) add_service_event(provider_, s_, msg::deregistered_targets(s_.name, n, arn), now_);
    for (const auto& [task_set, n] : by_task_set) add_service_event(provider_, s_, msg::draining_connections(s_.name, task_set, n), now_);
  }

  // After the grace period from its start, a task whose target is unhealthy in one of the
  // service's target groups is replaced.
  void stop_elb_unhealthy() {
    const auto grace = std::chrono::seconds(s_.health_check_grace_period.value_or(0));
    bool any = false;
    for (auto& d : s_.deployments)
      for (Task* t : tasks_.of(d)) {
        if (!live(*t) || t->last_status != TaskStatus::Running || !t->started_at || *t->started_at + grace > now_) continue;
        for (const auto& g : groups_of(*t)) {
          const auto h = target_health(*t, g);
          if (!h || h->state != "unhealthy") continue;
          add_service_event(provider_, s_, msg::unhealthy_target(s_.name, t->id, g.container_port, g.arn, h->description), now_);
          stop(*t, msg::elb_unhealthy_reason(g.arn));
          if (d.rollout == RolloutState::InProgress && !d.proven) ++d.failed_tasks;
          ++replaced_unhealthy_;
          any = true;
          break;
        }
      }
    if (!any) return;
    report_stops();
  }

  // A task of the deployment that proved healthy ends the failure streak: the back-off resets,
  // and failedTasks resets and stops counting (the breaker then never trips for it). Only a
  // rollout in progress can be proven: a FAILED deployment keeps the failedTasks that tripped
  // the breaker, even when one of its tasks still runs once it is no longer PRIMARY.
  void note_proven(Deployment& d) {
    for (Task* t : tasks_.of(d)) {
      if (!healthy(*t, d)) continue;
      d.consecutive_failures = 0;
      d.next_launch_at.reset();
      if (!d.proven && d.rollout == RolloutState::InProgress) {
        d.proven = true;
        d.failed_tasks = 0;
      }
      return;
    }
  }

  // Stopped on its own before it proved itself: it never ran, or it ran for less than it takes to
  // count as healthy (a container exiting at once does reach RUNNING here).
  bool failed_before_proven(const Task& t) const {
    if (never_ran(t)) return true;
    if (t.stop_code != StopCode::EssentialContainerExited) return false;
    if (has_health_checks(t)) return t.health != HealthStatus::Healthy;
    const Clock::time_point end = t.stopping_at.value_or(t.execution_stopped_at.value_or(now_));
    return end - *t.started_at < provider_.scheduler().healthy_after;
  }

  // Failures count as soon as the task is on its way out (desired STOPPED), so no replacement
  // is launched before they are accounted for: failedTasks (and the circuit breaker) while the
  // deployment rolls out, the back-off for tasks that never ran.
  void account_stopped(Deployment& d) {
    for (Task* t : tasks_.of(d)) {
      if (t->desired_status != DesiredStatus::Stopped) continue;
      const bool breaker_failure = d.rollout == RolloutState::InProgress && !d.proven && failed_before_proven(*t);
      const bool backoff_failure = never_ran(*t);
      if ((!breaker_failure && !backoff_failure) || t->failure_counted) continue;
      t->failure_counted = true;
      d.updated_at = now_;
      if (breaker_failure) ++d.failed_tasks;
      if (!backoff_failure) continue;
      ++d.consecutive_failures;
      if (d.consecutive_failures >= kBackoffFreeFailures) {
        const int steps = std::min(d.consecutive_failures - kBackoffFreeFailures, 10);
        const auto delay = std::min(provider_.scheduler().backoff_base * (1 << steps), provider_.scheduler().backoff_max);
        d.next_launch_at = now_ + delay;
        note_once(msg::unable_to_start_consistently(s_.name));
      }
    }
  }

  void stop_unhealthy() {
    for (auto& d : s_.deployments)
      for (Task* t : tasks_.of(d)) {
        if (!live(*t) || t->health != HealthStatus::Unhealthy) continue;
        add_service_event(provider_, s_, msg::failed_health_checks(s_.name, t->id), now_);
        stop(*t, kUnhealthyReason);
        if (d.rollout == RolloutState::InProgress && !d.proven) ++d.failed_tasks;
        ++replaced_unhealthy_;
      }
  }

  void trip_circuit_breaker() {
    Deployment* p = s_.primary();
    if (!p || !s_.active() || p->rollout != RolloutState::InProgress || !s_.deployment_settings.circuit_breaker) return;
    if (p->failed_tasks < circuit_breaker_threshold(s_.desired_count, provider_.scheduler().breaker_minimum)) return;
    p->rollout = RolloutState::Failed;
    p->rollout_reason = msg::kBreakerReason;
    p->updated_at = now_;
    add_service_event(provider_, s_, msg::deployment_failed(s_.name, p->id), now_);
    // A rollback that fails too stays FAILED: no rolling back again (that would loop).
    if (!s_.deployment_settings.rollback || p->rollback) return;
    // Back to the last completed deployment's template or, when none completed yet, to the one
    // the failed deployment replaced (unless that one failed too). A new PRIMARY deployment; the
    // failed one drains.
    std::optional<DeploymentTemplate> target = s_.last_completed;
    std::string target_id = s_.last_completed_id;
    if (!target && s_.deployments.size() > 1 && s_.deployments[1].rollout != RolloutState::Failed) {
      target = s_.deployments[1].spec;
      target_id = s_.deployments[1].id;
    }
    if (!target) return;
    add_service_event(provider_, s_, msg::rolling_back(s_.name, target_id), now_);
    Deployment& rollback = start_deployment(provider_, s_, *target, now_);
    rollback.rollback = true;
    if (directory_) by_deployment_[rollback.id] = target_group_refs(task_load_balancers(s_, rollback.id));
    tasks_ = gather(state_, s_);
  }

  void drain() {
    for (auto& d : s_.deployments)
      for (Task* t : tasks_.of(d))
        if (live(*t)) stop(*t, msg::scaling_reason(s_.primary() ? s_.primary()->id : d.id));
    report_stops();
    bool any_left = false;
    for (auto& d : s_.deployments)
      for (Task* t : tasks_.of(d)) any_left = any_left || !t->stopped();
    if (any_left) return;
    s_.status = ServiceStatus::Inactive;
    s_.inactive_at = now_;
    if (Cluster* c = state_.clusters.find(s_.cluster_name)) c->usage.add_service(ServiceBucket::Draining, s_.capacity_kind, -1);
  }

  // Healthy for the minimum: RUNNING and not UNHEALTHY. A task of the PRIMARY deployment must
  // also prove itself: HEALTHY when it has container health checks, else RUNNING for
  // `healthy_after`. Tasks of older deployments are the incumbents: RUNNING is enough.
  // A task of a load-balanced service is healthy only while its targets are healthy in every
  // target group (also an incumbent's: ECS counts only those toward the minimum).
  bool healthy(const Task& t, const Deployment& d) const {
    if (t.last_status != TaskStatus::Running || !live(t) || t.health == HealthStatus::Unhealthy) return false;
    if (load_balanced(t)) {
      if (!targets_healthy(t)) return false;
      return d.status != DeploymentStatus::Primary || !has_health_checks(t) || t.health == HealthStatus::Healthy;
    }
    if (d.status != DeploymentStatus::Primary) return true;
    if (has_health_checks(t)) return t.health == HealthStatus::Healthy;
    return !t.started_at || *t.started_at + provider_.scheduler().healthy_after <= now_;
  }

  void scale() {
    Deployment* p = s_.primary();
    if (!p) return;
    const DeploymentBounds bounds = deployment_bounds(s_.desired_count, s_.deployment_settings);
    std::vector<Task*> primary_live = live_tasks(*p);
    // Scale in: pending tasks first, then the newest.
    if (static_cast<int>(primary_live.size()) > s_.desired_count) {
      std::stable_sort(primary_live.begin(), primary_live.end(), [](const Task* a, const Task* b) {
        const bool ap = a->last_status != TaskStatus::Running, bp = b->last_status != TaskStatus::Running;
        return ap != bp ? ap : a->sequence > b->sequence;
      });
      const size_t excess = primary_live.size() - static_cast<size_t>(s_.desired_count);
      for (size_t i = 0; i < excess; ++i) stop(*primary_live[i], msg::scaling_reason(p->id));
    }
    const bool only_primary = s_.deployments.size() == 1;
    const int maximum = only_primary ? std::max(bounds.maximum, s_.desired_count) : bounds.maximum;
    int total = 0, healthy_total = 0;
    for (auto& d : s_.deployments)
      for (Task* t : tasks_.of(d)) {
        if (!live(*t)) continue;
        ++total;
        if (healthy(*t, d)) ++healthy_total;
      }
    // Start what the primary lacks, within the maximum.
    const int lacking = s_.desired_count - static_cast<int>(live_tasks(*p).size());
    const int room = maximum - total;
    int started = 0;
    const bool may_launch = p->rollout != RolloutState::Failed && (!p->next_launch_at || *p->next_launch_at <= now_);
    if (lacking > 0 && room > 0 && may_launch) started = launch(*p, std::min(lacking, room));
    // Drain older deployments: tasks that are not healthy go at once, healthy ones while the
    // healthy count stays at or above the minimum.
    int stopped = 0;
    for (auto it = s_.deployments.rbegin(); it != s_.deployments.rend(); ++it) {
      if (it->status == DeploymentStatus::Primary) continue;
      for (Task* t : live_tasks(*it)) {
        if (!healthy(*t, *it)) {
          stop(*t, msg::scaling_reason(p->id));
          ++stopped;
        } else if (healthy_total - 1 >= bounds.minimum_healthy) {
          stop(*t, msg::scaling_reason(p->id));
          --healthy_total;
          ++stopped;
        }
      }
    }
    report_stops();
    const bool old_left = std::any_of(s_.deployments.begin() + 1, s_.deployments.end(),
                                      [&](const Deployment& d) { return !live_tasks(d).empty(); });
    const std::vector<Task*> primary_now = live_tasks(*p);
    const bool primary_settling = std::any_of(primary_now.begin(), primary_now.end(), [&](const Task* t) { return !healthy(*t, *p); });
    if (old_left && may_launch && started == 0 && stopped == 0 && !primary_settling && lacking > 0)
      note_once(msg::deployment_blocked(s_.name));
  }

  std::vector<Task*> live_tasks(const Deployment& d) {
    std::vector<Task*> out;
    for (Task* t : tasks_.of(d))
      if (live(*t)) out.push_back(t);
    return out;
  }

  int launch(Deployment& d, int count) {
    Cluster* cluster = state_.clusters.find(s_.cluster_name);
    const TaskDefinition* td = state_.task_definitions.resolve(d.spec.task_definition_arn);
    if (!cluster || !cluster->active() || !td) return 0;
    RunTaskInput in = task_input(d, *td);
    RequestContext ctx;
    ctx.account_id = s_.account_id;
    ctx.region = s_.region;
    ctx.now = now_;
    std::vector<TaskPlacement> placements;
    try {
      placements = place_tasks(*cluster, in, *td, count);
      validate_and_complete_overrides(in, *td);
    } catch (const AwsError& e) {
      note_once(msg::unable_to_place(s_.name, e.what()));
      return 0;
    }
    std::vector<Tag> tags = run_task_tags(state_, in, *td, *cluster);
    if (s_.enable_ecs_managed_tags) tags.push_back({"aws:ecs:serviceName", s_.name});
    auto [created, failures] = create_tasks(provider_, state_, ctx, *cluster, *td, in, placements, tags);
    for (const auto& f : failures) note_once(msg::unable_to_place(s_.name, f.detail));
    if (created.empty()) return 0;
    std::vector<std::string> ids;
    for (Task* t : created) ids.push_back(t->id);
    add_service_event(provider_, s_, msg::started_tasks(s_.name, ids, std::min(replaced_unhealthy_, static_cast<int>(ids.size()))), now_);
    replaced_unhealthy_ = 0;
    d.updated_at = now_;
    for (Task* t : created) {
      tasks_.of(d).push_back(t);
      launch_task(provider_, state_, *t, *td, now_);
    }
    return static_cast<int>(created.size());
  }

  RunTaskInput task_input(const Deployment& d, const TaskDefinition& td) const {
    RunTaskInput in;
    in.task_definition = td.arn;
    in.launch_type = d.spec.launch_type;
    if (!d.spec.capacity_provider_strategy.empty()) in.capacity_provider_strategy = d.spec.capacity_provider_strategy;
    in.platform_version = d.spec.platform_version;
    in.network_configuration_given = d.spec.awsvpc.has_value();
    in.awsvpc = d.spec.awsvpc;
    in.group = s_.group();
    in.service_name = s_.name;
    in.started_by = d.id;
    in.enable_execute_command = s_.enable_execute_command;
    // Tags as RunTask makes them: the definition's (TASK_DEFINITION) or the service's (SERVICE,
    // given as the request's tags), then the managed aws:ecs:clusterName.
    in.propagate_tags = s_.propagate_tags;
    if (s_.propagate_tags == "SERVICE") in.tags = state_.tags.get(s_.arn);
    in.enable_ecs_managed_tags = s_.enable_ecs_managed_tags;
    return in;
  }

  void stop(Task& t, const std::string& reason) {
    const bool was_running = t.last_status == TaskStatus::Running;
    stop_service_task(provider_, state_, s_, t, StopCode::ServiceSchedulerInitiated, reason, now_);
    (was_running ? stopped_running_ : stopped_pending_).push_back(t.id);
  }

  void report_stops() {
    if (!stopped_running_.empty()) add_service_event(provider_, s_, msg::stopped_running(s_.name, stopped_running_), now_);
    if (!stopped_pending_.empty()) add_service_event(provider_, s_, msg::stopped_pending(s_.name, stopped_pending_.size()), now_);
    stopped_running_.clear();
    stopped_pending_.clear();
    report_deregistrations();
  }

  void refresh_counts() {
    for (auto& d : s_.deployments) {
      // As ECS counts them: RUNNING tasks until they leave RUNNING (a task being stopped still
      // counts), and tasks that have not run yet and are still wanted.
      int running = 0, pending = 0;
      for (Task* t : tasks_.of(d)) {
        if (t->last_status == TaskStatus::Running) ++running;
        else if (live(*t) && t->last_status < TaskStatus::Running) ++pending;
      }
      if (running != d.running_count || pending != d.pending_count) d.updated_at = now_;
      d.running_count = running;
      d.pending_count = pending;
      d.desired_count = d.status == DeploymentStatus::Primary ? s_.desired_count : 0;
    }
  }

  // An older deployment leaves the array once none of its tasks is left un-STOPPED (tasks still
  // DEACTIVATING do not hold it: their targets only drain, as ECS reports steady state then).
  bool drained(const Deployment& d) {
    if (d.status == DeploymentStatus::Primary) return false;
    const auto& list = tasks_.of(d);
    return std::all_of(list.begin(), list.end(), [](const Task* t) {
      return t->stopped() || (t->desired_status == DesiredStatus::Stopped && t->last_status == TaskStatus::Deactivating);
    });
  }

  // Older deployments leave the array once none of their tasks is left un-STOPPED: when the
  // PRIMARY deployment completes (complete_rollout takes them along), or at once when it is not
  // rolling out (COMPLETED, or FAILED without rollback).
  void drop_drained_deployments() {
    const Deployment* p = s_.primary();
    if (s_.status != ServiceStatus::Active || !p || p->rollout == RolloutState::InProgress) return;
    s_.deployments.erase(std::remove_if(s_.deployments.begin(), s_.deployments.end(), [&](const Deployment& d) { return drained(d); }),
                         s_.deployments.end());
  }

  void complete_rollout() {
    Deployment* p = s_.primary();
    if (!p || p->rollout != RolloutState::InProgress || s_.status != ServiceStatus::Active) return;
    if (p->running_count != s_.desired_count || p->pending_count != 0) return;
    if (!std::all_of(s_.deployments.begin() + 1, s_.deployments.end(), [&](const Deployment& d) { return drained(d); })) return;
    const auto& list = tasks_.of(*p);
    if (!std::all_of(list.begin(), list.end(), [&](const Task* t) { return !live(*t) || healthy(*t, *p); })) return;
    s_.deployments.erase(s_.deployments.begin() + 1, s_.deployments.end());  // `p` stays valid: the front
    p->rollout = RolloutState::Completed;
    p->rollout_reason = msg::completed_reason(p->id);
    p->updated_at = now_;
    p->consecutive_failures = 0;
    p->next_launch_at.reset();
    s_.last_completed = p->spec;
    s_.last_completed_id = p->id;
    add_service_event(provider_, s_, msg::deployment_completed(s_.name, p->id), now_);
  }

  void record_steady_state() {
    const Deployment* p = s_.primary();
    const bool steady = s_.status == ServiceStatus::Active && p && s_.deployments.size() == 1 &&
                        p->rollout != RolloutState::InProgress && p->running_count == s_.desired_count &&
                        p->pending_count == 0;
    if (steady && !s_.steady) {
      add_service_event(provider_, s_, msg::steady_state(s_.name), now_);
      s_.suppressed_messages.clear();
    }
    s_.steady = steady;
  }

  // Messages about a lasting condition are recorded once until the service is steady again.
  void note_once(const std::string& message) {
    if (s_.suppressed_messages.insert(message).second) add_service_event(provider_, s_, message, now_);
  }

  EcsProvider& provider_;
  EcsState& state_;
  EcsService& s_;
  Clock::time_point now_;
  ServiceTasks tasks_;
  TargetGroupDirectory* directory_;
  std::vector<TargetGroupRef> target_groups_;  // the service's; empty without load balancers or without ELBv2
  std::map<std::string, std::vector<TargetGroupRef>> by_deployment_;  // deployment id → its target groups
  int replaced_unhealthy_ = 0;
  std::vector<std::string> stopped_running_, stopped_pending_;
};

}  // namespace

int circuit_breaker_threshold(int desired_count, int minimum) {
  const int half = (desired_count + 1) / 2;
  return std::clamp(half, minimum, std::max(minimum, kMaxBreakerThreshold));
}

DeploymentBounds deployment_bounds(int desired_count, const DeploymentSettings& settings) {
  const long long desired = desired_count;
  DeploymentBounds b;
  b.maximum = static_cast<int>(desired * settings.maximum_percent / 100);
  b.minimum_healthy = static_cast<int>((desired * settings.minimum_healthy_percent + 99) / 100);
  return b;
}

std::string new_deployment_id(IdSource& ids) {
  const std::string hex = ids.hex(19);
  std::string digits = "ecs-svc/";
  for (size_t i = 0; i < hex.size(); ++i) {
    const int v = std::stoi(hex.substr(i, 1), nullptr, 16) % 10;
    digits += static_cast<char>('0' + (i == 0 && v == 0 ? 1 : v));
  }
  return digits;
}

Deployment& start_deployment(EcsProvider& provider, EcsService& service, DeploymentTemplate spec, Clock::time_point now) {
  for (auto& d : service.deployments) {
    d.status = DeploymentStatus::Active;
    d.desired_count = 0;
    d.updated_at = now;
  }
  Deployment d;
  d.id = new_deployment_id(provider.ids());
  d.status = DeploymentStatus::Primary;
  d.platform_version_resolved = resolve_platform_version(spec.platform_version);
  d.spec = std::move(spec);
  d.desired_count = service.desired_count;
  d.rollout = RolloutState::InProgress;
  d.rollout_reason = msg::in_progress_reason(d.id);
  d.created_at = d.updated_at = now;
  service.spec = d.spec;
  service.deployments.insert(service.deployments.begin(), std::move(d));
  service.steady = false;
  service.suppressed_messages.clear();
  return service.deployments.front();
}

void add_service_event(EcsProvider& provider, EcsService& service, const std::string& message, Clock::time_point now) {
  service.events.push_front({provider.ids().uuid(), now, message});
  while (service.events.size() > kMaxServiceEvents) service.events.pop_back();
}

const Json& task_load_balancers(const EcsService& service, const std::string& deployment_id) {
  const Deployment* d = service.find_deployment(deployment_id);
  return d && d->spec.load_balancers.is_array() ? d->spec.load_balancers : service.load_balancers;
}

std::optional<Clock::duration> deactivation_delay(const EcsProvider& provider, const EcsService& service, const Task& task) {
  const TargetGroupDirectory* directory = provider.target_groups();
  if (!directory) return std::nullopt;
  std::optional<Clock::duration> out;
  for (const auto& g : target_group_refs(task_load_balancers(service, task.started_by)))
    if (auto info = directory->find_target_group(service.account_id, service.region, g.arn))
      out = std::max(out.value_or(Clock::duration::zero()), std::chrono::duration_cast<Clock::duration>(info->deregistration_delay));
  return out;
}

void stop_service_task(EcsProvider& provider, EcsState& state, const EcsService& service, Task& task, StopCode code,
                       const std::string& reason, Clock::time_point now) {
  const auto delay = task.last_status == TaskStatus::Running ? deactivation_delay(provider, service, task) : std::nullopt;
  if (delay)
    settle_task(provider, state, task, request_deactivation(task, code, reason, now, now + *delay));
  else
    settle_task(provider, state, task, request_stop(task, code, reason, now));
}

void reconcile_service(EcsProvider& provider, EcsState& state, EcsService& service, Clock::time_point now) {
  if (service.status == ServiceStatus::Inactive) return;
  Pass(provider, state, service, now).run();
}

}  // namespace ecslocal::api::ecs
