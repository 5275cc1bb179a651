// The task state machine as a table: every transition, monotonicity, essential exits, failures
// to start and health aggregation. Pure: no gateway, no runtime.
#include <gtest/gtest.h>

#include "api/ecs/task_lifecycle.hpp"
#include "tests/fakes/fake_task_runtime.hpp"

namespace ecslocal::api::ecs {
namespace {

using Kind = runtime::TaskEvent::Kind;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 365 * 50);
const std::string kKey = "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef";

Container container(const std::string& name, bool essential, bool health_check = false) {
  Container c;
  c.name = name;
  c.essential = essential;
  c.has_health_check = health_check;
  return c;
}

// PROVISIONING, app (essential, health check) + sidecar (non-essential), ENI PRECREATED.
Task new_task() {
  Task t;
  t.arn = kKey;
  t.created_at = kT0;
  t.attachment = NetworkAttachment{};
  t.containers = {container("app", true, true), container("sidecar", false)};
  return t;
}

runtime::TaskEvent ev(Kind kind, const std::string& container = "", int at_s = 1) {
  return testing::event(kind, kKey, container, kT0 + seconds(at_s));
}

runtime::TaskEvent stopped(const std::string& container, int exit_code, int at_s, const std::string& reason = "") {
  auto e = ev(Kind::ContainerStopped, container, at_s);
  e.exit_code = exit_code;
  e.reason = reason;
  return e;
}

runtime::TaskEvent health(const std::string& container, const std::string& status, int at_s) {
  auto e = ev(Kind::ContainerHealth, container, at_s);
  e.health = status;
  return e;
}

// Brings a task to RUNNING: network, pulls, both containers started.
void run(Task& t) {
  auto net = ev(Kind::NetworkReady, "", 1);
  net.mac_address = "02:42:ac:1f:00:04";
  apply_task_event(t, net);
  apply_task_event(t, ev(Kind::PullStarted, "", 2));
  apply_task_event(t, ev(Kind::PullStopped, "", 3));
  auto started = ev(Kind::ContainerStarted, "app", 4);
  started.runtime_id = "abc123";
  started.image_digest = "sha256:feed";
  apply_task_event(t, started);
  apply_task_event(t, ev(Kind::ContainerStarted, "sidecar", 5));
}

TEST(TaskLifecycle, NetworkReadyMovesProvisioningToPendingAndAttachesTheEni) {
  Task t = new_task();
  auto net = ev(Kind::NetworkReady, "", 1);
  net.mac_address = "02:42:ac:1f:00:04";
  auto out = apply_task_event(t, net);
  EXPECT_TRUE(out.changed);
  EXPECT_FALSE(out.stop_runtime);
  EXPECT_EQ(t.last_status, TaskStatus::Pending);
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.attachment->status, AttachmentStatus::Attached);  // the MAC is the VPC state's: task_ops_test
  EXPECT_TRUE(t.connected);
  EXPECT_EQ(t.connectivity_at, kT0 + seconds(1));
}

TEST(TaskLifecycle, PullsSetTimestampsWithoutANewVersion) {
  Task t = new_task();
  apply_task_event(t, ev(Kind::NetworkReady));
  const long long version = t.version;
  EXPECT_FALSE(apply_task_event(t, ev(Kind::PullStarted, "", 2)).changed);
  EXPECT_FALSE(apply_task_event(t, ev(Kind::PullStopped, "", 3)).changed);
  EXPECT_EQ(t.pull_started_at, kT0 + seconds(2));
  EXPECT_EQ(t.pull_stopped_at, kT0 + seconds(3));
  EXPECT_EQ(t.version, version);
  apply_task_event(t, ev(Kind::PullStarted, "", 9));  // set once
  EXPECT_EQ(t.pull_started_at, kT0 + seconds(2));
}

