#include "api/ecs/errors.hpp"
#include "api/ecs/task_definition_validation.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <set>

#include "api/protocol/aws_error.hpp"

// Messages marked [observed] are ECS's own texts (from real error reports); the others follow their
// style, since ECS does not document its texts.
namespace ecslocal::api::ecs {
namespace {

[[noreturn]] void client_error(const std::string& message) { throw ClientException(message); }
[[noreturn]] void invalid_parameter(const std::string& message) { throw InvalidParameterException(message); }

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "<number>[ ]<unit>" or "<integer>" → value in base units (unit value × 1024), or nullopt.
std::optional<long long> parse_quantity(const std::string& text, const std::string& unit) {
  const std::string t = lower(trim(text));
  size_t end = 0;
  while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || t[end] == '.')) ++end;
  const std::string number = t.substr(0, end);
  const std::string suffix = trim(t.substr(end));
  if (number.empty() || number.size() > 12 || std::count(number.begin(), number.end(), '.') > 1 || number == ".")
    return std::nullopt;
  const double value = std::strtod(number.c_str(), nullptr);
  double units = 0;
  if (suffix.empty() && number.find('.') == std::string::npos) units = value;
  else if (suffix == unit) units = value * 1024;
  else return std::nullopt;
  if (units < 1 || units > 1e9 || std::fabs(units - std::round(units)) > 1e-9) return std::nullopt;
  return static_cast<long long>(std::llround(units));
}

bool fargate_cpu_value(int cpu) {
  for (int v : {256, 512, 1024, 2048, 4096, 8192, 16384})
    if (cpu == v) return true;
  return false;
}

bool valid_port(std::optional<int> port, int min) { return port && *port >= min && *port <= 65535; }

bool valid_port_mapping_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '-';
  });
}

void check_range(std::optional<int> value, int min, int max, const std::string& setting, const std::string& container) {
  if (value && (*value < min || *value > max))
    client_error("Invalid " + quoted(setting) + " setting for container " + quoted(container) + ". Valid values are " +
                 std::to_string(min) + " to " + std::to_string(max) + ".");
}

[[noreturn]] void fargate_unsupported(const std::string& what) {
  client_error("Fargate does not support " + what + ".");
}

}  // namespace

std::string normalize_task_cpu(const std::string& text) {
  auto units = parse_quantity(text, "vcpu");
  if (!units) client_error("Invalid 'cpu' setting for task.");
  return std::to_string(*units);
}

std::string normalize_task_memory(const std::string& text) {
  auto mib = parse_quantity(text, "gb");
  if (!mib) client_error("Invalid 'memory' setting for task.");
  return std::to_string(*mib);
}

bool is_valid_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

void validate_family(const std::string& family) {
  if (family.empty()) client_error("Family can not be blank.");
  if (family.size() > 255) client_error("Family name is too long: up to 255 characters are allowed.");
  if (!is_valid_name(family)) client_error("Family contains invalid characters.");  // [observed]
}

void validate_container_list(const TaskDefinition& td) {
  if (td.containers.empty()) client_error("Container list cannot be empty.");  // [observed]
}

void validate_container_names(const TaskDefinition& td) {
  std::set<std::string> seen;
  for (const auto& c : td.containers) {
    if (c.name.empty()) client_error("Container.name should not be null or empty.");     // [observed]
    if (!is_valid_name(c.name)) client_error("Container.name contains invalid characters.");  // [observed]
    if (!seen.insert(c.name).second)
      client_error("Container names must be unique within a Task Definition.");  // [observed]
  }
}

void validate_container_images(const TaskDefinition& td) {
  for (const auto& c : td.containers)
    if (trim(c.image).empty()) client_error("Container.image should not be null or empty.");  // [observed]
}

void validate_essential_container(const TaskDefinition& td) {
  if (std::none_of(td.containers.begin(), td.containers.end(), [](const auto& c) { return c.essential; }))
    client_error("Task definition doesn't have any essential container.");  // [observed]
}

void validate_task_cpu(const TaskDefinition& td) {
  // EC2 accepts 128–10240 units; Fargate's own table is checked by validate_fargate_requirements.
  if (td.cpu && !td.requires_compatibility("FARGATE") && (*td.cpu < 128 || *td.cpu > 10240))
    client_error("Invalid 'cpu' setting for task.");
}

