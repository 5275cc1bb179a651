#include "api/ecs/task_mapping.hpp"

#include "api/ecs/service_connect.hpp"

#include <algorithm>
#include <climits>

#include "api/common/json_read.hpp"
#include "api/ecs/cluster_mapping.hpp"
#include "api/common/time.hpp"

namespace ecslocal::api::ecs {
namespace {

using json_read::flag;
using json_read::items;
using json_read::optional_int;
using json_read::optional_long;
using json_read::optional_string;
using json_read::optional_strings;

ContainerOverride container_override_from(const Json& o, bool& missing_name) {
  ContainerOverride out;
  auto name = optional_string(o, "name");
  if (!name) missing_name = true;
  out.name = name.value_or("");
  out.command = optional_strings(o, "command");
  if (o.contains("environment") && o["environment"].is_array()) {
    out.environment.emplace();
    for (const auto& e : o["environment"]) out.environment->push_back({optional_string(e, "name").value_or(""), optional_string(e, "value").value_or("")});
  }
  out.cpu = optional_int(o, "cpu");
  out.memory = optional_int(o, "memory");
  out.memory_reservation = optional_int(o, "memoryReservation");
  return out;
}

void read_overrides(const Json& request, RunTaskInput& in) {
  auto it = request.find("overrides");
  if (it == request.end() || !it->is_object()) return;
  const Json& o = *it;
  in.overrides_length = o.dump().size();
  for (const auto& c : items(o, "containerOverrides"))
    if (c.is_object()) in.overrides.containers.push_back(container_override_from(c, in.container_override_without_name));
  in.overrides.cpu = optional_string(o, "cpu");
  in.overrides.memory = optional_string(o, "memory");
  in.overrides.task_role_arn = optional_string(o, "taskRoleArn");
  in.overrides.execution_role_arn = optional_string(o, "executionRoleArn");
  if (o.contains("ephemeralStorage") && o["ephemeralStorage"].is_object())
    in.overrides.ephemeral_storage_gib = optional_int(o["ephemeralStorage"], "sizeInGiB");
}

// --- writing ---

const char* container_status_text(ContainerStatus s) {
  switch (s) {
    case ContainerStatus::Pending: return "PENDING";
    case ContainerStatus::Running: return "RUNNING";
    case ContainerStatus::Stopped: return "STOPPED";
  }
  return "PENDING";
}

const char* stop_code_text(StopCode c) {
  switch (c) {
    case StopCode::TaskFailedToStart: return "TaskFailedToStart";
    case StopCode::EssentialContainerExited: return "EssentialContainerExited";
    case StopCode::UserInitiated: return "UserInitiated";
    case StopCode::ServiceSchedulerInitiated: return "ServiceSchedulerInitiated";
    case StopCode::None: break;
  }
  return "";
}

const char* attachment_status_text(AttachmentStatus s) {
  switch (s) {
    case AttachmentStatus::Precreated: return "PRECREATED";
    case AttachmentStatus::Attached: return "ATTACHED";
    case AttachmentStatus::Deleted: return "DELETED";
  }
  return "PRECREATED";
}

void put_time(Json& o, const char* key, const std::optional<TimePoint>& t) {
  if (t) o[key] = epoch_seconds(*t);
}

Json detail(const char* name, const std::string& value) { return Json{{"name", name}, {"value", value}}; }

Json attachment_to_json(const NetworkAttachment& attachment, const vpc::NetworkInterface* eni) {
  Json details = Json::array();
  if (eni) details.push_back(detail("subnetId", eni->subnet_id));
  if (eni && attachment.status != AttachmentStatus::Precreated) {
    details.push_back(detail("networkInterfaceId", eni->id));
    details.push_back(detail("macAddress", eni->mac_address));
    details.push_back(detail("privateDnsName", eni->private_dns_name));
    details.push_back(detail("privateIPv4Address", eni->private_ipv4));
    if (!eni->public_ipv4.empty()) details.push_back(detail("publicIPv4Address", eni->public_ipv4));
  }
  return Json{{"id", attachment.id}, {"type", "ElasticNetworkInterface"},
              {"status", attachment_status_text(attachment.status)}, {"details", std::move(details)}};
}

Json container_to_json(const Task& task, const Container& c, const vpc::NetworkInterface* eni) {
  Json o = {{"containerArn", c.arn}, {"taskArn", task.arn}, {"name", c.name}, {"image", c.image},
            {"lastStatus", container_status_text(c.status)}, {"networkBindings", Json::array()},
            {"networkInterfaces", Json::array()}, {"healthStatus", health_status_text(c.health)},
            {"cpu", std::to_string(c.cpu)}};
  if (!c.image_digest.empty()) o["imageDigest"] = c.image_digest;
  if (!c.runtime_id.empty()) o["runtimeId"] = c.runtime_id;
  if (c.exit_code) o["exitCode"] = *c.exit_code;
  if (!c.reason.empty()) o["reason"] = c.reason;
  if (c.memory) o["memory"] = std::to_string(*c.memory);
  if (c.memory_reservation) o["memoryReservation"] = std::to_string(*c.memory_reservation);
  // ECS Exec's agent, in each container of a task that has it: running with the container.
  if (task.enable_execute_command) {
    Json agent = {{"name", "ExecuteCommandAgent"}, {"lastStatus", container_status_text(c.status)}};
    if (c.status != ContainerStatus::Pending && c.started_at) agent["lastStartedAt"] = epoch_seconds(*c.started_at);
    o["managedAgents"] = Json::array({std::move(agent)});
  }
  const auto& attachment = task.attachment;
  if (attachment && eni && attachment->status != AttachmentStatus::Precreated && !eni->private_ipv4.empty())
    o["networkInterfaces"].push_back({{"attachmentId", attachment->id}, {"privateIpv4Address", eni->private_ipv4}});
  return o;
}

Json overrides_to_json(const TaskOverrides& ov) {
  Json containers = Json::array();
  for (const auto& c : ov.containers) {
    Json o = {{"name", c.name}};
    if (c.command) o["command"] = *c.command;
    if (c.environment) {
      o["environment"] = Json::array();
      for (const auto& e : *c.environment) o["environment"].push_back({{"name", e.name}, {"value", e.value}});
    }
    if (c.cpu) o["cpu"] = *c.cpu;
    if (c.memory) o["memory"] = *c.memory;
    if (c.memory_reservation) o["memoryReservation"] = *c.memory_reservation;
    containers.push_back(std::move(o));
  }
  Json out = {{"containerOverrides", std::move(containers)}, {"inferenceAcceleratorOverrides", Json::array()}};
  if (ov.cpu) out["cpu"] = *ov.cpu;
  if (ov.memory) out["memory"] = *ov.memory;
  if (ov.task_role_arn) out["taskRoleArn"] = *ov.task_role_arn;
  if (ov.execution_role_arn) out["executionRoleArn"] = *ov.execution_role_arn;
  if (ov.ephemeral_storage_gib) out["ephemeralStorage"] = {{"sizeInGiB", *ov.ephemeral_storage_gib}};
  return out;
}

void put_state(Json& o, const Task& task) {
  o["lastStatus"] = task_status_text(task.last_status);
  o["desiredStatus"] = task.desired_status == DesiredStatus::Running ? "RUNNING" : "STOPPED";
  o["healthStatus"] = health_status_text(task.health);
  o["version"] = task.version;
  if (task.stop_code != StopCode::None) o["stopCode"] = stop_code_text(task.stop_code);
  if (!task.stopped_reason.empty()) o["stoppedReason"] = task.stopped_reason;
  if (task.connected) o["connectivity"] = "CONNECTED";
  o["createdAt"] = epoch_seconds(task.created_at);
  put_time(o, "connectivityAt", task.connectivity_at);
  put_time(o, "pullStartedAt", task.pull_started_at);
  put_time(o, "pullStoppedAt", task.pull_stopped_at);
  put_time(o, "startedAt", task.started_at);
  put_time(o, "stoppingAt", task.stopping_at);
  put_time(o, "executionStoppedAt", task.execution_stopped_at);
  put_time(o, "stoppedAt", task.stopped_at);
}

}  // namespace

void network_configuration_input(const Json& request, bool& given, std::optional<AwsVpcConfiguration>& awsvpc) {
  auto it = request.find("networkConfiguration");
  if (it == request.end() || !it->is_object()) return;
  given = true;
  auto vpc = it->find("awsvpcConfiguration");
  if (vpc == it->end() || !vpc->is_object()) return;
  AwsVpcConfiguration out;
  out.subnets = optional_strings(*vpc, "subnets").value_or(std::vector<std::string>{});
  out.security_groups = optional_strings(*vpc, "securityGroups").value_or(std::vector<std::string>{});
  out.assign_public_ip = optional_string(*vpc, "assignPublicIp").value_or("DISABLED");
  awsvpc = std::move(out);
}

std::optional<std::vector<CapacityProviderStrategyItem>> strategy_input(const Json& request) {
  auto it = request.find("capacityProviderStrategy");
  if (it == request.end() || !it->is_array()) return std::nullopt;
  return strategy_from_json(*it);
}

const char* health_status_text(HealthStatus s) {
  switch (s) {
    case HealthStatus::Healthy: return "HEALTHY";
    case HealthStatus::Unhealthy: return "UNHEALTHY";
    case HealthStatus::Unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string task_status_text(TaskStatus s) {
  switch (s) {
    case TaskStatus::Provisioning: return "PROVISIONING";
    case TaskStatus::Pending: return "PENDING";
    case TaskStatus::Activating: return "ACTIVATING";
    case TaskStatus::Running: return "RUNNING";
    case TaskStatus::Deactivating: return "DEACTIVATING";
    case TaskStatus::Stopping: return "STOPPING";
    case TaskStatus::Deprovisioning: return "DEPROVISIONING";
    case TaskStatus::Stopped: return "STOPPED";
  }
  return "PROVISIONING";
}

RunTaskInput run_task_input(const Json& request) {
  RunTaskInput in;
  in.cluster = optional_string(request, "cluster");
  in.task_definition = optional_string(request, "taskDefinition").value_or("");
  in.count = optional_long(request, "count");
  in.launch_type = optional_string(request, "launchType");
  in.capacity_provider_strategy = strategy_input(request);
  network_configuration_input(request, in.network_configuration_given, in.awsvpc);
  read_overrides(request, in);
  in.started_by = optional_string(request, "startedBy");
  in.group = optional_string(request, "group");
  in.platform_version = optional_string(request, "platformVersion");
  in.propagate_tags = optional_string(request, "propagateTags");
  in.reference_id = optional_string(request, "referenceId");
  in.tags = tags_from_json(request.value("tags", Json()));
  in.enable_execute_command = flag(request, "enableExecuteCommand");
  in.enable_ecs_managed_tags = flag(request, "enableECSManagedTags");
  in.placement_constraints = items(request, "placementConstraints").size();
  in.placement_strategies = items(request, "placementStrategy").size();
  return in;
}

StopTaskInput stop_task_input(const Json& request) {
  return StopTaskInput{optional_string(request, "cluster"), optional_string(request, "task").value_or(""), optional_string(request, "reason")};
}

DescribeTasksInput describe_tasks_input(const Json& request) {
  DescribeTasksInput in;
  in.cluster = optional_string(request, "cluster");
  in.tasks = optional_strings(request, "tasks").value_or(std::vector<std::string>{});
  for (const auto& field : optional_strings(request, "include").value_or(std::vector<std::string>{}))
    if (field == "TAGS") in.include_tags = true;
  return in;
}

ListTasksInput list_tasks_input(const Json& request) {
  ListTasksInput in;
  in.cluster = optional_string(request, "cluster");
  in.container_instance = optional_string(request, "containerInstance");
  in.family = optional_string(request, "family");
  in.started_by = optional_string(request, "startedBy");
  in.service_name = optional_string(request, "serviceName");
  in.desired_status = optional_string(request, "desiredStatus").value_or("RUNNING");
  in.launch_type = optional_string(request, "launchType");
  in.next_token = optional_string(request, "nextToken");
  in.max_results = optional_long(request, "maxResults");
  return in;
}

Json task_to_json(const Task& task, const std::vector<Tag>* tags, const vpc::NetworkInterface* eni) {
  Json o = {{"taskArn", task.arn}, {"clusterArn", task.cluster_arn}, {"taskDefinitionArn", task.task_definition_arn},
            {"group", task.group}, {"launchType", task.launch_type}, {"enableExecuteCommand", task.enable_execute_command},
            {"attachments", Json::array()}, {"containers", Json::array()}, {"overrides", overrides_to_json(task.overrides)}};
  if (task.attachment) o["attachments"].push_back(attachment_to_json(*task.attachment, eni));
  for (const auto& c : task.containers) o["containers"].push_back(container_to_json(task, c, eni));
  if (task.service_connect && !task.containers.empty()) {
    // The Service Connect proxy, as ECS lists it: an extra essential container, in step with the task.
    Container proxy;
    const Container& first = task.containers.front();
    proxy.name = service_connect_container_name(task.id);
    proxy.arn = first.arn.substr(0, first.arn.rfind('/') + 1) + stable_uuid(task.arn + "/" + proxy.name);
    proxy.image = kServiceConnectImage;
    // In step with the task: running (and healthy) from RUNNING until it stops.
    const bool up = task.last_status >= TaskStatus::Running && task.last_status < TaskStatus::Stopped;
    proxy.status = task.last_status == TaskStatus::Stopped ? ContainerStatus::Stopped
                   : up                                   ? ContainerStatus::Running
                                                          : ContainerStatus::Pending;
    proxy.health = up ? HealthStatus::Healthy : HealthStatus::Unknown;
    proxy.started_at = first.started_at;
    o["containers"].push_back(container_to_json(task, proxy, eni));
  }
  if (!task.cpu_architecture.empty())
    o["attributes"] = Json::array({{{"name", "ecs.cpu-architecture"}, {"value", task.cpu_architecture}}});
  if (!task.availability_zone.empty()) o["availabilityZone"] = task.availability_zone;
  if (!task.capacity_provider_name.empty()) o["capacityProviderName"] = task.capacity_provider_name;
  if (task.cpu) o["cpu"] = *task.cpu;
  if (task.memory) o["memory"] = *task.memory;
  if (!task.platform_version.empty()) o["platformVersion"] = task.platform_version;
  if (!task.platform_family.empty()) o["platformFamily"] = task.platform_family;
  if (!task.started_by.empty()) o["startedBy"] = task.started_by;
  if (task.ephemeral_storage_gib) o["ephemeralStorage"] = {{"sizeInGiB", *task.ephemeral_storage_gib}};
  put_state(o, task);
  if (tags) o["tags"] = tags_to_json(*tags);
  return o;
}

Json tasks_response(Json tasks, const std::vector<TaskFailure>& failures) {
  Json out = {{"tasks", std::move(tasks)}, {"failures", Json::array()}};
  for (const auto& f : failures) {
    Json entry = {{"reason", f.reason}};
    if (!f.arn.empty()) entry["arn"] = f.arn;
    if (!f.detail.empty()) entry["detail"] = f.detail;
    out["failures"].push_back(std::move(entry));
  }
  return out;
}

Json stop_task_response(Json task) { return Json{{"task", std::move(task)}}; }

Json list_tasks_response(const std::vector<std::string>& arns, const std::optional<std::string>& next_token) {
  Json out = {{"taskArns", arns}};
  if (next_token) out["nextToken"] = *next_token;
  return out;
}

}  // namespace ecslocal::api::ecs
