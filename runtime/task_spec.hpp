#pragma once
// The runtime-neutral description of a task to run, and the events the runtime reports back.
// The api layer builds a TaskSpec from ECS state (task definition + overrides + network
// configuration) and consumes TaskEvents; the runtime knows containers, not ARNs or lastStatus.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "runtime/docker_types.hpp"

namespace ecslocal::runtime {

// Where the task's network namespace lives: a user-defined bridge network standing in for the
// VPC, with a fixed address chosen by the caller's IPAM. The namespace is held by a pause
// container; every task container joins it (NetworkMode container:<pause id>).
struct TaskNetworkSpec {
  std::string network;       // Docker network name, created with `cidr` when missing
  std::string cidr;          // e.g. "172.31.0.0/16"
  std::string gateway;       // e.g. "172.31.0.1"
  Labels network_labels;     // labels of the network when the runtime creates it
  std::string ipv4_address;  // the task's private address, inside `cidr`
  // The task's subnet, a block inside `cidr`: where another address is taken when the planned one
  // is held, and where warm pause containers take theirs (empty: anywhere in `cidr`).
  std::string subnet_cidr;
  std::string hostname;      // e.g. "ip-172-31-0-4.ec2.internal"
  std::vector<std::string> dns;
  std::vector<std::string> extra_hosts;  // "host:ip"
  // Docker network aliases of the task's endpoint on `network` (Docker's DNS answers them there).
  std::vector<std::string> aliases;
  // The pause container's command (empty: the image's), e.g. the Service Connect proxy's.
  std::vector<std::string> pause_command;
  // Host-reachable address of the task's own (assignPublicIp): every container port is
  // published on it (e.g. 127.0.100.7:8080). Empty: nothing published.
  std::string publish_ip;
  std::vector<PortBinding> published_ports;  // host_ip is filled with publish_ip by the runtime
};

enum class DependencyCondition { Start, Complete, Success, Healthy };

struct ContainerDependency {
  std::string container;  // name within the task
  DependencyCondition condition = DependencyCondition::Start;
};

// Where a container's output is shipped (the awslogs driver): opaque to the runtime, handed back
// with every batch. An empty `stream` is filled with the Docker container id.
struct LogDestination {
  std::string account, region, group, stream;
};

struct TaskContainerSpec {
  std::string name;  // name within the task (unique)
  bool essential = true;
  // What Docker creates. The runtime sets network_mode (container:<pause>), the task labels and
  // the container's name; hostname, DNS, extra hosts and port bindings belong to the pause container.
  ContainerCreateSpec create;
  std::vector<ContainerDependency> depends_on;
  std::optional<int> start_timeout_s;  // how long a dependency may take to reach its condition
  int stop_timeout_s = 30;             // SIGTERM → SIGKILL
  // When set, stdout and stderr lines are shipped there as they are written (runtime/logs/log_shipper).
  std::optional<LogDestination> ship_logs;
};

struct TaskSpec {
  std::string key;  // unique and opaque to the runtime (the api uses the task ARN)
  Labels labels;    // on every container of the task, the pause container included
  TaskNetworkSpec network;
  // Task-scoped named volumes, shared by the task's containers: Docker volume names the runtime
  // creates (labelled) before the containers and removes after them. The caller makes them
  // unique per task; containers mount them through create.mounts (type volume, source = name).
  std::vector<std::string> volumes;
  std::vector<TaskContainerSpec> containers;
};

// Order per task: PullStarted, PullStopped, NetworkReady, then ContainerStarted (and
// ContainerHealth / ContainerStopped of started containers) in dependsOn order; TaskFailed at
// most once; TaskStopped last (nothing follows it). A container's ContainerStopped always
// follows its ContainerStarted.
struct TaskEvent {
  enum class Kind {
    PullStarted,       // the first image pull (or local image check) began
    PullStopped,       // every image is present; image_digest per ContainerCreated/Started event
    NetworkReady,      // the pause container runs: ipv4_address, mac_address, runtime_id (its id) set
    ContainerStarted,  // container: runtime_id, image_digest set
    ContainerHealth,   // container: health = "healthy" | "unhealthy" | "starting"
    ContainerStopped,  // container: exit_code, reason (e.g. "OutOfMemoryError: ...") set;
                       //   exit_code unset when Docker could not say (container removed)
    TaskFailed,        // the task could not start: reason as ECS writes it
                       //   ("CannotPullContainerError: ...", "CannotStartContainerError: ...",
                       //    "ResourceInitializationError: ..."); the runtime cleans up and then
                       //    reports TaskStopped. `container` names the container whose image,
                       //    create or start failed; empty for task-level causes
    TaskStopped,       // every container (pause included) has stopped; their removal (and the
                       //   task volumes') follows at once, after the report, so it never delays it
  };
  Kind kind = Kind::TaskStopped;
  std::string key;
  std::string container;  // empty for task-level events
  std::string runtime_id;
  std::string image_digest;
  std::string ipv4_address, mac_address;
  // NetworkReady: the task's address on the task endpoints network (runtime/task/endpoints_relay.hpp),
  // the source of its requests to 169.254.170.2; empty without that network.
  std::string endpoints_address;
  std::optional<int> exit_code;
  std::string health;
  std::string reason;
  std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
};

}  // namespace ecslocal::runtime