void validate_fargate_requirements(const TaskDefinition& td) {
  if (!td.requires_compatibility("FARGATE")) return;
  if (td.network_mode != "awsvpc") client_error("Fargate only supports network mode \u2018awsvpc\u2019.");  // [observed]
  if (!td.cpu) client_error("Fargate requires that 'cpu' be defined at the task level.");                // [observed]
  if (!td.memory) client_error("Fargate requires that 'memory' be defined at the task level.");          // [observed]
  if (!fargate_cpu_value(*td.cpu)) client_error("Invalid 'cpu' setting for task.");                      // [observed]
  if (!fargate_size_supported(*td.cpu, *td.memory))
    client_error("No Fargate configuration exists for given values: " + std::to_string(*td.cpu) + " CPU, " +
                 std::to_string(*td.memory) + " memory. See the Amazon ECS documentation for the valid values.");
  if (td.operating_system_family.rfind("WINDOWS", 0) == 0 && *td.cpu < 1024)
    client_error("Fargate Windows tasks require a task 'cpu' of at least 1024 (1 vCPU).");
}

void validate_fargate_features(const TaskDefinition& td) {
  if (!td.requires_compatibility("FARGATE")) return;
  if (td.pid_mode == "host") fargate_unsupported("pidMode 'host'");
  if (!td.ipc_mode.empty()) fargate_unsupported("ipcMode");
  if (td.has_placement_constraints) fargate_unsupported("task placement constraints");
  if (td.has_inference_accelerators) fargate_unsupported("inference accelerators");
  for (const auto& v : td.volumes) {
    if (v.host_source_path) fargate_unsupported("host volumes with a sourcePath (volume " + quoted(v.name) + ")");
    if (v.docker_volume) fargate_unsupported("dockerVolumeConfiguration (volume " + quoted(v.name) + ")");
    if (v.fsx_windows) fargate_unsupported("FSx for Windows File Server volumes on Linux");
  }
  for (const auto& c : td.containers) {
    if (c.privileged) fargate_unsupported("privileged containers (container " + quoted(c.name) + ")");
    if (!c.docker_security_options.empty()) fargate_unsupported("dockerSecurityOptions (container " + quoted(c.name) + ")");
  }
}

void validate_container_memory(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    if (c.cpu < 0) client_error("Invalid 'cpu' setting for container " + quoted(c.name) + ".");
    if (c.memory && *c.memory < 6)
      client_error("Invalid 'memory' setting for container " + quoted(c.name) + ". The minimum is 6 MiB.");
    if (c.memory_reservation && *c.memory_reservation < 6)
      client_error("Invalid 'memoryReservation' setting for container " + quoted(c.name) + ". The minimum is 6 MiB.");
    if (c.memory && c.memory_reservation && *c.memory < *c.memory_reservation)
      client_error("Invalid setting for container " + quoted(c.name) +
                   ". 'memory' must be greater than or equal to 'memoryReservation'.");
    if (!td.memory && !c.memory && !c.memory_reservation)  // [observed]
      client_error("Invalid setting for container " + quoted(c.name) +
                   ". At least one of 'memory' or 'memoryReservation' must be specified.");
  }
}

void validate_memory_against_task(const TaskDefinition& td) {
  if (!td.memory) return;
  long long reserved = 0;
  for (const auto& c : td.containers) {
    if (c.memory && *c.memory > *td.memory)  // [observed]
      client_error("The 'memory' setting for container " + quoted(c.name) + " is greater than for the task.");
    reserved += c.memory_reservation ? *c.memory_reservation : c.memory.value_or(0);
  }
  if (reserved > *td.memory)
    client_error("The sum of all container memory reservations cannot be greater than the value of the task 'memory'.");
}

void validate_cpu_against_task(const TaskDefinition& td) {
  if (!td.cpu) return;
  long long total = 0;
  for (const auto& c : td.containers) total += c.cpu;
  if (total > *td.cpu)  // [observed]
    client_error("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
}

void validate_network_mode_rules(const TaskDefinition& td) {
  const std::string& mode = td.network_mode;
  for (const auto& c : td.containers) {
    if (mode == "awsvpc" || mode == "host") {
      for (const auto& pm : c.port_mappings)
        if (pm.host_port && pm.container_port && *pm.host_port != *pm.container_port)  // [observed]
          client_error("When networkMode=" + mode + ", the host ports and container ports in port mappings must match.");
    }
    if (mode == "awsvpc" && !c.links.empty()) client_error("Links are not supported when networkMode=awsvpc");  // [observed]
    if (mode == "awsvpc" && !c.hostname.empty())
      client_error("The 'hostname' setting of container " + quoted(c.name) + " is not supported when networkMode=awsvpc.");
    if (mode == "none" && !c.port_mappings.empty())
      client_error("Port mappings are not supported when networkMode=none (container " + quoted(c.name) + ").");
  }
}

void validate_port_mappings(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    std::set<int> ports;
    for (const auto& pm : c.port_mappings) {
      if (!pm.container_port_range.empty()) continue;
      if (!valid_port(pm.container_port, 1))  // [observed]
        client_error("Invalid 'containerPort' setting for container " + quoted(c.name) + ".");
      if (pm.host_port && !valid_port(pm.host_port, 0))
        client_error("Invalid 'hostPort' setting for container " + quoted(c.name) + ".");
      if (!ports.insert(*pm.container_port).second)  // [observed]
        invalid_parameter("Container port " + std::to_string(*pm.container_port) +
                          " is used in more than one port mapping for container " + c.name);
    }
  }
}

