#include "api/ecs/task_info.hpp"

#include "api/ecs/task_mapping.hpp"

namespace ecslocal::api::ecs {
namespace {

const char* health_word(HealthStatus h) {
  switch (h) {
    case HealthStatus::Healthy: return "HEALTHY";
    case HealthStatus::Unhealthy: return "UNHEALTHY";
    case HealthStatus::Unknown: break;
  }
  return "UNKNOWN";
}

int parse_units(const std::optional<std::string>& text) {
  if (!text) return 0;
  try {
    return std::stoi(*text);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

TaskInfo task_info(const Task& task, const vpc::NetworkInterface* eni, const TaskDefinition* definition) {
  TaskInfo info;
  info.account_id = task.account_id;
  info.region = task.region;
  info.task_arn = task.arn;
  info.task_id = task.id;
  info.cluster_arn = task.cluster_arn;
  info.cluster_name = task.cluster_name;
  info.task_definition_arn = task.task_definition_arn;
  info.family = task.family;
  info.revision = task.revision;
  info.group = task.group;
  info.service_name = task.service_name;
  if (!task.service_name.empty()) info.deployment_id = task.started_by;
  info.launch_type = task.launch_type;
  info.availability_zone = task.availability_zone;
  if (eni) {
    info.subnet_id = eni->subnet_id;
    info.vpc_id = eni->vpc_id;
    info.private_ipv4 = eni->private_ipv4;
    info.public_ipv4 = eni->public_ipv4;
  }
  info.last_status = task_status_text(task.last_status);
  info.health_status = health_word(task.health);
  info.cpu_units = parse_units(task.cpu);
  info.memory_mib = parse_units(task.memory);
  info.at = task.stopped_at.value_or(task.started_at.value_or(task.created_at));
  if (definition) {
    for (const auto& c : definition->containers)
      for (const auto& pm : c.port_mappings) {
        if (!pm.container_port) continue;
        TaskPortInfo port;
        port.container = c.name;
        port.container_port = *pm.container_port;
        port.host_port = pm.host_port.value_or(*pm.container_port);
        if (port.host_port == 0) port.host_port = port.container_port;
        port.protocol = pm.protocol.empty() ? "tcp" : pm.protocol;
        port.name = pm.name;
        port.app_protocol = pm.app_protocol;
        info.ports.push_back(std::move(port));
      }
    for (const auto& c : definition->containers) info.health_checked = info.health_checked || (c.essential && c.health_check);
  }
  return info;
}

}  // namespace ecslocal::api::ecs
