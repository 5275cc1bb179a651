#pragma once
// Tasks on the wire: the requests of RunTask, StopTask, DescribeTasks and ListTasks, and the Task
// and Container shapes of the replies. The only place that spells task member names.
//
// ENI attachment details are AWS's five (subnetId, networkInterfaceId, macAddress, privateDnsName,
// privateIPv4Address); a task with assignPublicIp ENABLED also reports its host-reachable
// loopback address as a sixth detail, `publicIPv4Address` (clients ignore detail names they do
// not know; AWS itself reports the public IP only through EC2 DescribeNetworkInterfaces).
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/tags.hpp"
#include "api/ecs/task_model.hpp"
#include "api/vpc/vpc_model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct RunTaskInput {
  std::optional<std::string> cluster;
  std::string task_definition;
  std::optional<long long> count;
  std::optional<std::string> launch_type;
  std::optional<std::vector<CapacityProviderStrategyItem>> capacity_provider_strategy;
  bool network_configuration_given = false;
  std::optional<AwsVpcConfiguration> awsvpc;
  TaskOverrides overrides;        // container overrides as given (names may be unknown)
  size_t overrides_length = 0;    // characters of the overrides' JSON (limit 8192)
  bool container_override_without_name = false;
  std::optional<std::string> started_by, group, platform_version, propagate_tags, reference_id;
  std::string service_name;  // not on the wire: the service whose scheduler runs the task
  std::vector<Tag> tags;
  bool enable_execute_command = false;
  bool enable_ecs_managed_tags = false;
  size_t placement_constraints = 0, placement_strategies = 0;
};
RunTaskInput run_task_input(const Json& request);

// Members RunTask, CreateService and UpdateService share: networkConfiguration (`given` when the
// member is there; its awsvpcConfiguration when present) and capacityProviderStrategy (nullopt
// when absent).
void network_configuration_input(const Json& request, bool& given, std::optional<AwsVpcConfiguration>& awsvpc);
std::optional<std::vector<CapacityProviderStrategyItem>> strategy_input(const Json& request);

struct StopTaskInput {
  std::optional<std::string> cluster;
  std::string task;
  std::optional<std::string> reason;
};
StopTaskInput stop_task_input(const Json& request);

struct DescribeTasksInput {
  std::optional<std::string> cluster;
  std::vector<std::string> tasks;
  bool include_tags = false;
};
DescribeTasksInput describe_tasks_input(const Json& request);

struct ListTasksInput {
  std::optional<std::string> cluster, container_instance, family, started_by, service_name;
  std::string desired_status = "RUNNING";  // RUNNING | STOPPED | PENDING
  std::optional<std::string> launch_type;
  std::optional<std::string> next_token;
  std::optional<long long> max_results;
};
ListTasksInput list_tasks_input(const Json& request);

struct TaskFailure {
  std::string arn;
  std::string reason;  // "MISSING", "RESOURCE:ENI", ...
  std::string detail;
};

// The Task shape; `tags` null leaves the tags member out.
// `eni`: the task's ENI in the VPC state (vpc::VpcState::find_eni), null without one.
Json task_to_json(const Task& task, const std::vector<Tag>* tags, const vpc::NetworkInterface* eni);
Json tasks_response(Json tasks, const std::vector<TaskFailure>& failures);  // RunTask, DescribeTasks
Json stop_task_response(Json task);
Json list_tasks_response(const std::vector<std::string>& arns, const std::optional<std::string>& next_token);

// Wire spelling of the statuses (also used in messages and tests).
std::string task_status_text(TaskStatus status);
const char* health_status_text(HealthStatus status);  // HEALTHY | UNHEALTHY | UNKNOWN

}  // namespace ecslocal::api::ecs