void validate_port_mapping_names(const TaskDefinition& td) {
  std::set<std::string> names;
  for (const auto& c : td.containers) {
    for (const auto& pm : c.port_mappings) {
      if (pm.name.empty()) {
        if (!pm.app_protocol.empty())
          invalid_parameter("A port mapping of container " + quoted(c.name) +
                            " sets 'appProtocol' without a 'name'; Service Connect needs the name.");
        continue;
      }
      if (!valid_port_mapping_name(pm.name))
        invalid_parameter("Invalid port mapping name " + quoted(pm.name) + " in container " + quoted(c.name) +
                          ": up to 64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen.");
      if (!names.insert(pm.name).second)
        invalid_parameter("Port mapping names must be unique within a task definition: " + quoted(pm.name) +
                          " is used more than once.");
    }
  }
}

void validate_dependencies(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    for (const auto& dep : c.depends_on) {
      const ContainerDefinition* target = td.find_container(dep.container_name);
      if (!target)
        client_error("Container " + quoted(c.name) + " depends on container " + quoted(dep.container_name) +
                     ", which is not defined in the task definition.");
      if (target == &c) client_error("Container " + quoted(c.name) + " cannot depend on itself.");
      if ((dep.condition == "COMPLETE" || dep.condition == "SUCCESS") && target->essential)  // [observed]
        client_error("A dependency container with SUCCESS or COMPLETE condition cannot be an essential container");
      if (dep.condition == "HEALTHY" && !target->health_check)
        client_error("Container " + quoted(c.name) + " depends on container " + quoted(dep.container_name) +
                     " with condition HEALTHY, but " + quoted(dep.container_name) + " has no healthCheck.");
    }
  }
}

void validate_dependency_cycles(const TaskDefinition& td) {
  // Edges: dependsOn targets, and link targets ("name" or "name:alias").
  auto has_cycle = [&td](const std::function<std::vector<std::string>(const ContainerDefinition&)>& edges) {
    std::map<std::string, int> state;  // 0 unvisited, 1 on the stack, 2 done
    std::function<bool(const ContainerDefinition&)> visit = [&](const ContainerDefinition& c) {
      state[c.name] = 1;
      for (const auto& next : edges(c)) {
        const ContainerDefinition* target = td.find_container(next);
        if (!target || state[next] == 2) continue;
        if (state[next] == 1 || visit(*target)) return true;
      }
      state[c.name] = 2;
      return false;
    };
    return std::any_of(td.containers.begin(), td.containers.end(),
                       [&](const auto& c) { return state[c.name] == 0 && visit(c); });
  };
  if (has_cycle([](const ContainerDefinition& c) {
        std::vector<std::string> out;
        for (const auto& d : c.depends_on) out.push_back(d.container_name);
        return out;
      }))
    client_error("Container dependencies (dependsOn) should not have a cycle.");
  if (has_cycle([](const ContainerDefinition& c) {
        std::vector<std::string> out;
        for (const auto& l : c.links) out.push_back(l.substr(0, l.find(':')));
        return out;
      }))
    client_error("Container links should not have a cycle");  // [observed]
}

void validate_health_checks(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    if (!c.health_check) continue;
    const HealthCheck& hc = *c.health_check;
    if (hc.command.empty())
      client_error("Invalid 'healthCheck.command' setting for container " + quoted(c.name) + ". It must not be empty.");
    check_range(hc.interval_seconds, 5, 300, "healthCheck.interval", c.name);
    check_range(hc.timeout_seconds, 2, 60, "healthCheck.timeout", c.name);
    check_range(hc.retries, 1, 10, "healthCheck.retries", c.name);
    check_range(hc.start_period_seconds, 0, 300, "healthCheck.startPeriod", c.name);
  }
}

