#include "api/ecs/task_spec_builder.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "api/ecs/task_endpoints.hpp"
#include "api/ecs/task_log_groups.hpp"
#include "runtime/labels.hpp"

namespace ecslocal::api::ecs {
namespace {

namespace labels = runtime::labels;

constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr int kDefaultStopTimeout = 30;

void put(runtime::Labels& out, std::string_view key, const std::string& value) { out[std::string(key)] = value; }

void merge(std::vector<EnvironmentVariable>& vars, const std::vector<EnvironmentVariable>& more) {
  for (const auto& v : more) {
    auto it = std::find_if(vars.begin(), vars.end(), [&](const EnvironmentVariable& e) { return e.name == v.name; });
    if (it != vars.end())
      it->value = v.value;
    else
      vars.push_back(v);
  }
}

std::vector<std::string> environment(const Task& task, const ContainerDefinition& def, const ContainerOverride* o,
                                     const ResolvedSecrets* secrets, const std::string& endpoint_url) {
  std::vector<EnvironmentVariable> vars = def.environment;
  if (o && o->environment) merge(vars, *o->environment);
  if (secrets)
    if (auto it = secrets->environment.find(def.name); it != secrets->environment.end()) merge(vars, it->second);
  auto add_default = [&vars](const std::string& name, const std::string& value) {
    auto set = [&](const EnvironmentVariable& e) { return e.name == name; };
    if (std::none_of(vars.begin(), vars.end(), set)) vars.push_back({name, value});
  };
  add_default("AWS_EXECUTION_ENV", task.launch_type == "FARGATE" ? "AWS_ECS_FARGATE" : "AWS_ECS_EC2");
  add_default("AWS_REGION", task.region);
  add_default("AWS_DEFAULT_REGION", task.region);
  if (!endpoint_url.empty()) add_default("AWS_ENDPOINT_URL", endpoint_url);
  // The agent's own variables: set whatever the definition says (as the agent does).
  auto set = [&vars](const std::string& name, const std::string& value) { merge(vars, {{name, value}}); };
  if (!task.endpoint_id.empty()) {
    const std::string base = std::string("http://") + kTaskEndpointsAddress;
    const std::string id = container_endpoint_id(task, def.name);
    set("ECS_CONTAINER_METADATA_URI", base + "/v3/" + id);
    set("ECS_CONTAINER_METADATA_URI_V4", base + "/v4/" + id);
  }
  if (!task.credentials_id.empty()) set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/" + task.credentials_id);
  std::vector<std::string> env;
  for (const auto& v : vars) env.push_back(v.name + "=" + v.value);
  return env;
}

runtime::HealthCheck health_check(const HealthCheck& hc) {
  runtime::HealthCheck out;
  out.test = hc.command;
  out.interval_ns = hc.interval_seconds * kSecondNs;
  out.timeout_ns = hc.timeout_seconds * kSecondNs;
  out.retries = hc.retries;
  out.start_period_ns = hc.start_period_seconds.value_or(0) * kSecondNs;
  return out;
}

runtime::DependencyCondition condition(const std::string& text) {
  if (text == "COMPLETE") return runtime::DependencyCondition::Complete;
  if (text == "SUCCESS") return runtime::DependencyCondition::Success;
  if (text == "HEALTHY") return runtime::DependencyCondition::Healthy;
  return runtime::DependencyCondition::Start;
}

runtime::Labels container_labels(const Task& task, const ContainerDefinition& def) {
  runtime::Labels out(def.docker_labels.begin(), def.docker_labels.end());
  out["com.amazonaws.ecs.cluster"] = task.cluster_arn;
  out["com.amazonaws.ecs.container-name"] = def.name;
  out["com.amazonaws.ecs.task-arn"] = task.arn;
  out["com.amazonaws.ecs.task-definition-family"] = task.family;
  out["com.amazonaws.ecs.task-definition-version"] = std::to_string(task.revision);
  put(out, labels::container, def.name);
  return out;
}

runtime::Labels task_labels(const Task& task, const vpc::Vpc& vpc, const vpc::NetworkInterface* eni) {
  runtime::Labels out;
  put(out, labels::managed, std::string(labels::managed_value));
  put(out, labels::task_arn, task.arn);
  put(out, labels::cluster, task.cluster_name);
  put(out, labels::account, task.account_id);
  put(out, labels::region, task.region);
  put(out, labels::task_definition, task.task_definition_arn);
  put(out, labels::vpc, vpc.id);
  if (eni) put(out, labels::subnet, eni->subnet_id);
  if (!task.service_name.empty()) put(out, labels::service, task.service_name);
  return out;
}

// Direct mounts of every container (mountPoints), by container name.
std::map<std::string, std::vector<runtime::Mount>> mount_points(const Task& task, const TaskDefinition& td) {
  std::map<std::string, std::vector<runtime::Mount>> out;
  for (const auto& c : td.containers) {
    for (const auto& mp : c.mount_points) {
      const Volume* volume = td.find_volume(mp.source_volume);
      if (!volume) continue;
      runtime::Mount m;
      m.type = volume->host_source_path ? runtime::Mount::Type::bind : runtime::Mount::Type::volume;
      m.source = volume->host_source_path ? *volume->host_source_path : task_volume_name(task, volume->name);
      m.target = mp.container_path;
      m.read_only = mp.read_only;
      out[c.name].push_back(m);
    }
  }
  return out;
}

std::vector<runtime::Mount> mounts_of(const ContainerDefinition& def, const std::map<std::string, std::vector<runtime::Mount>>& direct) {
  std::vector<runtime::Mount> out;
  if (auto it = direct.find(def.name); it != direct.end()) out = it->second;
  for (const auto& from : def.volumes_from) {
    auto it = direct.find(from.source_container);
    if (it == direct.end()) continue;
    for (auto m : it->second) {
      m.read_only = m.read_only || from.read_only;
      out.push_back(m);
    }
  }
  return out;
}

// The task's CPU units as a number, 0 when it has no task-level size.
long long task_cpu_units(const Task& task) {
  if (!task.cpu) return 0;
  try {
    return std::stoll(*task.cpu);
  } catch (const std::exception&) {
    return 0;
  }
}

void apply_resources(runtime::ContainerCreateSpec& create, const Task& task, const Container& c,
                     const ContainerDefinition& def) {
  if (c.cpu > 0) create.cpu_shares = std::max(c.cpu, 2);
  // Fargate caps the task at its size: each container may use up to the task's CPU (1024 units
  // = one CPU), so a busy task measures at most 100 % CPUUtilization.
  if (task.launch_type == "FARGATE")
    if (const long long units = task_cpu_units(task); units > 0) create.nano_cpus = units * 1'000'000'000LL / 1024;
  if (c.memory) create.memory_bytes = static_cast<std::int64_t>(*c.memory) * kMiB;
  if (c.memory_reservation) create.memory_reservation_bytes = static_cast<std::int64_t>(*c.memory_reservation) * kMiB;
  if (def.shared_memory_size_mib) create.shm_size_bytes = static_cast<std::int64_t>(*def.shared_memory_size_mib) * kMiB;
  for (const auto& u : def.ulimits) create.ulimits.push_back({u.name, u.soft_limit, u.hard_limit});
}

void apply_security(runtime::ContainerCreateSpec& create, const ContainerDefinition& def) {
  create.read_only_rootfs = def.readonly_root_filesystem;
  if (def.init_process_enabled) create.init = true;
  create.privileged = def.privileged;
  create.cap_add = def.capabilities_add;
  create.cap_drop = def.capabilities_drop;
  create.security_opt = def.docker_security_options;
  create.sysctls = def.system_controls;
}

runtime::TaskContainerSpec container_spec(const Task& task, const Container& c, const ContainerDefinition& def,
                                          const std::map<std::string, std::vector<runtime::Mount>>& direct,
                                          const ResolvedSecrets* secrets, const std::string& endpoint_url) {
  const ContainerOverride* o = task.overrides.find(def.name);
  runtime::TaskContainerSpec spec;
  spec.name = def.name;
  spec.essential = def.essential;
  auto& create = spec.create;
  create.image = def.image;
  if (!def.entry_point.empty()) create.entrypoint = def.entry_point;
  if (o && o->command && !o->command->empty())
    create.cmd = *o->command;
  else if (!def.command.empty())
    create.cmd = def.command;
  create.env = environment(task, def, o, secrets, endpoint_url);
  create.working_dir = def.working_directory;
  create.user = def.user;
  create.labels = container_labels(task, def);
  create.tty = def.pseudo_terminal;
  create.open_stdin = def.interactive;
  if (def.health_check) create.health_check = health_check(*def.health_check);
  apply_resources(create, task, c, def);
  apply_security(create, def);
  create.mounts = mounts_of(def, direct);
  for (const auto& d : def.depends_on) spec.depends_on.push_back({d.container_name, condition(d.condition)});
  spec.start_timeout_s = def.start_timeout_seconds;
  spec.stop_timeout_s = def.stop_timeout_seconds.value_or(kDefaultStopTimeout);
  create.stop_timeout_s = spec.stop_timeout_s;
  spec.ship_logs = awslogs_destination(task, def);
  return spec;
}

runtime::TaskNetworkSpec network_spec(const Task& task, const TaskDefinition& td, const vpc::Vpc& vpc,
                                      const vpc::NetworkInterface* found) {
  runtime::TaskNetworkSpec net;
  net.network = vpc.docker_network();
  net.cidr = vpc.cidr();
  net.gateway = vpc.gateway();
  put(net.network_labels, labels::managed, std::string(labels::managed_value));
  put(net.network_labels, labels::vpc, vpc.id);
  put(net.network_labels, labels::account, task.account_id);
  put(net.network_labels, labels::region, task.region);
  if (!found) return net;
  const auto& eni = *found;
  net.ipv4_address = eni.private_ipv4;
  net.hostname = eni.private_dns_name;
  if (!eni.private_dns_name.empty()) net.extra_hosts.push_back(eni.private_dns_name + ":" + eni.private_ipv4);
  net.publish_ip = eni.public_ipv4;
  if (eni.public_ipv4.empty()) return net;
  std::set<std::pair<int, std::string>> seen;
  for (const auto& c : td.containers)
    for (const auto& pm : c.port_mappings) {
      if (!pm.container_port || *pm.container_port <= 0 || *pm.container_port > 65535) continue;
      const std::string protocol = pm.protocol.empty() ? "tcp" : pm.protocol;
      if (!seen.insert({*pm.container_port, protocol}).second) continue;
      const auto port = static_cast<std::uint16_t>(*pm.container_port);
      net.published_ports.push_back({port, protocol, eni.public_ipv4, port});
    }
  return net;
}

}  // namespace

std::string task_volume_name(const Task& task, const std::string& volume_name) {
  return "ecslocal-" + task.id + "-" + volume_name;
}

runtime::TaskSpec build_task_spec(const Task& task, const TaskDefinition& td, const vpc::Vpc& vpc,
                                  const vpc::NetworkInterface* eni, const ResolvedSecrets* secrets,
                                  const std::string& endpoint_url) {
  runtime::TaskSpec spec;
  spec.key = task.arn;
  spec.labels = task_labels(task, vpc, eni);
  spec.network = network_spec(task, td, vpc, eni);
  const auto direct = mount_points(task, td);
  std::set<std::string> volumes;
  for (const auto& [name, mounts] : direct)
    for (const auto& m : mounts)
      if (m.type == runtime::Mount::Type::volume && volumes.insert(m.source).second) spec.volumes.push_back(m.source);
  for (const auto& c : task.containers) {
    const ContainerDefinition* def = td.find_container(c.name);
    if (def) spec.containers.push_back(container_spec(task, c, *def, direct, secrets, endpoint_url));
  }
  return spec;
}

std::optional<std::string> unsupported_start_reason(const TaskDefinition& td) {
  for (const auto& c : td.containers) {
    if (!c.environment_files.empty())
      return "ResourceInitializationError: failed to download env files: ecslocal does not read environment "
             "files from S3 yet (container " + c.name + ")";
  }
  return std::nullopt;
}

}  // namespace ecslocal::api::ecs
