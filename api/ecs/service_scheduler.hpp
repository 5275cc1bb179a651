#pragma once
// The service scheduler: level-triggered reconciliation of one service at a given time. It is run
// after every runtime event that touches a task of the service (edge), after CreateService /
// UpdateService / DeleteService, and by the provider's slow tick (level), so a missed event
// delays convergence and never breaks it. Pure with respect to time: `now` is passed in.
//
// One pass:
//   0. load balancers (spec elb §5.2): DEACTIVATING tasks whose deregistration delay is over go
//      on to STOPPING; tasks that reached RUNNING get their "registered ... targets" events;
//   1. counts tasks that failed since the last pass (failures, back-off, circuit breaker);
//   2. stops tasks whose container health checks failed, and (after healthCheckGracePeriodSeconds
//      from their start) tasks whose target is `unhealthy` in one of the service's target groups;
//   3. trips the circuit breaker (FAILED, optional rollback to the last completed template);
//   4. DRAINING services stop everything and become INACTIVE once no task is left;
//   5. scales the PRIMARY deployment to desiredCount and drains older deployments within
//      maximumPercent (floor) and minimumHealthyPercent (ceil); with load balancers a task counts
//      as healthy only while its targets are `healthy` in every target group of the service;
//   6. completes the rollout (drained older deployments leave the array with it), records
//      steady state.
#include <chrono>
#include <optional>
#include <string>

#include "api/common/ids.hpp"
#include "api/ecs/service_model.hpp"
#include "api/ecs/state.hpp"

namespace ecslocal::api::ecs {

class EcsProvider;

struct SchedulerSettings {
  // Circuit breaker threshold = clamp(ceil(desired / 2), breaker_minimum, 200).
  int breaker_minimum = 3;
  // How long a RUNNING task without container health checks must have run before it counts as
  // healthy (AWS waits 40 s; the emulator defaults to 3 s: long enough that a task exiting at once
  // neither lets an older deployment's tasks go nor escapes the circuit breaker, short enough for
  // quick deployments).
  Clock::duration healthy_after = std::chrono::seconds(3);
  // Back-off after repeated start failures: none for the first kBackoffFreeFailures, then
  // doubling from backoff_base up to backoff_max.
  Clock::duration backoff_base = std::chrono::seconds(2);
  Clock::duration backoff_max = std::chrono::seconds(60);
};

constexpr int kBackoffFreeFailures = 3;

void reconcile_service(EcsProvider& provider, EcsState& state, EcsService& service, Clock::time_point now);

// Circuit breaker threshold for a desired count.
int circuit_breaker_threshold(int desired_count, int minimum);

// Rolling-update bounds for a desired count: at most `maximum` tasks (RUNNING + PENDING), at least
// `minimum_healthy` healthy ones.
struct DeploymentBounds {
  int maximum = 0, minimum_healthy = 0;
};
DeploymentBounds deployment_bounds(int desired_count, const DeploymentSettings& settings);

// "ecs-svc/" followed by 19 digits.
std::string new_deployment_id(IdSource& ids);

// A new PRIMARY deployment of `spec` at `now` (older ones become ACTIVE, desiredCount 0). The
// service's template becomes `spec`.
Deployment& start_deployment(EcsProvider& provider, EcsService& service, DeploymentTemplate spec, Clock::time_point now);

// The loadBalancers a task of the deployment was started with (ECS task sets carry their own):
// the deployment's, or the service's when the deployment is gone or recorded none.
const Json& task_load_balancers(const EcsService& service, const std::string& deployment_id);

// How long a stopped RUNNING task of `service` stays DEACTIVATING (spec elb §5.2): the longest
// deregistration delay of its deployment's target groups; none without load balancers, without
// ELBv2, or when none of its target groups exists any more.
std::optional<Clock::duration> deactivation_delay(const EcsProvider& provider, const EcsService& service, const Task& task);

// Stops a task of `service` (the scheduler's stops, StopTask): a RUNNING task of a load-balanced
// service goes DEACTIVATING for the deregistration delay while its targets drain (the next
// scheduler pass after the delay hands it to the runtime), any other stops at once.
void stop_service_task(EcsProvider& provider, EcsState& state, const EcsService& service, Task& task, StopCode code,
                       const std::string& reason, Clock::time_point now);

// Adds an event (newest first, at most kMaxServiceEvents kept).
void add_service_event(EcsProvider& provider, EcsService& service, const std::string& message, Clock::time_point now);

}  // namespace ecslocal::api::ecs
