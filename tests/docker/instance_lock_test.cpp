// The instance lock against the real daemon: one holder per instance, a clear refusal for the
// second, the lock freed when the holder's connection goes (as when the process dies), a stale
// lock container taken over, and the TaskRunner refusing to touch Docker without the lock.
#include <thread>

#include "runtime/task/instance_lock.hpp"
#include "runtime/task/pause_image.hpp"
#include "runtime/task/task_runner.hpp"
#include "tests/docker/docker_fixture.hpp"

#ifndef ECSLOCAL_PAUSE_BINARY_PATH
#define ECSLOCAL_PAUSE_BINARY_PATH ""
#endif

namespace ecslocal::runtime::test {
namespace {

using namespace std::chrono_literals;
using testing::docker_availability;

class InstanceLockDocker : public testing::DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto image = runtime::ensure_pause_image(docker(), PauseImageOptions{ECSLOCAL_PAUSE_BINARY_PATH});
    ASSERT_TRUE(image.ok()) << image.error().describe();
    options_.pause_image = *image;
    options_.instance = "locktest-" + docker_availability().run_label;
    options_.labels = test_labels();
  }

  // Until the container `name` is gone.
  bool gone_eventually(const std::string& name, std::chrono::milliseconds limit = 20s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto info = docker().inspect_container(name);
      if (!info && info.error().kind == DockerErrorKind::not_found) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  InstanceLockOptions options_;
};

TEST_F(InstanceLockDocker, SecondHolderIsRefusedWithAClearMessage) {
  auto first = InstanceLock::acquire(docker(), options_);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  auto info = docker().inspect_container(InstanceLock::container_name(options_.instance));
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_TRUE(info->running);
  EXPECT_EQ(info->labels.at(std::string(labels::instance)), options_.instance);
  EXPECT_EQ(info->labels.at(std::string(labels::role)), "lock");

  auto second = InstanceLock::acquire(docker(), options_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, DockerErrorKind::conflict);
  EXPECT_NE(second.error().message.find("another ecslocal with --instance " + options_.instance), std::string::npos)
      << second.error().message;
  // The refusal left the holder alone.
  auto still = docker().inspect_container((*first)->container_id());
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->running);

  // Another instance has a lock of its own.
  InstanceLockOptions other = options_;
  other.instance += "-other";
  auto third = InstanceLock::acquire(docker(), other);
  ASSERT_TRUE(third.ok()) << third.error().describe();

  (*first)->release();
  EXPECT_TRUE(gone_eventually(InstanceLock::container_name(options_.instance)));
  auto after = InstanceLock::acquire(docker(), options_);
  EXPECT_TRUE(after.ok()) << after.error().describe();
}

TEST_F(InstanceLockDocker, ALostConnectionFreesTheLock) {
  auto first = InstanceLock::acquire(docker(), options_);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  std::string name = (*first)->name();
  std::string id = (*first)->container_id();
  (*first)->drop_connection();  // what the kernel does when the process dies
  // Stdin closes and the pause program exits: the lock container is stale.
  auto exited = wait_exit(id);
  ASSERT_TRUE(exited) << name << " outlived its holder's connection";
  EXPECT_EQ(exited->exit_code, 0);
  auto next = InstanceLock::acquire(docker(), options_);
  ASSERT_TRUE(next.ok()) << next.error().describe();
  EXPECT_NE((*next)->container_id(), id);
}

TEST_F(InstanceLockDocker, AStaleLockContainerIsTakenOver) {
  // A lock container that is not running (its holder died long ago, Docker kept it).
  ContainerCreateSpec stale;
  stale.name = InstanceLock::container_name(options_.instance);
  stale.image = options_.pause_image;
  stale.labels = test_labels({{std::string(labels::role), "lock"}});
  auto id = create(stale);
  ASSERT_FALSE(id.empty());
  options_.starting_grace = 0s;  // "created" but not fresh: stale
  auto lock = InstanceLock::acquire(docker(), options_);
  ASSERT_TRUE(lock.ok()) << lock.error().describe();
  EXPECT_NE((*lock)->container_id(), id);
}

