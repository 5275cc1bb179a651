#include "api/ecs/task_definition_mapping.hpp"

#include <algorithm>
#include <climits>

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"
#include "api/ecs/task_definition_validation.hpp"
#include "api/protocol/model.hpp"
#include "api/protocol/shape_walker.hpp"

namespace ecslocal::api::ecs {
namespace {

using json_read::flag;
using json_read::items;
using json_read::strings;

std::map<std::string, std::string> string_map(const Json& o, const char* key) {
  std::map<std::string, std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

std::vector<SecretRef> secrets(const Json& o, const char* key) {
  std::vector<SecretRef> out;
  for (const auto& s : items(o, key)) out.push_back({json_read::string_or_empty(s, "name"), json_read::string_or_empty(s, "valueFrom")});
  return out;
}

void drop_nulls(Json& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        drop_nulls(*it);
        ++it;
      }
    }
  } else if (v.is_array()) {
    Json kept = Json::array();
    for (auto& item : v)
      if (!item.is_null()) {
        drop_nulls(item);
        kept.push_back(std::move(item));
      }
    v = std::move(kept);
  }
}

// --- defaults ECS fills in at registration ---

void default_member(Json& o, const char* key, Json value) {
  if (!o.contains(key)) o[key] = std::move(value);
}

void apply_container_defaults(Json& c, const std::string& network_mode) {
  default_member(c, "cpu", 0);
  default_member(c, "portMappings", Json::array());
  default_member(c, "essential", true);
  default_member(c, "environment", Json::array());
  default_member(c, "mountPoints", Json::array());
  default_member(c, "volumesFrom", Json::array());
  for (auto& pm : c["portMappings"]) {
    default_member(pm, "protocol", "tcp");
    if ((network_mode == "awsvpc" || network_mode == "host") && pm.contains("containerPort"))
      default_member(pm, "hostPort", pm["containerPort"]);
  }
  if (c.contains("healthCheck")) {
    Json& hc = c["healthCheck"];
    default_member(hc, "interval", 30);
    default_member(hc, "timeout", 5);
    default_member(hc, "retries", 3);
  }
}

Json normalized_document(const Json& request) {
  Json doc = request;
  drop_nulls(doc);
  const auto* shape = protocol::ServiceModel::get("ecs").find_shape("TaskDefinition");
  if (shape) protocol::shape_output(*shape, doc, /*strict=*/false);  // keeps the TaskDefinition members only
  default_member(doc, "networkMode", "bridge");
  default_member(doc, "volumes", Json::array());
  default_member(doc, "placementConstraints", Json::array());
  default_member(doc, "containerDefinitions", Json::array());
  if (doc.contains("cpu")) doc["cpu"] = normalize_task_cpu(doc["cpu"].get<std::string>());
  if (doc.contains("memory")) doc["memory"] = normalize_task_memory(doc["memory"].get<std::string>());
  const std::string network_mode = doc["networkMode"].get<std::string>();
  for (auto& c : doc["containerDefinitions"]) apply_container_defaults(c, network_mode);
  return doc;
}

// --- typed view of the normalised document ---

PortMapping port_mapping_from(const Json& o) {
  PortMapping pm;
  pm.container_port = json_read::optional_int(o, "containerPort");
  pm.host_port = json_read::optional_int(o, "hostPort");
  pm.protocol = json_read::string_or_empty(o, "protocol");
  pm.name = json_read::string_or_empty(o, "name");
  pm.app_protocol = json_read::string_or_empty(o, "appProtocol");
  pm.container_port_range = json_read::string_or_empty(o, "containerPortRange");
  return pm;
}

HealthCheck health_check_from(const Json& o) {
  HealthCheck hc;
  hc.command = strings(o, "command");
  hc.interval_seconds = json_read::optional_int(o, "interval").value_or(30);
  hc.timeout_seconds = json_read::optional_int(o, "timeout").value_or(5);
  hc.retries = json_read::optional_int(o, "retries").value_or(3);
  hc.start_period_seconds = json_read::optional_int(o, "startPeriod");
  return hc;
}

LogConfiguration log_configuration_from(const Json& o) {
  return LogConfiguration{json_read::string_or_empty(o, "logDriver"), string_map(o, "options"), secrets(o, "secretOptions")};
}

