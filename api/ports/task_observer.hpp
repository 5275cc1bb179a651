#pragma once
// What ECS tells other services about its tasks (ELBv2 targets, Cloud Map instances, metrics,
// the console): a task reached RUNNING, its health changed, it is on its way out, it stopped.
// ECS publishes; any number of observers subscribe through the port registry. Called on the
// state strand, after ECS has applied the change; observers must not call back into ECS from
// inside on_task (post a pass of their own instead, or act on the next tick).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ecslocal::api {

struct TaskPortInfo {
  std::string container;   // container name in the task
  int container_port = 0;
  int host_port = 0;       // what the host reaches (awsvpc: equal to container_port)
  std::string protocol = "tcp";  // tcp | udp
  std::string name;        // portMappings[].name (Service Connect), may be empty
  std::string app_protocol;  // http | http2 | grpc, may be empty
};

// A target group of the service that started the task (ECS's loadBalancers entry).
struct TaskLoadBalancer {
  std::string target_group_arn;
  std::string container_name;
  int container_port = 0;
};

// A Cloud Map service the task is an instance of while it runs (ECS's serviceRegistries entry, or
// the Cloud Map service of one of its Service Connect endpoints).
struct TaskRegistry {
  std::string registry_arn;  // the Cloud Map service ARN
  int port = 0;              // AWS_INSTANCE_PORT (0: none)
  bool service_connect = false;
};

struct TaskInfo {
  std::string account_id, region;
  std::string task_arn, task_id;
  std::string cluster_arn, cluster_name;
  std::string task_definition_arn, family;
  long long revision = 0;
  std::string group;          // "service:<name>", "family:<name>" or the caller's
  std::string service_name;   // empty unless a service started it
  std::string deployment_id;  // the service deployment that started it (startedBy), may be empty
  std::string launch_type;    // FARGATE | EC2 | EXTERNAL
  std::string availability_zone, subnet_id, vpc_id;
  std::string private_ipv4;   // empty until the network is ready
  std::string public_ipv4;    // the task's loopback address (assignPublicIp), may be empty
  std::string docker_network; // the bridge the task's namespace is on, may be empty
  std::vector<TaskPortInfo> ports;
  std::vector<TaskLoadBalancer> load_balancers;  // the service's target groups (ip targets: IP + container port)
  std::vector<TaskRegistry> registries;  // Cloud Map instances to register (service tasks)
  bool health_checked = false;  // an essential container has a health check (health_status counts)
  std::string last_status;    // as on the wire: RUNNING, DEACTIVATING, STOPPED...
  std::string health_status;  // HEALTHY | UNHEALTHY | UNKNOWN
  int cpu_units = 0;          // task size (or the sum of containers'), for metrics
  int memory_mib = 0;
  std::chrono::system_clock::time_point at{};  // when the change happened
};

enum class TaskChange {
  Running,        // lastStatus reached RUNNING (IP and ports known)
  HealthChanged,  // health_status changed while RUNNING
  Stopping,       // desiredStatus became STOPPED or the task left RUNNING
  Stopped,        // lastStatus STOPPED (the address is free again)
};

const char* to_string(TaskChange change);

class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  virtual void on_task(TaskChange change, const TaskInfo& task) = 0;
};

}  // namespace ecslocal::api
