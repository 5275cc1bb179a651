#pragma once
// The Docker Engine client interface. Every call blocks until Docker answers or the call's
// timeout runs out, so callers run them on the BlockingPool, never on an I/O thread or the
// state strand. Every call returns a value result; none throws.
//
// The libcurl implementation is CurlDockerClient; tests use tests/fakes/fake_docker_client.hpp.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/docker/container_event.hpp"
#include "runtime/docker/docker_result.hpp"
#include "runtime/docker_types.hpp"

namespace ecslocal::runtime {

// A container's stdin held open by an attached connection (POST /containers/{id}/attach,
// hijacked). Destroying it, close(), or the death of the process closes the connection; with
// StdinOnce Docker then closes the container's stdin.
class AttachedStdin {
 public:
  virtual ~AttachedStdin() = default;
  virtual void close() = 0;
};

// A started exec's hijacked connection (POST /exec/{id}/start): bytes written reach the process's
// stdin (its pty with tty), reads return its output (raw with tty: no multiplexing headers). A
// plain connected socket; Docker closes it once the process has exited. Destroying it closes it.
class ExecStream {
 public:
  virtual ~ExecStream() = default;
  // The socket, for the caller's own poll/asio reads and writes (non-blocking is the caller's choice).
  virtual int fd() const = 0;
  // Output bytes Docker sent together with the response headers (read before fd() is used).
  virtual std::string take_buffered() = 0;
  // Hands the socket over (the caller closes it); fd() is -1 afterwards.
  virtual int release() = 0;
  virtual void close() = 0;
};

using LogCallback = std::function<void(const LogLine&)>;
using EventCallback = std::function<void(const ContainerEvent&)>;

struct EventsQuery {
  std::int64_t since_nano = 0;      // replay events from this time; 0: only new events
  std::vector<std::string> labels;  // "key" or "key=value"; all must match
};

class DockerClient {
 public:
  virtual ~DockerClient() = default;

  // ---- daemon ----
  virtual DockerStatus ping() = 0;
  virtual DockerResult<VersionInfo> version() = 0;

  // ---- images ----
  virtual DockerResult<ImageInfo> inspect_image(const std::string& reference) = 0;
  // Pulls and returns the local image. An error reported inside Docker's progress stream (no
  // registry, unknown tag, denied) is a failure of kind `stream` carrying Docker's message.
  virtual DockerResult<ImageInfo> pull_image(const std::string& reference,
                                             const std::optional<RegistryAuth>& auth = std::nullopt) = 0;

  // ---- containers ----
  virtual DockerResult<std::string> create_container(const ContainerCreateSpec& spec) = 0;  // id
  virtual DockerStatus start_container(const std::string& id) = 0;  // already running: ok
  // SIGTERM (or the stop signal), then SIGKILL after `timeout`. Already stopped: ok.
  virtual DockerStatus stop_container(const std::string& id, std::chrono::seconds timeout) = 0;
  virtual DockerStatus kill_container(const std::string& id, const std::string& signal = "SIGKILL") = 0;
  virtual DockerStatus remove_container(const std::string& id, const RemoveOptions& options = {}) = 0;
  virtual DockerResult<ContainerInfo> inspect_container(const std::string& id) = 0;
  // One sample of the container's CPU time and memory (Docker's one-shot stats).
  virtual DockerResult<ContainerUsage> container_usage(const std::string& id) {
    return docker_error(DockerErrorKind::bad_request, "container stats are not supported by this client (" + id + ")");
  }
  // The same one-shot stats, as the JSON document Docker sent (checked to be JSON, not reshaped).
  virtual DockerResult<std::string> container_stats(const std::string& id) {
    return docker_error(DockerErrorKind::bad_request, "container stats are not supported by this client (" + id + ")");
  }
  virtual DockerResult<std::vector<ContainerSummary>> list_containers(const ContainerListQuery& query) = 0;

  // Streams the container's output, one callback per line (stdout and stderr apart, Docker's
  // timestamps parsed). Without `follow` it returns at the end of the log; with it, when the
  // container stops, on error, or once `stop` is requested (then: ok).
  virtual DockerStatus stream_logs(const std::string& id, const LogsQuery& query, const LogCallback& on_line,
                                   std::stop_token stop) = 0;

  // Attaches to the container's stdin (create it with open_stdin and stdin_once, attach before
  // the start) and keeps the connection until the returned handle goes.
  virtual DockerResult<std::unique_ptr<AttachedStdin>> attach_stdin(const std::string& id) {
    return docker_error(DockerErrorKind::bad_request, "this Docker client cannot attach to a container");
  }

  // ---- exec (ECS Exec) ----
  // Creates a process to run in the running container `container` (a stopped one: conflict; an
  // unknown one: not_found); it starts with start_exec. Returns the exec id.
  virtual DockerResult<std::string> create_exec(const std::string& container, const ExecCreateSpec& spec) {
    return docker_error(DockerErrorKind::bad_request, "this Docker client cannot exec in a container");
  }
  // Starts it attached: the hijacked connection to its stdin and output (Tty as created).
  virtual DockerResult<std::unique_ptr<ExecStream>> start_exec(const std::string& exec_id) {
    return docker_error(DockerErrorKind::bad_request, "this Docker client cannot start an exec");
  }
  // Resizes its pty (a started exec with tty only).
  virtual DockerStatus resize_exec(const std::string& exec_id, int cols, int rows) {
    return docker_error(DockerErrorKind::bad_request, "this Docker client cannot resize an exec");
  }
  virtual DockerResult<ExecState> inspect_exec(const std::string& exec_id) {
    return docker_error(DockerErrorKind::bad_request, "this Docker client cannot inspect an exec");
  }

  // ---- networks ----
  virtual DockerResult<std::string> create_network(const NetworkCreateSpec& spec) = 0;  // id
  virtual DockerStatus remove_network(const std::string& id_or_name) = 0;
  virtual DockerResult<NetworkInfo> inspect_network(const std::string& id_or_name) = 0;
  virtual DockerResult<std::vector<NetworkInfo>> list_networks(const std::vector<std::string>& labels) = 0;
  virtual DockerStatus connect_network(const std::string& network, const std::string& container,
                                       const EndpointSpec& endpoint = {}) = 0;

  // ---- events ----
  // Holds GET /events (container events only, filtered on `query.labels`) until the stream
  // breaks, an error occurs or `stop` is requested (then: ok). `on_connected` runs once Docker
  // accepted the stream, before any event. Callbacks run on the calling thread.
  virtual DockerStatus stream_events(const EventsQuery& query, const std::function<void()>& on_connected,
                                     const EventCallback& on_event, std::stop_token stop) = 0;

  // ---- images: import ----
  // POST /images/create?fromSrc=-: a root filesystem (a tar archive) becomes the image
  // `repository:tag`; `changes` are Dockerfile instructions applied on top (CMD, LABEL, ENV, ...).
  virtual DockerResult<ImageInfo> import_image(const std::string& tar, const std::string& repository,
                                               const std::string& tag, const std::vector<std::string>& changes) = 0;

  // ---- volumes ----
  virtual DockerResult<std::string> create_volume(const VolumeCreateSpec& spec) = 0;  // name
  virtual DockerStatus remove_volume(const std::string& name, bool force = false) = 0;  // missing: not_found
  virtual DockerResult<std::vector<VolumeInfo>> list_volumes(const std::vector<std::string>& labels) = 0;
};

}  // namespace ecslocal::runtime
