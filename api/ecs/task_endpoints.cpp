#include "api/ecs/task_endpoints.hpp"

#include <cstdio>
#include <ctime>
#include <optional>
#include <random>

#include "api/common/hash.hpp"
#include "api/ecs/provider.hpp"
#include "api/ecs/service_connect.hpp"
#include "api/ecs/task_log_groups.hpp"
#include "api/ecs/task_mapping.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr const char* kHex = "0123456789abcdef";

std::string secure_hex(size_t digits) {
  std::random_device source;  // the system's random source: ids a task must not guess
  std::string out;
  while (out.size() < digits) {
    unsigned value = source();
    for (int i = 0; i < 8 && out.size() < digits; ++i, value >>= 4) out.push_back(kHex[value & 0xf]);
  }
  return out;
}

MetadataReply json_reply(int status, const Json& body) { return {status, body.dump()}; }
MetadataReply not_found(const std::string& message) { return json_reply(404, Json(message)); }
MetadataReply error_reply(int status, const std::string& code, const std::string& message) {
  return json_reply(status, Json{{"code", code}, {"message", message}});
}

std::string expiration_text(Clock::time_point t) {
  std::time_t seconds = Clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

const char* desired_text(const Task& task) { return task.desired_status == DesiredStatus::Stopped ? "STOPPED" : "RUNNING"; }

// The agent's internal statuses (NONE, PULLED, RUNNING, STOPPED), as TMDS shows them.
const char* known_text(const Task& task) {
  if (task.stopped()) return "STOPPED";
  if (task.last_status >= TaskStatus::Running) return "RUNNING";
  return task.pull_stopped_at ? "PULLED" : "NONE";
}

const char* known_text(const Task& task, const Container& c) {
  if (c.status == ContainerStatus::Stopped) return "STOPPED";
  if (c.status == ContainerStatus::Running) return "RUNNING";
  return task.pull_stopped_at ? "PULLED" : "NONE";
}

// A relayed request comes from the task's own address on the endpoints network, or it is not the task's.
bool is_caller(const Task& task, const std::string& caller) { return caller.empty() || caller == task.endpoint_address; }

struct Found {
  Task* task = nullptr;
  EcsState* state = nullptr;
};

// The live task whose id `field` (endpoint_id or credentials_id) is `id`, if `caller` is it.
Found find_task(EcsStore& store, std::string Task::*field, const std::string& id, const std::string& caller) {
  Found found;
  if (id.empty()) return found;
  store.for_each([&](const std::string&, const std::string&, EcsState& state) {
    for (Task* t : state.tasks.all())
      if (!found.task && t->*field == id && !t->stopped() && is_caller(*t, caller)) found = {t, &state};
  });
  return found;
}

Json networks_of(EcsProvider& provider, const Task& task) {
  const vpc::NetworkInterface* eni = provider.eni_of(task);
  if (!eni) return Json::array();
  const vpc::VpcState& vpcs = provider.networks().at(task.account_id, task.region);
  Json net{{"NetworkMode", "awsvpc"}, {"IPv4Addresses", Json::array({eni->private_ipv4})}, {"AttachmentIndex", 0}};
  if (!eni->mac_address.empty()) net["MACAddress"] = eni->mac_address;
  if (const vpc::Subnet* subnet = vpcs.find_subnet(eni->subnet_id)) {
    net["IPv4SubnetCIDRBlock"] = subnet->cidr();
    net["SubnetGatewayIpv4Address"] = vpc::ipv4_text(subnet->block.network + 1) + "/" + std::to_string(subnet->block.prefix);
  }
  if (const vpc::Vpc* v = vpcs.find_vpc(eni->vpc_id))
    net["DomainNameServers"] = Json::array({vpc::ipv4_text(v->block.network + 2)});
  net["DomainNameSearchList"] =
      Json::array({task.region == "us-east-1" ? std::string("ec2.internal") : task.region + ".compute.internal"});
  if (!eni->private_dns_name.empty()) net["PrivateDNSName"] = eni->private_dns_name;
  return Json::array({net});
}

Json container_document(EcsProvider& provider, const Task& task, const Container& c, const ContainerDefinition* def) {
  Json out{{"DockerId", c.runtime_id}, {"Name", c.name}, {"DockerName", c.name}, {"Image", c.image}};
  if (!c.image_digest.empty()) out["ImageID"] = c.image_digest;
  if (def) {
    Json ports = Json::array();
    for (const auto& pm : def->port_mappings) {
      if (!pm.container_port) continue;
      ports.push_back({{"ContainerPort", *pm.container_port},
                       {"Protocol", pm.protocol.empty() ? "tcp" : pm.protocol},
                       {"HostPort", pm.host_port.value_or(*pm.container_port)}});
    }
    if (!ports.empty()) out["Ports"] = ports;
  }
  Json labels = Json::object();
  if (def)
    for (const auto& [k, v] : def->docker_labels) labels[k] = v;
  labels["com.amazonaws.ecs.cluster"] = task.cluster_arn;
  labels["com.amazonaws.ecs.container-name"] = c.name;
  labels["com.amazonaws.ecs.task-arn"] = task.arn;
  labels["com.amazonaws.ecs.task-definition-family"] = task.family;
  labels["com.amazonaws.ecs.task-definition-version"] = std::to_string(task.revision);
  out["Labels"] = labels;
  out["DesiredStatus"] = desired_text(task);
  out["KnownStatus"] = known_text(task, c);
  if (c.exit_code) out["ExitCode"] = *c.exit_code;
  Json limits{{"CPU", c.cpu}};
  if (c.memory) limits["Memory"] = *c.memory;
  out["Limits"] = limits;
  if (c.started_at) {
    out["CreatedAt"] = tmds_time(*c.started_at);  // Docker's create and start are one step here
    out["StartedAt"] = tmds_time(*c.started_at);
  }
  if (c.finished_at) out["FinishedAt"] = tmds_time(*c.finished_at);
  out["Type"] = "NORMAL";
  if (c.has_health_check) out["Health"] = Json{{"status", health_status_text(c.health)}};
  Json networks = networks_of(provider, task);
  if (!networks.empty()) out["Networks"] = networks;
  out["ContainerARN"] = c.arn;
  if (def && def->log_configuration) {
    out["LogDriver"] = def->log_configuration->log_driver;
    Json options = Json::object();
    for (const auto& [k, v] : def->log_configuration->options) options[k] = v;
    if (auto dest = awslogs_destination(task, *def); dest && !dest->stream.empty()) options["awslogs-stream"] = dest->stream;
    out["LogOptions"] = options;
  }
  out["Snapshotter"] = "overlayfs";
  return out;
}

Json task_document(EcsProvider& provider, const EcsState& state, const Task& task) {
  const TaskDefinition* td = state.task_definitions.find_by_arn(task.task_definition_arn);
  Json out{{"Cluster", task.cluster_arn},
           {"TaskARN", task.arn},
           {"Family", task.family},
           {"Revision", std::to_string(task.revision)},
           {"DesiredStatus", desired_text(task)},
           {"KnownStatus", known_text(task)}};
  Json limits = Json::object();
  try {
    if (task.cpu) limits["CPU"] = std::stod(*task.cpu) / 1024.0;
    if (task.memory) limits["Memory"] = std::stoll(*task.memory);
  } catch (const std::exception&) {
  }
  out["Limits"] = limits;
  if (task.pull_started_at) out["PullStartedAt"] = tmds_time(*task.pull_started_at);
  if (task.pull_stopped_at) out["PullStoppedAt"] = tmds_time(*task.pull_stopped_at);
  if (task.execution_stopped_at) out["ExecutionStoppedAt"] = tmds_time(*task.execution_stopped_at);
  if (!task.availability_zone.empty()) out["AvailabilityZone"] = task.availability_zone;
  if (!task.service_name.empty()) out["ServiceName"] = task.service_name;
  Json containers = Json::array();
  for (const auto& c : task.containers)
    containers.push_back(container_document(provider, task, c, td ? td->find_container(c.name) : nullptr));
  out["Containers"] = containers;
  out["LaunchType"] = task.launch_type;
  out["FaultInjectionEnabled"] = false;
  return out;
}

struct MetadataPath {
  std::string version;  // v3 | v4
  std::string id;       // the container's endpoint id
  std::string rest;     // "", /task, /stats, ... (no trailing slash)
};

std::optional<MetadataPath> metadata_path(const std::string& path) {
  if (path.rfind("/v3/", 0) != 0 && path.rfind("/v4/", 0) != 0) return std::nullopt;
  std::string rest = path.substr(4);
  const auto slash = rest.find('/');
  std::string id = rest.substr(0, slash);
  rest = slash == std::string::npos ? "" : rest.substr(slash);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  return MetadataPath{path.substr(1, 2), std::move(id), std::move(rest)};
}

bool is_stats_path(const std::string& rest) { return rest == "/stats" || rest == "/task/stats"; }

// The agent's stats document of container `docker_id` from what was read; null when there is none.
Json shaped_stats(ContainerStatsShaper& shaper, const std::vector<ContainerStatsDocument>& stats,
                  const std::string& docker_id, bool v4, Clock::time_point now) {
  for (const auto& s : stats) {
    if (s.id != docker_id) continue;
    if (!s.ok) return nullptr;
    Json doc = Json::parse(s.document, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return nullptr;
    return shaper.shape(docker_id, std::move(doc), s.task_interface, v4, now);
  }
  return nullptr;
}

}  // namespace

std::string new_endpoint_id(const std::string& route) { return route + secure_hex(24); }

std::string new_credentials_id(const std::string& route) {
  std::string r = secure_hex(24);
  const char variant = "89ab"[r[15] & 3];
  return route + "-" + r.substr(0, 4) + "-4" + r.substr(4, 3) + "-" + variant + r.substr(7, 3) + "-" + r.substr(10, 12);
}

std::string container_endpoint_id(const Task& task, const std::string& container_name) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%010llu",
                static_cast<unsigned long long>(fnv1a64(task.endpoint_id + "/" + container_name) % 10000000000ULL));
  return task.endpoint_id + "-" + digits;
}

