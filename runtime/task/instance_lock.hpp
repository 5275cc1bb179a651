#pragma once
// One ecslocal per --instance on a Docker daemon. The lock is a container of a fixed name,
// `ecslocal-lock-<instance>`, so Docker arbitrates: of two processes creating it, one gets 409.
// It runs the pause program in its --until-stdin-closes mode, and the holder keeps an attach
// connection to its stdin (StdinOnce): when the holder dies, however it dies, the kernel closes
// the connection, Docker closes the container's stdin and the pause program exits. A lock
// container found not running is stale: it is removed and the lock taken; one found running (or
// being created, for a few seconds) belongs to a live ecslocal. (No AutoRemove: Docker's own
// removal would race with the holder's, and the next taker removes a stale one anyway.)
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "runtime/docker/docker_client.hpp"

namespace ecslocal::runtime {

struct InstanceLockOptions {
  std::string instance;     // "" is the unnamed instance (housekeeping over every ecslocal object)
  std::string pause_image;  // "ecslocal/pause:<hash>", made by ensure_pause_image
  Labels labels;            // added to the container's (tests add their run label)
  // A lock container still in "created" state younger than this is another process taking the
  // lock right now (create → attach → start), not a stale one.
  std::chrono::seconds starting_grace{15};
};

class InstanceLock {
 public:
  // The container's name for `instance`: characters Docker does not take in names become '-'.
  static std::string container_name(const std::string& instance);

  // Takes the lock and starts its container. A live holder: conflict, with a message that says
  // who and what to do.
  static DockerResult<std::unique_ptr<InstanceLock>> acquire(DockerClient& docker, const InstanceLockOptions& options);
  // Takes the lock without starting the container: the name is ours from the create on (Docker
  // refuses a second one), and for `starting_grace` others see a lock being taken. start() must
  // follow within that time; it is what makes the lock outlive the grace (ecslocal calls it off
  // the start-up path: Docker takes about 200 ms to start even this container).
  static DockerResult<std::unique_ptr<InstanceLock>> take(DockerClient& docker, const InstanceLockOptions& options);
  // Starts the container of a lock taken with take(). Idempotent; fails once released.
  DockerStatus start();

  ~InstanceLock();  // release()
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

  // Closes the attach connection and removes the container (waits for Docker). Idempotent.
  void release();
  // What a crash does: the connection closes, the container is left to end by itself.
  void drop_connection();

  const std::string& container_id() const { return id_; }
  const std::string& name() const { return name_; }

 private:
  InstanceLock(DockerClient& docker, std::string name, std::string id, std::unique_ptr<AttachedStdin> stdin);

  DockerClient& docker_;
  std::string name_;
  std::string id_;
  std::unique_ptr<AttachedStdin> stdin_;
  std::atomic<bool> released_{false};
  bool started_ = false;
};

}  // namespace ecslocal::runtime