TEST(TaskLifecycle, RunningOnceEveryContainerStarted) {
  Task t = new_task();
  apply_task_event(t, ev(Kind::NetworkReady));
  apply_task_event(t, ev(Kind::ContainerStarted, "app", 4));
  EXPECT_EQ(t.last_status, TaskStatus::Pending);
  EXPECT_EQ(t.find_container("app")->status, ContainerStatus::Running);
  EXPECT_FALSE(t.started_at);
  auto out = apply_task_event(t, ev(Kind::ContainerStarted, "sidecar", 5));
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(t.last_status, TaskStatus::Running);
  EXPECT_EQ(t.started_at, kT0 + seconds(5));
  EXPECT_EQ(usage_bucket(t), TaskBucket::Running);
}

TEST(TaskLifecycle, ContainerStartedRecordsRuntimeIdAndDigest) {
  Task t = new_task();
  run(t);
  EXPECT_EQ(t.find_container("app")->runtime_id, "abc123");
  EXPECT_EQ(t.find_container("app")->image_digest, "sha256:feed");
}

TEST(TaskLifecycle, ANonEssentialContainerThatAlreadyExitedDoesNotHoldBackRunning) {
  Task t = new_task();
  apply_task_event(t, ev(Kind::NetworkReady));
  apply_task_event(t, ev(Kind::ContainerStarted, "sidecar", 2));
  apply_task_event(t, stopped("sidecar", 0, 3));  // an init container
  EXPECT_EQ(t.desired_status, DesiredStatus::Running);
  EXPECT_EQ(t.last_status, TaskStatus::Pending);
  apply_task_event(t, ev(Kind::ContainerStarted, "app", 4));
  EXPECT_EQ(t.last_status, TaskStatus::Running);
  EXPECT_EQ(t.find_container("sidecar")->exit_code, 0);
}

TEST(TaskLifecycle, NonEssentialExitChangesNothingAtTaskLevel) {
  Task t = new_task();
  run(t);
  auto out = apply_task_event(t, stopped("sidecar", 1, 10));
  EXPECT_TRUE(out.changed);
  EXPECT_FALSE(out.stop_runtime);
  EXPECT_EQ(t.desired_status, DesiredStatus::Running);
  EXPECT_EQ(t.last_status, TaskStatus::Running);
  EXPECT_EQ(t.stop_code, StopCode::None);
  EXPECT_FALSE(t.execution_stopped_at);
}

TEST(TaskLifecycle, EssentialExitStopsTheTask) {
  Task t = new_task();
  run(t);
  auto out = apply_task_event(t, stopped("app", 0, 10));
  EXPECT_TRUE(out.changed);
  EXPECT_TRUE(out.stop_runtime);
  EXPECT_FALSE(out.reached_stopped);
  EXPECT_EQ(t.desired_status, DesiredStatus::Stopped);
  EXPECT_EQ(t.stop_code, StopCode::EssentialContainerExited);
  EXPECT_EQ(t.stopped_reason, "Essential container in task exited");
  EXPECT_EQ(t.stopping_at, kT0 + seconds(10));
  EXPECT_EQ(t.execution_stopped_at, kT0 + seconds(10));
  EXPECT_EQ(t.last_status, TaskStatus::Stopping);
  EXPECT_EQ(t.find_container("app")->exit_code, 0);  // 0 still counts as exited

  // A second container stopping does not ask again, and keeps the first stop's facts.
  out = apply_task_event(t, stopped("sidecar", 143, 12));
  EXPECT_FALSE(out.stop_runtime);
  EXPECT_EQ(t.execution_stopped_at, kT0 + seconds(10));
}