std::string tmds_time(Clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
  long fraction = static_cast<long>(ns % 1000000000);
  if (fraction < 0) {
    fraction += 1000000000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[48];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%09ldZ", fraction);
  return text;
}

std::string TaskEndpoints::api_url() const {
  return api_port_ == 0 ? std::string() : std::string("http://") + kTaskApiAddress + ":" + std::to_string(api_port_);
}

void TaskEndpoints::on_task_network(DataPlane* data_plane) {
  if (api_open_ || api_port_ == 0 || !data_plane) return;
  ListenerRequest request;
  request.id = "ecslocal-task-api";
  request.address = kTaskApiAddress;
  request.port = api_port_;
  request.kind = "api";
  api_open_ = data_plane->open(request).ok;  // not yet (the address is not there): the next task tries again
}

MetadataReply TaskEndpoints::serve(const std::string& method, const std::string& path, const std::string& caller,
                                   Clock::time_point now) {
  if (method != "GET") return error_reply(405, "MethodNotAllowed", "the task endpoints answer GET only");
  const std::string credentials_prefix = "/v2/credentials";
  if (path.rfind(credentials_prefix, 0) == 0) {
    std::string id = path.substr(credentials_prefix.size());
    if (!id.empty() && id.front() == '/') id.erase(0, 1);
    if (!id.empty() && id.back() == '/') id.pop_back();
    if (id.empty()) return error_reply(400, "NoIdInRequest", "CredentialsV2Request: No ID in the request");
    return credentials(id, caller, now);
  }
  if (auto p = metadata_path(path)) return metadata(p->version, p->id, p->rest, caller, nullptr, now);
  if (path.rfind("/api/", 0) == 0) {
    const std::string rest = path.substr(5);
    const auto slash = rest.find('/');
    if (slash != std::string::npos && rest.substr(slash) == "/service-connect")
      return service_connect(rest.substr(0, slash), caller);
  }
  return not_found("no task endpoint at " + path);
}

MetadataReply TaskEndpoints::serve_stats(const std::string& method, const std::string& path, const std::string& caller,
                                         std::vector<ContainerStatsDocument> stats, Clock::time_point now) {
  if (method != "GET") return error_reply(405, "MethodNotAllowed", "the task endpoints answer GET only");
  auto p = metadata_path(path);
  if (!p || !is_stats_path(p->rest)) return not_found("no task endpoint at " + path);
  MetadataReply reply = metadata(p->version, p->id, p->rest, caller, &stats, now);
  reply.stats_of.clear();
  return reply;
}

// The Service Connect proxy of a task (the pause container) polls its configuration here.
MetadataReply TaskEndpoints::service_connect(const std::string& id, const std::string& caller) {
  const Found found = find_task(provider_.store(), &Task::endpoint_id, id, caller);
  Task* task = found.task;
  EcsState* in = found.state;
  const EcsService* service = task && !task->service_name.empty() ? in->services.find(task->cluster_name, task->service_name) : nullptr;
  if (!service) return not_found("no Service Connect configuration for endpoint id " + id);
  return json_reply(200, service_connect_config(*in, *service, task->started_by, provider_.discovery(), task->account_id,
                                                task->region, &task->service_connect_hosts));
}

MetadataReply TaskEndpoints::credentials(const std::string& id, const std::string& caller, Clock::time_point now) {
  Task* task = find_task(provider_.store(), &Task::credentials_id, id, caller).task;
  if (!task) return error_reply(404, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found");
  for (auto it = credentials_.begin(); it != credentials_.end();)  // the ones of gone tasks expire
    it = it->second.expiration <= now ? credentials_.erase(it) : std::next(it);
  auto cached = credentials_.find(id);
  if (cached == credentials_.end() || cached->second.expiration - now < kRenewBefore) {
    RoleCredentialIssuer* issuer = provider_.credential_issuer();
    if (!issuer) return error_reply(500, "InternalServerError", "no credential issuer (STS) in this ecslocal");
    RoleCredentials issued = issuer->issue_role_credentials(task->task_role_arn, task->id, kValidity, now);
    if (!issued.error.empty())
      return error_reply(500, "InternalServerError", "unable to get credentials for the task role: " + issued.error);
    cached = credentials_.insert_or_assign(id, std::move(issued)).first;
  }
  const RoleCredentials& c = cached->second;
  return json_reply(200, Json{{"RoleArn", task->task_role_arn},
                              {"AccessKeyId", c.access_key_id},
                              {"SecretAccessKey", c.secret_access_key},
                              {"Token", c.session_token},
                              {"Expiration", expiration_text(c.expiration)},
                              {"AccountId", c.account_id}});
}

MetadataReply TaskEndpoints::metadata(const std::string& version, const std::string& id, const std::string& rest,
                                      const std::string& caller, const std::vector<ContainerStatsDocument>* stats,
                                      Clock::time_point now) {
  const auto dash = id.find('-');
  const std::string task_part = id.substr(0, dash);
  const Found found = find_task(provider_.store(), &Task::endpoint_id, task_part, caller);
  const Container* container = nullptr;
  if (found.task)
    for (const auto& c : found.task->containers)
      if (container_endpoint_id(*found.task, c.name) == id) container = &c;
  if (!container)
    return not_found("V4 container metadata handler: unable to get task arn from request: unable to get task arn "
                     "from request: unknown endpoint id " + id);
  const Task& task = *found.task;
  const TaskDefinition* td = found.state->task_definitions.find_by_arn(task.task_definition_arn);
  if (rest.empty()) return json_reply(200, container_document(provider_, task, *container, td ? td->find_container(container->name) : nullptr));
  if (rest == "/task") return json_reply(200, task_document(provider_, *found.state, task));
  if (rest == "/taskWithTags") {
    Json doc = task_document(provider_, *found.state, task);
    Json tags = Json::object();
    for (const auto& tag : found.state->tags.get(task.arn)) tags[tag.key] = tag.value;
    doc["TaskTags"] = tags;
    return json_reply(200, doc);
  }
  if (rest == "/stats") return container_stats(version == "v4", id, *container, stats, now);
  if (rest == "/task/stats") return task_stats(version == "v4", task, stats, now);
  return not_found("no task metadata path " + rest);
}

// The agent: no Docker id yet, 404; no stats for it (not running, or Docker failed), v4 500 and
// v3 400, each with a JSON string.
MetadataReply TaskEndpoints::container_stats(bool v4, const std::string& id, const Container& container,
                                             const std::vector<ContainerStatsDocument>* stats, Clock::time_point now) {
  if (container.runtime_id.empty())
    return not_found(std::string(v4 ? "V4" : "V3") +
                     " container stats handler: unable to get container ID from request: unable to get docker ID "
                     "from v3 endpoint ID: " + id);
  const MetadataReply failed = json_reply(v4 ? 500 : 400, Json("Unable to get container stats for: " + container.runtime_id));
  if (container.status != ContainerStatus::Running) return failed;
  if (!stats) return MetadataReply{200, {}, {container.runtime_id}};
  Json shaped = shaped_stats(stats_, *stats, container.runtime_id, v4, now);
  return shaped.is_null() ? failed : json_reply(200, shaped);
}

// Every container of the task that Docker knows, by Docker id; one without stats (not running, or
// Docker failed) is {} on v4 and null on v3, as the agent answers.
MetadataReply TaskEndpoints::task_stats(bool v4, const Task& task, const std::vector<ContainerStatsDocument>* stats,
                                        Clock::time_point now) {
  std::vector<std::string> running;
  for (const auto& c : task.containers)
    if (!c.runtime_id.empty() && c.status == ContainerStatus::Running) running.push_back(c.runtime_id);
  if (!stats && !running.empty()) return MetadataReply{200, {}, running};
  Json out = Json::object();
  for (const auto& c : task.containers) {
    if (c.runtime_id.empty()) continue;
    Json shaped;
    if (stats && c.status == ContainerStatus::Running) shaped = shaped_stats(stats_, *stats, c.runtime_id, v4, now);
    out[c.runtime_id] = shaped.is_null() && v4 ? Json::object() : shaped;
  }
  return json_reply(200, out);
}

}  // namespace ecslocal::api::ecs
