#pragma once
// Value types of the Docker Engine client: what we ask Docker to make, and what it reports back.
// Plain data, runtime-neutral (containers, images, networks — no ECS concepts). Empty strings,
// empty vectors and unset optionals are left out of requests, so Docker's defaults apply.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace ecslocal::runtime {

using Labels = std::map<std::string, std::string>;

// ---- containers: create ----

struct PortBinding {
  std::uint16_t container_port = 0;
  std::string protocol = "tcp";  // tcp | udp | sctp
  std::string host_ip;           // empty: every host address
  std::uint16_t host_port = 0;   // 0: Docker picks a free port
};

struct Ulimit {
  std::string name;  // nofile, nproc, core, ...
  std::int64_t soft = 0;
  std::int64_t hard = 0;
};

struct Mount {
  enum class Type { bind, volume, tmpfs };
  Type type = Type::volume;
  std::string source;  // host path (bind) or volume name (volume; empty = anonymous)
  std::string target;  // path inside the container
  bool read_only = false;
  Labels volume_labels;  // labels of a volume Docker creates for this mount
};

struct HealthCheck {
  std::vector<std::string> test;  // ["CMD-SHELL", "curl -f localhost"] or ["CMD", ...] or ["NONE"]
  std::int64_t interval_ns = 0;   // 0: Docker's default
  std::int64_t timeout_ns = 0;
  std::int64_t start_period_ns = 0;
  int retries = 0;
};

// Attachment to a user-defined network at creation time (one network; more via connect_network).
struct EndpointSpec {
  std::string network;       // name or id
  std::string ipv4_address;  // fixed address; empty lets Docker's IPAM choose
  std::vector<std::string> aliases;
};

struct ContainerCreateSpec {
  std::string name;  // empty: Docker generates one
  std::string image;
  std::optional<std::vector<std::string>> cmd;         // unset: the image's CMD
  std::optional<std::vector<std::string>> entrypoint;  // unset: the image's ENTRYPOINT
  std::vector<std::string> env;                        // "KEY=value"
  std::string working_dir;
  std::string user;
  Labels labels;
  std::string hostname;
  bool tty = false;
  bool open_stdin = false;
  bool stdin_once = false;   // Docker closes the container's stdin when the attached client leaves
  bool auto_remove = false;  // Docker removes the container once it exits
  std::string stop_signal;
  std::optional<int> stop_timeout_s;
  std::optional<HealthCheck> health_check;

  // Host config.
  std::string network_mode;  // "bridge", "none", "host", a network name, or "container:<id>"
  std::optional<EndpointSpec> endpoint;
  std::vector<PortBinding> port_bindings;
  std::optional<std::int64_t> cpu_shares;
  std::optional<std::int64_t> nano_cpus;
  std::optional<std::int64_t> memory_bytes;
  std::optional<std::int64_t> memory_reservation_bytes;
  std::optional<std::int64_t> shm_size_bytes;
  std::vector<Ulimit> ulimits;
  bool read_only_rootfs = false;
  std::optional<bool> init;
  bool privileged = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::map<std::string, std::string> sysctls;
  std::map<std::string, std::string> tmpfs;  // path -> mount options
  std::vector<Mount> mounts;
  std::vector<std::string> volumes_from;  // "container[:ro]"
  std::vector<std::string> extra_hosts;   // "host:ip"
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
};

// ---- containers: inspect and list ----

struct NetworkEndpoint {
  std::string network_id;
  std::string ipv4_address;  // without the prefix length
  int ipv4_prefix_len = 0;
  std::string gateway;
  std::string mac_address;
};

struct PublishedPort {
  std::uint16_t container_port = 0;
  std::string protocol = "tcp";
  std::string host_ip;
  std::uint16_t host_port = 0;
};

// What a container has used (GET /containers/<id>/stats?stream=false&one-shot=true).
struct ContainerUsage {
  std::uint64_t cpu_total_ns = 0;  // CPU time used since it started (cpu_stats.cpu_usage.total_usage)
  std::uint64_t memory_bytes = 0;  // in use, less the page cache (v1: usage - cache; v2: usage - inactive_file)
  std::uint64_t memory_limit = 0;  // its cgroup's limit (the host's memory when unlimited)
};