TEST(TaskLifecycle, TaskStoppedFinishesTheTask) {
  Task t = new_task();
  run(t);
  apply_task_event(t, stopped("app", 137, 10, "OutOfMemoryError: Container killed due to memory usage"));
  auto out = apply_task_event(t, ev(Kind::TaskStopped, "", 15));
  EXPECT_TRUE(out.changed);
  EXPECT_TRUE(out.reached_stopped);
  EXPECT_EQ(t.last_status, TaskStatus::Stopped);
  EXPECT_EQ(t.stopped_at, kT0 + seconds(15));
  EXPECT_EQ(t.execution_stopped_at, kT0 + seconds(10));
  EXPECT_EQ(t.attachment->status, AttachmentStatus::Deleted);
  for (const auto& c : t.containers) EXPECT_EQ(c.status, ContainerStatus::Stopped) << c.name;
  EXPECT_EQ(t.find_container("app")->exit_code, 137);
  EXPECT_EQ(t.find_container("app")->reason, "OutOfMemoryError: Container killed due to memory usage");
  EXPECT_FALSE(t.find_container("sidecar")->exit_code);
  EXPECT_EQ(usage_bucket(t), std::nullopt);
}

TEST(TaskLifecycle, VersionFollowsTheTypicalSequence) {
  Task t = new_task();
  t.containers = {container("app", true)};
  EXPECT_EQ(t.version, 1);
  apply_task_event(t, ev(Kind::NetworkReady, "", 1));
  EXPECT_EQ(t.version, 2);
  apply_task_event(t, ev(Kind::ContainerStarted, "app", 2));
  EXPECT_EQ(t.version, 3);
  request_stop(t, StopCode::UserInitiated, "Task stopped by user", kT0 + seconds(3));
  EXPECT_EQ(t.version, 4);
  apply_task_event(t, ev(Kind::TaskStopped, "", 4));
  EXPECT_EQ(t.version, 5);
}

TEST(TaskLifecycle, StopRequestKeepsLastStatusAndAsksTheRuntime) {
  Task t = new_task();
  run(t);
  auto out = request_stop(t, StopCode::UserInitiated, "maintenance", kT0 + seconds(20));
  EXPECT_TRUE(out.changed);
  EXPECT_TRUE(out.stop_runtime);
  EXPECT_EQ(t.last_status, TaskStatus::Running);
  EXPECT_EQ(t.desired_status, DesiredStatus::Stopped);
  EXPECT_EQ(t.stop_code, StopCode::UserInitiated);
  EXPECT_EQ(t.stopped_reason, "maintenance");
  EXPECT_EQ(t.stopping_at, kT0 + seconds(20));
  EXPECT_EQ(usage_bucket(t), TaskBucket::Running);  // counted until STOPPED

  // Asking again changes nothing, nor does an essential exit afterwards change the stop code.
  EXPECT_FALSE(request_stop(t, StopCode::UserInitiated, "again", kT0 + seconds(21)).changed);
  auto exit = apply_task_event(t, stopped("app", 143, 22));
  EXPECT_FALSE(exit.stop_runtime);
  EXPECT_EQ(t.stop_code, StopCode::UserInitiated);
  EXPECT_EQ(t.stopped_reason, "maintenance");
  EXPECT_EQ(t.last_status, TaskStatus::Stopping);
  EXPECT_EQ(t.execution_stopped_at, kT0 + seconds(22));
}

TEST(TaskLifecycle, StopReasonIsClippedTo255Characters) {
  Task t = new_task();
  request_stop(t, StopCode::UserInitiated, std::string(300, 'x'), kT0);
  EXPECT_EQ(t.stopped_reason.size(), 255u);
}