TEST_F(InstanceLockDocker, ALockBeingTakenRightNowIsNotStale) {
  ContainerCreateSpec starting;
  starting.name = InstanceLock::container_name(options_.instance);
  starting.image = options_.pause_image;
  starting.labels = test_labels({{std::string(labels::role), "lock"}});
  auto id = create(starting);
  ASSERT_FALSE(id.empty());
  auto lock = InstanceLock::acquire(docker(), options_);  // 15 s grace for "created"
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().kind, DockerErrorKind::conflict);
  EXPECT_TRUE(docker().inspect_container(id).ok()) << "the other process's lock container was removed";
}

// What ecslocal's start-up does: take the lock (create and attach), serve, start the container later.
TEST_F(InstanceLockDocker, ATakenLockHoldsBeforeItsContainerStartsAndStartsLater) {
  auto taken = InstanceLock::take(docker(), options_);
  ASSERT_TRUE(taken.ok()) << taken.error().describe();
  auto info = docker().inspect_container((*taken)->container_id());
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->status, "created");

  auto second = InstanceLock::acquire(docker(), options_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, DockerErrorKind::conflict);
  EXPECT_NE(second.error().message.find("it is starting right now"), std::string::npos) << second.error().message;

  ASSERT_TRUE((*taken)->start().ok());
  EXPECT_TRUE((*taken)->start().ok()) << "a second start is a no-op";
  info = docker().inspect_container((*taken)->container_id());
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->running);
  second = InstanceLock::acquire(docker(), options_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message.find("it is starting right now"), std::string::npos) << second.error().message;

  (*taken)->release();
  EXPECT_FALSE((*taken)->start().ok()) << "a released lock does not start again";
  EXPECT_TRUE(gone_eventually(InstanceLock::container_name(options_.instance)));
}

TEST_F(InstanceLockDocker, ARunnerWithoutTheLockLeavesTheHoldersObjectsAlone) {
  auto holder = InstanceLock::acquire(docker(), options_);
  ASSERT_TRUE(holder.ok()) << holder.error().describe();
  // Something of the holder's instance, as a running task of it would be.
  auto spec = container_spec({"sleep", "300"});
  spec.labels[std::string(labels::instance)] = options_.instance;
  auto task_container = create_and_start(spec);

  TaskRunnerOptions runner_options;
  runner_options.instance = options_.instance;
  runner_options.pause_image = options_.pause_image;
  {
    TaskRunner runner(docker(), runner_options);
    auto locked = runner.acquire_instance_lock(test_labels());
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.error().kind, DockerErrorKind::conflict);
    EXPECT_FALSE(runner.cleanup_leftovers().ok());
    runner.shutdown(true);
  }
  auto info = docker().inspect_container(task_container);
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_TRUE(info->running);
  EXPECT_TRUE(docker().inspect_container((*holder)->container_id()).ok());

  // The holder's own runner cleans up around its lock: the lock container stays.
  (*holder)->release();
  TaskRunner owner(docker(), runner_options);
  ASSERT_TRUE(owner.acquire_instance_lock(test_labels()).ok());
  auto cleaned = owner.cleanup_leftovers();
  ASSERT_TRUE(cleaned.ok()) << cleaned.error().describe();
  EXPECT_EQ(cleaned->containers, 1u);
  auto lock_info = docker().inspect_container(InstanceLock::container_name(options_.instance));
  ASSERT_TRUE(lock_info.ok());
  EXPECT_TRUE(lock_info->running);
  owner.shutdown(true);
  EXPECT_TRUE(gone_eventually(InstanceLock::container_name(options_.instance)));
}

}  // namespace
}  // namespace ecslocal::runtime::test