struct ContainerInfo {
  std::string id;
  std::string name;      // without Docker's leading '/'
  std::string image;     // as requested at create (Config.Image)
  std::string image_id;  // sha256:... of the local image
  std::string status;    // created | running | paused | restarting | removing | exited | dead
  bool running = false;
  bool oom_killed = false;
  int exit_code = 0;
  int pid = 0;
  std::string error;  // State.Error: why Docker could not start it
  std::optional<std::int64_t> created_nano;
  std::optional<std::int64_t> started_nano;   // unset until the first start
  std::optional<std::int64_t> finished_nano;  // unset until the first exit
  std::string health_status;  // empty (no health check) | starting | healthy | unhealthy
  std::string network_mode;
  std::string mac_address;  // of the first network when Docker leaves the top level empty
  std::map<std::string, NetworkEndpoint> networks;  // by network name
  std::vector<PublishedPort> ports;
  Labels labels;
  bool tty = false;
};

struct ContainerSummary {
  std::string id;
  std::string name;  // the first name, without '/'
  std::string image;
  std::string image_id;
  std::string state;   // created | running | exited | ...
  std::string status;  // human text: "Up 3 minutes"
  std::int64_t created_s = 0;
  Labels labels;
};

struct ContainerListQuery {
  bool all = true;  // include stopped containers
  std::vector<std::string> labels;  // "key" or "key=value"; all must match
};

struct RemoveOptions {
  bool force = false;    // kill first if running
  bool volumes = false;  // remove anonymous volumes too
};

// ---- logs ----

enum class LogStream { stdout_stream, stderr_stream };

struct LogLine {
  LogStream stream = LogStream::stdout_stream;
  std::string text;         // without the trailing newline
  std::int64_t time_nano = 0;  // Docker's timestamp of the line; 0 when absent
};

struct LogsQuery {
  bool follow = false;         // keep the stream open while the container runs
  std::int64_t since_nano = 0; // only lines after this time; 0: from the beginning
  bool stdout_lines = true;
  bool stderr_lines = true;
};

// ---- images ----

struct ImageInfo {
  std::string id;  // sha256:...
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;  // "name@sha256:..."
  std::int64_t size = 0;
};

struct RegistryAuth {
  std::string username;
  std::string password;
  std::string server_address;
};

// ---- networks ----

struct NetworkCreateSpec {
  std::string name;
  std::string driver = "bridge";
  std::string subnet;   // CIDR, e.g. 172.31.0.0/20; empty lets Docker choose
  std::string gateway;  // empty lets Docker choose
  bool internal = false;
  bool attachable = false;
  Labels labels;
  std::map<std::string, std::string> options;  // driver options
};

struct NetworkMember {
  std::string name;
  std::string ipv4_address;  // without the prefix length
  std::string mac_address;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;
  std::string scope;
  bool internal = false;
  std::vector<std::string> subnets;
  std::vector<std::string> gateways;
  Labels labels;
  std::map<std::string, NetworkMember> containers;  // by container id
};

// ---- volumes ----

struct VolumeCreateSpec {
  std::string name;  // empty: Docker generates one
  std::string driver = "local";
  Labels labels;
};

struct VolumeInfo {
  std::string name;
  std::string driver;
  std::string mountpoint;
  Labels labels;
};

// ---- exec (ECS Exec: a process run inside a running container) ----

struct ExecCreateSpec {
  std::vector<std::string> cmd;  // exec'd directly, no shell
  std::vector<std::string> env;  // "K=V"
  std::string user = "0";        // ECS Exec runs as root; empty: the container's user
  std::string working_dir;       // empty: the container's
  bool tty = true;               // a pty: raw output, no stdout/stderr multiplexing
  // The pty's size from the start (Docker API 1.42+ "ConsoleSize"; older daemons ignore it and a
  // resize after the start sets it).
  std::optional<std::pair<int, int>> console_size;  // rows, cols
};

// GET /exec/{id}/json.
struct ExecState {
  bool running = false;
  std::optional<int> exit_code;  // unset while it runs (Docker's null)
  int pid = 0;                   // on the host; 0 before the start
};

// ---- daemon ----

struct VersionInfo {
  std::string version;          // engine version, e.g. 20.10.24
  std::string api_version;      // e.g. 1.41
  std::string min_api_version;  // e.g. 1.12
  std::string os;
  std::string arch;
  std::string kernel_version;
};

}  // namespace ecslocal::runtime