TEST(TaskLifecycle, FailureToStartMarksThePendingContainersAndWaitsForTaskStopped) {
  Task t = new_task();
  apply_task_event(t, ev(Kind::NetworkReady, "", 1));
  apply_task_event(t, ev(Kind::ContainerStarted, "sidecar", 2));
  auto failed = ev(Kind::TaskFailed, "app", 3);
  failed.reason = "CannotPullContainerError: pull access denied for nope";
  auto out = apply_task_event(t, failed);
  EXPECT_TRUE(out.changed);
  EXPECT_FALSE(out.stop_runtime);  // the runtime cleans up by itself
  EXPECT_FALSE(out.reached_stopped);
  EXPECT_EQ(t.desired_status, DesiredStatus::Stopped);
  EXPECT_EQ(t.stop_code, StopCode::TaskFailedToStart);
  EXPECT_EQ(t.stopped_reason, "CannotPullContainerError: pull access denied for nope");
  EXPECT_EQ(t.stopping_at, kT0 + seconds(3));
  EXPECT_EQ(t.find_container("app")->status, ContainerStatus::Stopped);
  EXPECT_EQ(t.find_container("app")->reason, "CannotPullContainerError: pull access denied for nope");
  EXPECT_EQ(t.find_container("sidecar")->status, ContainerStatus::Running);  // reported when it stops

  apply_task_event(t, stopped("sidecar", 137, 4));
  out = apply_task_event(t, ev(Kind::TaskStopped, "", 5));
  EXPECT_TRUE(out.reached_stopped);
  EXPECT_EQ(t.last_status, TaskStatus::Stopped);
  EXPECT_FALSE(t.started_at);
  EXPECT_EQ(t.stop_code, StopCode::TaskFailedToStart);
  EXPECT_EQ(t.find_container("sidecar")->exit_code, 137);
}

TEST(TaskLifecycle, AnUnexpectedTaskStoppedStillGetsAStopCode) {
  Task never_started = new_task();
  apply_task_event(never_started, ev(Kind::TaskStopped, "", 2));
  EXPECT_EQ(never_started.stop_code, StopCode::TaskFailedToStart);
  EXPECT_EQ(never_started.stopped_reason, "Task failed to start");
  EXPECT_EQ(never_started.stopping_at, kT0 + seconds(2));

  Task started = new_task();
  run(started);
  apply_task_event(started, ev(Kind::TaskStopped, "", 9));
  EXPECT_EQ(started.stop_code, StopCode::EssentialContainerExited);
  EXPECT_EQ(started.desired_status, DesiredStatus::Stopped);
}

TEST(TaskLifecycle, NothingMovesAStoppedTask) {
  Task t = new_task();
  run(t);
  apply_task_event(t, ev(Kind::TaskStopped, "", 10));
  const Task before = t;
  for (auto kind : {Kind::NetworkReady, Kind::PullStarted, Kind::ContainerStarted, Kind::TaskFailed, Kind::TaskStopped}) {
    auto out = apply_task_event(t, ev(kind, "app", 20));
    EXPECT_FALSE(out.changed);
    EXPECT_FALSE(out.reached_stopped);
  }
  EXPECT_FALSE(apply_task_event(t, health("app", "healthy", 21)).changed);
  EXPECT_FALSE(request_stop(t, StopCode::UserInitiated, "x", kT0 + seconds(22)).changed);
  EXPECT_EQ(t.version, before.version);
  EXPECT_EQ(t.stopped_at, before.stopped_at);
  EXPECT_EQ(t.find_container("app")->status, ContainerStatus::Stopped);
}

TEST(TaskLifecycle, LateAndDuplicateEventsNeverGoBack) {
  Task t = new_task();
  run(t);
  const long long version = t.version;
  EXPECT_FALSE(apply_task_event(t, ev(Kind::NetworkReady, "", 30)).changed);
  EXPECT_FALSE(apply_task_event(t, ev(Kind::ContainerStarted, "app", 31)).changed);
  EXPECT_EQ(t.last_status, TaskStatus::Running);
  EXPECT_EQ(t.connectivity_at, kT0 + seconds(1));
  EXPECT_EQ(t.started_at, kT0 + seconds(5));
  EXPECT_EQ(t.version, version);

  apply_task_event(t, stopped("sidecar", 2, 32));
  EXPECT_FALSE(apply_task_event(t, ev(Kind::ContainerStarted, "sidecar", 33)).changed);  // late start
  EXPECT_EQ(t.find_container("sidecar")->status, ContainerStatus::Stopped);
  EXPECT_FALSE(apply_task_event(t, stopped("sidecar", 9, 34)).changed);  // duplicate stop
  EXPECT_EQ(t.find_container("sidecar")->exit_code, 2);
}