void read_container_lists(const Json& o, ContainerDefinition& c) {
  c.entry_point = strings(o, "entryPoint");
  c.command = strings(o, "command");
  for (const auto& e : items(o, "environment")) c.environment.push_back({json_read::string_or_empty(e, "name"), json_read::string_or_empty(e, "value")});
  for (const auto& f : items(o, "environmentFiles")) c.environment_files.push_back(json_read::string_or_empty(f, "value"));
  c.secrets = secrets(o, "secrets");
  for (const auto& pm : items(o, "portMappings")) c.port_mappings.push_back(port_mapping_from(pm));
  for (const auto& m : items(o, "mountPoints"))
    c.mount_points.push_back({json_read::string_or_empty(m, "sourceVolume"), json_read::string_or_empty(m, "containerPath"), flag(m, "readOnly")});
  for (const auto& v : items(o, "volumesFrom")) c.volumes_from.push_back({json_read::string_or_empty(v, "sourceContainer"), flag(v, "readOnly")});
  for (const auto& d : items(o, "dependsOn")) c.depends_on.push_back({json_read::string_or_empty(d, "containerName"), json_read::string_or_empty(d, "condition")});
  c.links = strings(o, "links");
  c.dns_servers = strings(o, "dnsServers");
  c.dns_search_domains = strings(o, "dnsSearchDomains");
  c.docker_security_options = strings(o, "dockerSecurityOptions");
  for (const auto& h : items(o, "extraHosts")) c.extra_hosts.push_back({json_read::string_or_empty(h, "hostname"), json_read::string_or_empty(h, "ipAddress")});
  for (const auto& u : items(o, "ulimits"))
    c.ulimits.push_back({json_read::string_or_empty(u, "name"), json_read::optional_int(u, "softLimit").value_or(0), json_read::optional_int(u, "hardLimit").value_or(0)});
  for (const auto& s : items(o, "systemControls")) c.system_controls[json_read::string_or_empty(s, "namespace")] = json_read::string_or_empty(s, "value");
}

void read_linux_parameters(const Json& o, ContainerDefinition& c) {
  auto it = o.find("linuxParameters");
  if (it == o.end() || !it->is_object()) return;
  c.init_process_enabled = flag(*it, "initProcessEnabled");
  c.shared_memory_size_mib = json_read::optional_int(*it, "sharedMemorySize");
  auto caps = it->find("capabilities");
  if (caps != it->end() && caps->is_object()) {
    c.capabilities_add = strings(*caps, "add");
    c.capabilities_drop = strings(*caps, "drop");
  }
}

ContainerDefinition container_from(const Json& o) {
  ContainerDefinition c;
  c.name = json_read::string_or_empty(o, "name");
  c.image = json_read::string_or_empty(o, "image");
  c.cpu = json_read::optional_int(o, "cpu").value_or(0);
  c.memory = json_read::optional_int(o, "memory");
  c.memory_reservation = json_read::optional_int(o, "memoryReservation");
  c.essential = !o.contains("essential") || flag(o, "essential");
  c.start_timeout_seconds = json_read::optional_int(o, "startTimeout");
  c.stop_timeout_seconds = json_read::optional_int(o, "stopTimeout");
  c.hostname = json_read::string_or_empty(o, "hostname");
  c.user = json_read::string_or_empty(o, "user");
  c.working_directory = json_read::string_or_empty(o, "workingDirectory");
  c.privileged = flag(o, "privileged");
  c.readonly_root_filesystem = flag(o, "readonlyRootFilesystem");
  c.disable_networking = flag(o, "disableNetworking");
  c.interactive = flag(o, "interactive");
  c.pseudo_terminal = flag(o, "pseudoTerminal");
  c.docker_labels = string_map(o, "dockerLabels");
  c.has_repository_credentials = o.contains("repositoryCredentials");
  if (o.contains("firelensConfiguration")) c.firelens_type = json_read::string_or_empty(o["firelensConfiguration"], "type");
  if (o.contains("healthCheck")) c.health_check = health_check_from(o["healthCheck"]);
  if (o.contains("logConfiguration")) c.log_configuration = log_configuration_from(o["logConfiguration"]);
  read_container_lists(o, c);
  read_linux_parameters(o, c);
  return c;
}

Volume volume_from(const Json& o) {
  Volume v;
  v.name = json_read::string_or_empty(o, "name");
  auto host = o.find("host");
  if (host != o.end() && host->is_object() && host->contains("sourcePath")) v.host_source_path = json_read::string_or_empty(*host, "sourcePath");
  auto docker = o.find("dockerVolumeConfiguration");
  if (docker != o.end()) {
    v.docker_volume = true;
    v.docker_volume_driver = json_read::string_or_empty(*docker, "driver");
  }
  v.efs = o.contains("efsVolumeConfiguration");
  v.fsx_windows = o.contains("fsxWindowsFileServerVolumeConfiguration");
  return v;
}

