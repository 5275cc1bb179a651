// Container create bodies and inspect / list parsing (API 1.41).
#include <algorithm>

#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/docker_time.hpp"

namespace ecslocal::runtime::docker_json {
namespace {

std::string port_key(std::uint16_t port, const std::string& protocol) {
  return std::to_string(port) + "/" + (protocol.empty() ? std::string("tcp") : protocol);
}

const char* mount_type(Mount::Type type) {
  switch (type) {
    case Mount::Type::bind: return "bind";
    case Mount::Type::volume: return "volume";
    case Mount::Type::tmpfs: return "tmpfs";
  }
  return "volume";
}

Json mount_json(const Mount& mount) {
  Json out = {{"Type", mount_type(mount.type)}, {"Target", mount.target}, {"ReadOnly", mount.read_only}};
  if (!mount.source.empty()) out["Source"] = mount.source;
  if (mount.type == Mount::Type::volume && !mount.volume_labels.empty()) {
    out["VolumeOptions"] = {{"Labels", mount.volume_labels}};
  }
  return out;
}

Json health_json(const HealthCheck& check) {
  Json out = {{"Test", check.test}};
  if (check.interval_ns > 0) out["Interval"] = check.interval_ns;
  if (check.timeout_ns > 0) out["Timeout"] = check.timeout_ns;
  if (check.start_period_ns > 0) out["StartPeriod"] = check.start_period_ns;
  if (check.retries > 0) out["Retries"] = check.retries;
  return out;
}

template <typename T>
void put_if(Json& doc, const char* key, const T& value) {
  if (!value.empty()) doc[key] = value;
}

template <typename T>
void put_if(Json& doc, const char* key, const std::optional<T>& value) {
  if (value) doc[key] = *value;
}

Json host_config(const ContainerCreateSpec& spec) {
  Json host = Json::object();
  put_if(host, "NetworkMode", spec.network_mode);
  if (spec.auto_remove) host["AutoRemove"] = true;
  Json bindings = Json::object();
  for (const auto& port : spec.port_bindings) {
    Json binding = {{"HostIp", port.host_ip}, {"HostPort", port.host_port ? std::to_string(port.host_port) : ""}};
    bindings[port_key(port.container_port, port.protocol)].push_back(binding);
  }
  if (!bindings.empty()) host["PortBindings"] = bindings;
  put_if(host, "CpuShares", spec.cpu_shares);
  put_if(host, "NanoCpus", spec.nano_cpus);
  put_if(host, "Memory", spec.memory_bytes);
  put_if(host, "MemoryReservation", spec.memory_reservation_bytes);
  put_if(host, "ShmSize", spec.shm_size_bytes);
  for (const auto& limit : spec.ulimits) {
    host["Ulimits"].push_back({{"Name", limit.name}, {"Soft", limit.soft}, {"Hard", limit.hard}});
  }
  if (spec.read_only_rootfs) host["ReadonlyRootfs"] = true;
  put_if(host, "Init", spec.init);
  if (spec.privileged) host["Privileged"] = true;
  put_if(host, "CapAdd", spec.cap_add);
  put_if(host, "CapDrop", spec.cap_drop);
  put_if(host, "SecurityOpt", spec.security_opt);
  put_if(host, "Sysctls", spec.sysctls);
  put_if(host, "Tmpfs", spec.tmpfs);
  for (const auto& mount : spec.mounts) host["Mounts"].push_back(mount_json(mount));
  put_if(host, "VolumesFrom", spec.volumes_from);
  put_if(host, "ExtraHosts", spec.extra_hosts);
  put_if(host, "Dns", spec.dns);
  put_if(host, "DnsSearch", spec.dns_search);
  return host;
}

}  // namespace

Json container_create_body(const ContainerCreateSpec& spec) {
  Json body = {{"Image", spec.image}};
  put_if(body, "Cmd", spec.cmd);
  put_if(body, "Entrypoint", spec.entrypoint);
  put_if(body, "Env", spec.env);
  put_if(body, "WorkingDir", spec.working_dir);
  put_if(body, "User", spec.user);
  put_if(body, "Labels", spec.labels);
  put_if(body, "Hostname", spec.hostname);
  if (spec.tty) body["Tty"] = true;
  if (spec.open_stdin) body["OpenStdin"] = true;
  if (spec.stdin_once) body["StdinOnce"] = true;
  put_if(body, "StopSignal", spec.stop_signal);
  put_if(body, "StopTimeout", spec.stop_timeout_s);
  if (spec.health_check) body["Healthcheck"] = health_json(*spec.health_check);
  Json exposed = Json::object();
  for (const auto& port : spec.port_bindings) exposed[port_key(port.container_port, port.protocol)] = Json::object();
  if (!exposed.empty()) body["ExposedPorts"] = exposed;
  body["HostConfig"] = host_config(spec);
  if (spec.endpoint && !spec.endpoint->network.empty()) {
    body["NetworkingConfig"] = {{"EndpointsConfig", {{spec.endpoint->network, endpoint_config(*spec.endpoint)}}}};
  }
  return body;
}

namespace {

std::string strip_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

std::vector<PublishedPort> parse_ports(const Json& ports) {
  std::vector<PublishedPort> out;
  for (const auto& [key, bindings] : ports.items()) {
    auto slash = key.find('/');
    std::uint16_t container_port = static_cast<std::uint16_t>(std::atoi(key.substr(0, slash).c_str()));
    std::string protocol = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
    if (!bindings.is_array()) continue;
    for (const auto& binding : bindings) {
      auto host_port = static_cast<std::uint16_t>(std::atoi(get_string(binding, "HostPort").c_str()));
      out.push_back(PublishedPort{container_port, protocol, get_string(binding, "HostIp"), host_port});
    }
  }
  return out;
}

void parse_state(const Json& state, ContainerInfo& info) {
  info.status = get_string(state, "Status");
  info.running = get_bool(state, "Running");
  info.oom_killed = get_bool(state, "OOMKilled");
  info.exit_code = static_cast<int>(get_int(state, "ExitCode"));
  info.pid = static_cast<int>(get_int(state, "Pid"));
  info.error = get_string(state, "Error");
  info.started_nano = parse_docker_time(get_string(state, "StartedAt"));
  info.finished_nano = parse_docker_time(get_string(state, "FinishedAt"));
  info.health_status = get_string(get_object(state, "Health"), "Status");
}

void parse_networks(const Json& settings, ContainerInfo& info) {
  for (const auto& [name, endpoint] : get_object(settings, "Networks").items()) {
    info.networks[name] = NetworkEndpoint{get_string(endpoint, "NetworkID"), get_string(endpoint, "IPAddress"),
                                          static_cast<int>(get_int(endpoint, "IPPrefixLen")),
                                          get_string(endpoint, "Gateway"), get_string(endpoint, "MacAddress")};
  }
  info.mac_address = get_string(settings, "MacAddress");
  if (info.mac_address.empty()) {
    for (const auto& [name, endpoint] : info.networks) {
      if (!endpoint.mac_address.empty()) {
        info.mac_address = endpoint.mac_address;
        break;
      }
    }
  }
  info.ports = parse_ports(get_object(settings, "Ports"));
}

}  // namespace

ContainerUsage parse_container_usage(const Json& doc) {
  ContainerUsage u;
  const Json& cpu = doc.value("cpu_stats", Json::object());
  if (cpu.is_object() && cpu.contains("cpu_usage") && cpu["cpu_usage"].is_object())
    u.cpu_total_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, get_int(cpu["cpu_usage"], "total_usage")));
  const Json& mem = doc.value("memory_stats", Json::object());
  if (mem.is_object()) {
    const auto usage = std::max<std::int64_t>(0, get_int(mem, "usage"));
    std::int64_t cache = 0;
    if (mem.contains("stats") && mem["stats"].is_object()) {
      const Json& stats = mem["stats"];
      cache = stats.contains("cache") ? get_int(stats, "cache") : get_int(stats, "inactive_file");  // v1 : v2
    }
    u.memory_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, usage - cache));
    u.memory_limit = static_cast<std::uint64_t>(std::max<std::int64_t>(0, get_int(mem, "limit")));
  }
  return u;
}