TEST(TaskLifecycle, EventsForUnknownContainersAreIgnored) {
  Task t = new_task();
  apply_task_event(t, ev(Kind::NetworkReady));
  const long long version = t.version;
  EXPECT_FALSE(apply_task_event(t, ev(Kind::ContainerStarted, "ghost", 2)).changed);
  EXPECT_FALSE(apply_task_event(t, stopped("ghost", 1, 3)).changed);
  EXPECT_EQ(t.version, version);
  EXPECT_EQ(t.desired_status, DesiredStatus::Running);
}

TEST(TaskLifecycle, HealthOfEssentialContainersWithChecksDecides) {
  Task t = new_task();
  t.containers.push_back(container("worker", true, true));
  t.containers.push_back(container("probe", false, true));
  run(t);
  apply_task_event(t, ev(Kind::ContainerStarted, "worker", 6));
  apply_task_event(t, ev(Kind::ContainerStarted, "probe", 6));
  EXPECT_EQ(t.health, HealthStatus::Unknown);

  EXPECT_TRUE(apply_task_event(t, health("app", "healthy", 7)).changed);
  EXPECT_EQ(t.find_container("app")->health, HealthStatus::Healthy);
  EXPECT_EQ(t.health, HealthStatus::Unknown);  // worker still evaluating
  apply_task_event(t, health("worker", "healthy", 8));
  EXPECT_EQ(t.health, HealthStatus::Healthy);
  apply_task_event(t, health("probe", "unhealthy", 9));  // non-essential: no effect on the task
  EXPECT_EQ(t.health, HealthStatus::Healthy);
  EXPECT_EQ(t.find_container("probe")->health, HealthStatus::Unhealthy);
  apply_task_event(t, health("worker", "unhealthy", 10));
  EXPECT_EQ(t.health, HealthStatus::Unhealthy);
  apply_task_event(t, health("worker", "starting", 11));  // starting → UNKNOWN
  EXPECT_EQ(t.find_container("worker")->health, HealthStatus::Unknown);
  EXPECT_EQ(t.health, HealthStatus::Unknown);
  EXPECT_EQ(t.desired_status, DesiredStatus::Running);  // standalone tasks keep running
}

TEST(TaskLifecycle, HealthWithoutATaskDefinitionCheckIsNotReported) {
  Task t = new_task();
  run(t);
  EXPECT_FALSE(apply_task_event(t, health("sidecar", "healthy", 7)).changed);  // image HEALTHCHECK
  EXPECT_EQ(t.find_container("sidecar")->health, HealthStatus::Unknown);
  EXPECT_EQ(aggregate_health(t), HealthStatus::Unknown);

  Task no_checks = new_task();
  no_checks.containers = {container("a", true), container("b", false, true)};
  no_checks.containers[1].health = HealthStatus::Healthy;
  EXPECT_EQ(aggregate_health(no_checks), HealthStatus::Unknown);  // only a non-essential check
}

TEST(TaskLifecycle, UsageBucketFollowsTheTask) {
  Task t = new_task();
  EXPECT_EQ(usage_bucket(t), TaskBucket::Pending);
  apply_task_event(t, ev(Kind::NetworkReady));
  EXPECT_EQ(usage_bucket(t), TaskBucket::Pending);
  request_stop(t, StopCode::UserInitiated, "x", kT0 + seconds(2));  // stopping, never ran
  EXPECT_EQ(usage_bucket(t), TaskBucket::Pending);
  apply_task_event(t, ev(Kind::TaskStopped, "", 3));
  EXPECT_EQ(usage_bucket(t), std::nullopt);
}

}  // namespace
}  // namespace ecslocal::api::ecs