void read_task_level(const Json& doc, TaskDefinition& td) {
  td.family = json_read::string_or_empty(doc, "family");
  td.network_mode = json_read::string_or_empty(doc, "networkMode");
  if (doc.contains("cpu")) td.cpu = std::stoi(doc["cpu"].get<std::string>());
  if (doc.contains("memory")) td.memory = std::stoi(doc["memory"].get<std::string>());
  td.requires_compatibilities = strings(doc, "requiresCompatibilities");
  td.task_role_arn = json_read::string_or_empty(doc, "taskRoleArn");
  td.execution_role_arn = json_read::string_or_empty(doc, "executionRoleArn");
  td.pid_mode = json_read::string_or_empty(doc, "pidMode");
  td.ipc_mode = json_read::string_or_empty(doc, "ipcMode");
  if (doc.contains("ephemeralStorage")) td.ephemeral_storage_gib = json_read::optional_int(doc["ephemeralStorage"], "sizeInGiB");
  if (doc.contains("runtimePlatform")) {
    td.operating_system_family = json_read::string_or_empty(doc["runtimePlatform"], "operatingSystemFamily");
    td.cpu_architecture = json_read::string_or_empty(doc["runtimePlatform"], "cpuArchitecture");
  }
  if (doc.contains("proxyConfiguration")) td.proxy_container_name = json_read::string_or_empty(doc["proxyConfiguration"], "containerName");
  td.has_placement_constraints = !items(doc, "placementConstraints").empty();
  td.has_inference_accelerators = !items(doc, "inferenceAccelerators").empty();
}

const char* status_name(TaskDefinitionStatus status) {
  return status == TaskDefinitionStatus::Active ? "ACTIVE" : "INACTIVE";
}

}  // namespace

TaskDefinition task_definition_from_request(const Json& request) {
  return task_definition_from_document(normalized_document(request));
}

TaskDefinition task_definition_from_document(Json document) {
  TaskDefinition td;
  td.document = std::move(document);
  read_task_level(td.document, td);
  for (const auto& c : items(td.document, "containerDefinitions")) td.containers.push_back(container_from(c));
  for (const auto& v : items(td.document, "volumes")) td.volumes.push_back(volume_from(v));
  return td;
}

std::vector<Tag> tags_from_request(const Json& request) { return tags_from_json(items(request, "tags")); }

Json task_definition_to_wire(const TaskDefinition& td) {
  Json out = td.document;
  out["taskDefinitionArn"] = td.arn;
  out["family"] = td.family;
  out["revision"] = td.revision;
  out["status"] = status_name(td.status);
  out["compatibilities"] = td.compatibilities;
  Json attributes = Json::array();
  for (const auto& name : td.requires_attributes) attributes.push_back({{"name", name}});
  out["requiresAttributes"] = std::move(attributes);
  out["registeredAt"] = epoch_seconds(td.registered_at);
  out["registeredBy"] = td.registered_by;
  if (td.deregistered_at) out["deregisteredAt"] = epoch_seconds(*td.deregistered_at);
  return out;
}

Json tags_to_wire(const std::vector<Tag>& tags) { return tags_to_json(tags); }

DescribeTaskDefinitionInput describe_input(const Json& request) {
  DescribeTaskDefinitionInput in;
  in.task_definition = json_read::string_or_empty(request, "taskDefinition");
  for (const auto& field : strings(request, "include"))
    if (field == "TAGS") in.include_tags = true;
  return in;
}

ListTaskDefinitionsInput list_task_definitions_input(const Json& request) {
  ListTaskDefinitionsInput in;
  in.family = json_read::string_or_empty(request, "familyPrefix");
  if (auto status = json_read::optional_string(request, "status")) in.status = *status;
  in.descending = json_read::string_or_empty(request, "sort") == "DESC";
  in.next_token = json_read::optional_string(request, "nextToken");
  in.max_results = json_read::optional_long(request, "maxResults");
  return in;
}

ListFamiliesInput list_families_input(const Json& request) {
  ListFamiliesInput in;
  in.family_prefix = json_read::string_or_empty(request, "familyPrefix");
  if (auto status = json_read::optional_string(request, "status")) in.status = *status;
  in.next_token = json_read::optional_string(request, "nextToken");
  in.max_results = json_read::optional_long(request, "maxResults");
  return in;
}

std::string deregister_input(const Json& request) { return json_read::string_or_empty(request, "taskDefinition"); }

Json register_output(const TaskDefinition& td, const std::vector<Tag>& tags) {
  Json out{{"taskDefinition", task_definition_to_wire(td)}};
  if (!tags.empty()) out["tags"] = tags_to_wire(tags);
  return out;
}

Json describe_output(const TaskDefinition& td, const std::vector<Tag>* tags) {
  Json out{{"taskDefinition", task_definition_to_wire(td)}};
  if (tags) out["tags"] = tags_to_wire(*tags);
  return out;
}

Json deregister_output(const TaskDefinition& td) { return Json{{"taskDefinition", task_definition_to_wire(td)}}; }

Json list_task_definitions_output(const std::vector<std::string>& arns, const std::optional<std::string>& next_token) {
  Json out{{"taskDefinitionArns", arns}};
  if (next_token) out["nextToken"] = *next_token;
  return out;
}

Json list_families_output(const std::vector<std::string>& families, const std::optional<std::string>& next_token) {
  Json out{{"families", families}};
  if (next_token) out["nextToken"] = *next_token;
  return out;
}

}  // namespace ecslocal::api::ecs
