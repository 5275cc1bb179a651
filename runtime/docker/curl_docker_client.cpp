#include "runtime/docker/curl_docker_client.hpp"

#include <cstdio>

#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/image_reference.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {

using docker_json::Json;

namespace {

std::pair<int, int> api_numbers(const std::string& version) {
  int major = 0, minor = 0;
  std::sscanf(version.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

}  // namespace

std::string lower_api_version(const std::string& a, const std::string& b) {
  return api_numbers(a) <= api_numbers(b) ? a : b;
}

DockerResult<std::unique_ptr<CurlDockerClient>> CurlDockerClient::create(CurlDockerClientOptions options) {
  if (options.docker_host.empty()) options.docker_host = docker_host_from_env();
  auto endpoint = parse_docker_host(options.docker_host);
  if (!endpoint) return endpoint.error();
  return std::unique_ptr<CurlDockerClient>(new CurlDockerClient(std::move(options), std::move(endpoint).value()));
}

CurlDockerClient::CurlDockerClient(CurlDockerClientOptions options, DockerEndpoint endpoint)
    : options_(std::move(options)), http_(std::move(endpoint)) {
  if (!options_.api_version.empty()) prefix_ = "/v" + options_.api_version;
}

std::string CurlDockerClient::api_prefix() {
  std::lock_guard lock(prefix_mutex_);
  if (prefix_) return *prefix_;
  HttpRequest request;
  request.target = "/version";
  request.timeout = options_.timeouts[DockerOp::version];
  request.connect_timeout = options_.timeouts.connect;
  auto response = http_.perform(request);
  if (!response || response->status != 200) return std::string("/v") + max_api_version;  // not cached
  auto doc = Json::parse(response->body, nullptr, false);
  std::string server = docker_json::get_string(doc, "ApiVersion");
  if (server.empty()) return std::string("/v") + max_api_version;
  prefix_ = "/v" + lower_api_version(server, max_api_version);
  return *prefix_;
}

HttpRequest CurlDockerClient::make_request(DockerOp op, std::string method, const std::string& path,
                                           std::string body) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = api_prefix() + path;
  request.body = std::move(body);
  request.timeout = options_.timeouts[op];
  request.connect_timeout = options_.timeouts.connect;
  return request;
}

DockerResult<HttpResponse> CurlDockerClient::call(const HttpRequest& request, std::initializer_list<long> also_ok,
                                                  std::stop_token stop) {
  auto response = http_.perform(request, stop);
  if (!response) return response.error();
  long status = response->status;
  bool ok = status >= 200 && status < 300;
  for (long accepted : also_ok) ok = ok || status == accepted;
  if (ok) return response;
  std::string message = docker_json::error_message(response->body);
  if (message.empty()) message = request.method + " " + request.target + " returned HTTP " + std::to_string(status);
  return docker_error(error_kind_for_status(status), std::move(message), static_cast<int>(status));
}

DockerStatus CurlDockerClient::ping() {
  auto response = call(make_request(DockerOp::ping, "GET", "/_ping"));
  if (!response) return response.error();
  return docker_ok();
}

DockerResult<VersionInfo> CurlDockerClient::version() {
  return call_json<VersionInfo>(make_request(DockerOp::version, "GET", "/version"), docker_json::parse_version);
}

DockerResult<ImageInfo> CurlDockerClient::inspect_image(const std::string& reference) {
  auto request = make_request(DockerOp::inspect_image, "GET", "/images/" + path_segment(reference) + "/json");
  return call_json<ImageInfo>(request, docker_json::parse_image_info);
}

DockerResult<std::string> CurlDockerClient::create_container(const ContainerCreateSpec& spec) {
  QueryString query;
  if (!spec.name.empty()) query.add("name", spec.name);
  auto request = make_request(DockerOp::create_container, "POST", "/containers/create" + query.str(),
                              docker_json::container_create_body(spec).dump());
  auto id = call_json<std::string>(request, [](const Json& doc) { return docker_json::get_string(doc, "Id"); });
  if (id && id->empty()) return docker_error(DockerErrorKind::protocol, "Docker created a container without an id");
  return id;
}

DockerStatus CurlDockerClient::start_container(const std::string& id) {
  auto response = call(make_request(DockerOp::start_container, "POST", "/containers/" + path_segment(id) + "/start"),
                       {304});
  if (!response) return response.error();
  return docker_ok();
}

DockerStatus CurlDockerClient::stop_container(const std::string& id, std::chrono::seconds timeout) {
  QueryString query;
  query.add_int("t", static_cast<long long>(timeout.count()));
  auto request = make_request(DockerOp::stop_container, "POST", "/containers/" + path_segment(id) + "/stop" + query.str());
  request.timeout = options_.timeouts.stop_limit(timeout);
  auto response = call(request, {304});
  if (!response) return response.error();
  return docker_ok();
}

DockerStatus CurlDockerClient::kill_container(const std::string& id, const std::string& signal) {
  QueryString query;
  if (!signal.empty()) query.add("signal", signal);
  auto response =
      call(make_request(DockerOp::kill_container, "POST", "/containers/" + path_segment(id) + "/kill" + query.str()));
  if (!response) return response.error();
  return docker_ok();
}

DockerStatus CurlDockerClient::remove_container(const std::string& id, const RemoveOptions& options) {
  QueryString query;
  query.add_bool("force", options.force).add_bool("v", options.volumes);
  auto response =
      call(make_request(DockerOp::remove_container, "DELETE", "/containers/" + path_segment(id) + query.str()));
  if (!response) return response.error();
  return docker_ok();
}

DockerResult<ContainerInfo> CurlDockerClient::inspect_container(const std::string& id) {
  auto request = make_request(DockerOp::inspect_container, "GET", "/containers/" + path_segment(id) + "/json");
  return call_json<ContainerInfo>(request, docker_json::parse_container_info);
}

DockerResult<ContainerUsage> CurlDockerClient::container_usage(const std::string& id) {
  auto request = make_request(DockerOp::container_stats, "GET",
                              "/containers/" + path_segment(id) + "/stats?stream=false&one-shot=true");
  return call_json<ContainerUsage>(request, docker_json::parse_container_usage);
}

DockerResult<std::string> CurlDockerClient::container_stats(const std::string& id) {
  auto request = make_request(DockerOp::container_stats, "GET",
                              "/containers/" + path_segment(id) + "/stats?stream=false&one-shot=true");
  auto response = call(request);
  if (!response) return response.error();
  if (!Json::accept(response->body)) {
    return docker_error(DockerErrorKind::protocol, "Docker sent invalid JSON for " + request.target,
                        static_cast<int>(response->status));
  }
  return std::move(response->body);
}

DockerResult<std::vector<ContainerSummary>> CurlDockerClient::list_containers(const ContainerListQuery& query) {
  QueryString params;
  params.add_bool("all", query.all);
  if (!query.labels.empty()) params.add_filters({{"label", query.labels}});
  auto request = make_request(DockerOp::list_containers, "GET", "/containers/json" + params.str());
  return call_json<std::vector<ContainerSummary>>(request, [](const Json& doc) {
    std::vector<ContainerSummary> out;
    if (doc.is_array()) {
      for (const auto& item : doc) out.push_back(docker_json::parse_container_summary(item));
    }
    return out;
  });
}

DockerResult<std::string> CurlDockerClient::create_network(const NetworkCreateSpec& spec) {
  auto request = make_request(DockerOp::create_network, "POST", "/networks/create",
                              docker_json::network_create_body(spec).dump());
  auto id = call_json<std::string>(request, [](const Json& doc) { return docker_json::get_string(doc, "Id"); });
  if (id && id->empty()) return docker_error(DockerErrorKind::protocol, "Docker created a network without an id");
  return id;
}

DockerStatus CurlDockerClient::remove_network(const std::string& id_or_name) {
  auto response = call(make_request(DockerOp::remove_network, "DELETE", "/networks/" + path_segment(id_or_name)));
  if (!response) return response.error();
  return docker_ok();
}

DockerResult<NetworkInfo> CurlDockerClient::inspect_network(const std::string& id_or_name) {
  auto request = make_request(DockerOp::inspect_network, "GET", "/networks/" + path_segment(id_or_name));
  return call_json<NetworkInfo>(request, docker_json::parse_network_info);
}

DockerResult<std::vector<NetworkInfo>> CurlDockerClient::list_networks(const std::vector<std::string>& labels) {
  QueryString params;
  if (!labels.empty()) params.add_filters({{"label", labels}});
  auto request = make_request(DockerOp::list_networks, "GET", "/networks" + params.str());
  return call_json<std::vector<NetworkInfo>>(request, [](const Json& doc) {
    std::vector<NetworkInfo> out;
    if (doc.is_array()) {
      for (const auto& item : doc) out.push_back(docker_json::parse_network_info(item));
    }
    return out;
  });
}

DockerStatus CurlDockerClient::connect_network(const std::string& network, const std::string& container,
                                               const EndpointSpec& endpoint) {
  auto request = make_request(DockerOp::connect_network, "POST", "/networks/" + path_segment(network) + "/connect",
                              docker_json::network_connect_body(container, endpoint).dump());
  auto response = call(request);
  if (!response) return response.error();
  return docker_ok();
}

}  // namespace ecslocal::runtime