void validate_log_configurations(const TaskDefinition& td) {
  const bool fargate = td.requires_compatibility("FARGATE");
  for (const auto& c : td.containers) {
    if (!c.log_configuration) continue;
    const LogConfiguration& log = *c.log_configuration;
    if (fargate && log.log_driver != "awslogs" && log.log_driver != "splunk" && log.log_driver != "awsfirelens")
      fargate_unsupported("the " + log.log_driver + " log driver (container " + quoted(c.name) + ")");
    if (log.log_driver != "awslogs") continue;
    // Fargate ships awslogs with the execution role's credentials [observed].
    if (fargate && td.execution_role_arn.empty())
      client_error("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
    std::vector<std::string> required{"awslogs-region", "awslogs-group"};
    if (fargate) required.push_back("awslogs-stream-prefix");
    std::string missing;
    for (const auto& option : required)
      if (!log.options.count(option) || log.options.at(option).empty()) missing += (missing.empty() ? "" : ", ") + option;
    if (!missing.empty()) client_error("Log driver awslogs requires options: " + missing);  // [observed]
    if (log.options.count("awslogs-datetime-format") && log.options.count("awslogs-multiline-pattern"))
      client_error("Log driver awslogs: 'awslogs-datetime-format' and 'awslogs-multiline-pattern' cannot both be set "
                   "(container " + quoted(c.name) + ").");
  }
}

// Secrets are read with the execution role: ECS refuses them without one [observed]. A secret
// needs a name and a valueFrom, unique names per container.
void validate_secrets(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    std::vector<SecretRef> all = c.secrets;
    if (c.log_configuration)
      all.insert(all.end(), c.log_configuration->secret_options.begin(), c.log_configuration->secret_options.end());
    if (all.empty()) continue;
    if (td.execution_role_arn.empty())
      client_error("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
    std::set<std::string> names;
    for (const auto& s : c.secrets) {
      if (s.name.empty() || s.value_from.empty())
        client_error("Container " + quoted(c.name) + ": every secret needs a name and a valueFrom.");
      if (!names.insert(s.name).second)
        client_error("Container " + quoted(c.name) + " defines the secret " + quoted(s.name) + " more than once.");
    }
  }
}

void validate_stop_timeouts(const TaskDefinition& td) {
  const int max_stop = td.requires_compatibility("FARGATE") ? 120 : 86400;
  for (const auto& c : td.containers) {
    check_range(c.stop_timeout_seconds, 0, max_stop, "stopTimeout", c.name);
    check_range(c.start_timeout_seconds, 0, 86400, "startTimeout", c.name);
  }
}

void validate_volumes(const TaskDefinition& td) {
  std::set<std::string> names;
  for (const auto& v : td.volumes) {
    if (v.name.empty()) client_error("Volume.name should not be null or empty.");
    if (!is_valid_name(v.name)) client_error("Volume.name contains invalid characters.");
    if (!names.insert(v.name).second) client_error("Volume names must be unique within a Task Definition.");
  }
  for (const auto& c : td.containers) {
    for (const auto& mp : c.mount_points)
      if (!td.find_volume(mp.source_volume))
        client_error("Container " + quoted(c.name) + " mounts volume " + quoted(mp.source_volume) +
                     ", which is not defined in the task definition's volumes.");
    for (const auto& vf : c.volumes_from)
      if (!td.find_container(vf.source_container) || vf.source_container == c.name)
        client_error("Container " + quoted(c.name) + " takes volumes from " + quoted(vf.source_container) +
                     ", which is not another container of the task definition.");
  }
}

void validate_ephemeral_storage(const TaskDefinition& td) {
  if (td.ephemeral_storage_gib && (*td.ephemeral_storage_gib < 21 || *td.ephemeral_storage_gib > 200))
    client_error("Invalid 'ephemeralStorage.sizeInGiB' setting for task: the size must be between 21 GiB and 200 GiB.");
}

void validate_proxy_configuration(const TaskDefinition& td) {
  if (!td.proxy_container_name.empty() && !td.find_container(td.proxy_container_name))
    client_error("The proxyConfiguration container " + quoted(td.proxy_container_name) +
                 " is not defined in the task definition.");
}

void validate_registration(const TaskDefinition& td) {
  validate_family(td.family);
  validate_container_list(td);
  validate_container_names(td);
  validate_container_images(td);
  validate_fargate_requirements(td);
  validate_task_cpu(td);
  validate_essential_container(td);
  validate_container_memory(td);
  validate_memory_against_task(td);
  validate_cpu_against_task(td);
  validate_network_mode_rules(td);
  validate_port_mappings(td);
  validate_port_mapping_names(td);
  validate_dependencies(td);
  validate_dependency_cycles(td);
  validate_health_checks(td);
  validate_log_configurations(td);
  validate_secrets(td);
  validate_stop_timeouts(td);
  validate_volumes(td);
  validate_ephemeral_storage(td);
  validate_proxy_configuration(td);
  validate_fargate_features(td);
}

}  // namespace ecslocal::api::ecs