ContainerInfo parse_container_info(const Json& doc) {
  ContainerInfo info;
  info.id = get_string(doc, "Id");
  info.name = strip_slash(get_string(doc, "Name"));
  info.image_id = get_string(doc, "Image");
  info.created_nano = parse_docker_time(get_string(doc, "Created"));
  const Json& config = get_object(doc, "Config");
  info.image = get_string(config, "Image");
  info.labels = get_labels(config, "Labels");
  info.tty = get_bool(config, "Tty");
  info.network_mode = get_string(get_object(doc, "HostConfig"), "NetworkMode");
  parse_state(get_object(doc, "State"), info);
  parse_networks(get_object(doc, "NetworkSettings"), info);
  return info;
}

ContainerSummary parse_container_summary(const Json& doc) {
  ContainerSummary summary;
  summary.id = get_string(doc, "Id");
  auto names = get_strings(doc, "Names");
  if (!names.empty()) summary.name = strip_slash(names.front());
  summary.image = get_string(doc, "Image");
  summary.image_id = get_string(doc, "ImageID");
  summary.state = get_string(doc, "State");
  summary.status = get_string(doc, "Status");
  summary.created_s = get_int(doc, "Created");
  summary.labels = get_labels(doc, "Labels");
  return summary;
}

}  // namespace ecslocal::runtime::docker_json
