#pragma once
// DockerClient on libcurl: a unix socket or plain-HTTP TCP daemon (DOCKER_HOST), the API version
// negotiated once from GET /version (capped at the version this client is written for), JSON
// bodies, per-call timeouts from a DockerTimeouts table. Safe to call from many threads at once.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/docker/curl_http.hpp"
#include "runtime/docker/docker_client.hpp"
#include "runtime/docker/docker_timeouts.hpp"

namespace ecslocal::runtime {

struct CurlDockerClientOptions {
  std::string docker_host;  // empty: DOCKER_HOST, else unix:///var/run/docker.sock
  std::string api_version;  // "1.41" to fix it; empty: negotiate (never above max_api_version)
  DockerTimeouts timeouts;
};

inline constexpr const char* max_api_version = "1.41";

class CurlDockerClient final : public DockerClient {
 public:
  // Fails (unavailable) only when docker_host cannot be understood; the daemon is not contacted.
  static DockerResult<std::unique_ptr<CurlDockerClient>> create(CurlDockerClientOptions options = {});

  DockerStatus ping() override;
  DockerResult<VersionInfo> version() override;

  DockerResult<ImageInfo> inspect_image(const std::string& reference) override;
  DockerResult<ImageInfo> pull_image(const std::string& reference, const std::optional<RegistryAuth>& auth) override;

  DockerResult<std::string> create_container(const ContainerCreateSpec& spec) override;
  DockerStatus start_container(const std::string& id) override;
  DockerStatus stop_container(const std::string& id, std::chrono::seconds timeout) override;
  DockerStatus kill_container(const std::string& id, const std::string& signal) override;
  DockerStatus remove_container(const std::string& id, const RemoveOptions& options) override;
  DockerResult<ContainerInfo> inspect_container(const std::string& id) override;
  DockerResult<ContainerUsage> container_usage(const std::string& id) override;
  DockerResult<std::string> container_stats(const std::string& id) override;
  DockerResult<std::vector<ContainerSummary>> list_containers(const ContainerListQuery& query) override;
  DockerStatus stream_logs(const std::string& id, const LogsQuery& query, const LogCallback& on_line,
                           std::stop_token stop) override;
  // docker_attach.cpp
  DockerResult<std::unique_ptr<AttachedStdin>> attach_stdin(const std::string& id) override;
  // docker_exec.cpp
  DockerResult<std::string> create_exec(const std::string& container, const ExecCreateSpec& spec) override;
  DockerResult<std::unique_ptr<ExecStream>> start_exec(const std::string& exec_id) override;
  DockerStatus resize_exec(const std::string& exec_id, int cols, int rows) override;
  DockerResult<ExecState> inspect_exec(const std::string& exec_id) override;

  DockerResult<std::string> create_network(const NetworkCreateSpec& spec) override;
  DockerStatus remove_network(const std::string& id_or_name) override;
  DockerResult<NetworkInfo> inspect_network(const std::string& id_or_name) override;
  DockerResult<std::vector<NetworkInfo>> list_networks(const std::vector<std::string>& labels) override;
  DockerStatus connect_network(const std::string& network, const std::string& container,
                               const EndpointSpec& endpoint) override;

  DockerStatus stream_events(const EventsQuery& query, const std::function<void()>& on_connected,
                             const EventCallback& on_event, std::stop_token stop) override;

  // curl_docker_import.cpp
  DockerResult<ImageInfo> import_image(const std::string& tar, const std::string& repository, const std::string& tag,
                                       const std::vector<std::string>& changes) override;
  // curl_docker_volumes.cpp
  DockerResult<std::string> create_volume(const VolumeCreateSpec& spec) override;
  DockerStatus remove_volume(const std::string& name, bool force) override;
  DockerResult<std::vector<VolumeInfo>> list_volumes(const std::vector<std::string>& labels) override;

  // "/v1.41" once negotiated; negotiates on first use.
  std::string api_prefix();
  const DockerEndpoint& endpoint() const { return http_.endpoint(); }
  const DockerTimeouts& timeouts() const { return options_.timeouts; }

 private:
  CurlDockerClient(CurlDockerClientOptions options, DockerEndpoint endpoint);

  // A request with the op's timeout, the API prefix added to `path`.
  HttpRequest make_request(DockerOp op, std::string method, const std::string& path, std::string body = {});
  // Performs it; statuses other than 2xx (and those in `also_ok`) become errors with Docker's message.
  DockerResult<HttpResponse> call(const HttpRequest& request, std::initializer_list<long> also_ok = {},
                                  std::stop_token stop = {});
  template <typename T, typename Parse>
  DockerResult<T> call_json(const HttpRequest& request, Parse parse);

  CurlDockerClientOptions options_;
  CurlHttp http_;
  std::mutex prefix_mutex_;
  std::optional<std::string> prefix_;
};

// Defined here: the calls are spread over several .cpp files (containers, streams, volumes, ...).
template <typename T, typename Parse>
DockerResult<T> CurlDockerClient::call_json(const HttpRequest& request, Parse parse) {
  auto response = call(request);
  if (!response) return response.error();
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) {
    return docker_error(DockerErrorKind::protocol, "Docker sent invalid JSON for " + request.target,
                        static_cast<int>(response->status));
  }
  return parse(doc);
}

// Compares "major.minor" API versions; the lower of the two.
std::string lower_api_version(const std::string& a, const std::string& b);

}  // namespace ecslocal::runtime
