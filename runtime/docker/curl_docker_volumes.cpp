// CurlDockerClient's volume calls: create (with labels), remove, list by label.
#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {

using docker_json::Json;

namespace {

VolumeInfo parse_volume(const Json& doc) {
  VolumeInfo info;
  info.name = docker_json::get_string(doc, "Name");
  info.driver = docker_json::get_string(doc, "Driver");
  info.mountpoint = docker_json::get_string(doc, "Mountpoint");
  info.labels = docker_json::get_labels(doc, "Labels");
  return info;
}

}  // namespace

DockerResult<std::string> CurlDockerClient::create_volume(const VolumeCreateSpec& spec) {
  Json body = {{"Driver", spec.driver.empty() ? "local" : spec.driver}};
  if (!spec.name.empty()) body["Name"] = spec.name;
  if (!spec.labels.empty()) body["Labels"] = spec.labels;
  auto request = make_request(DockerOp::create_volume, "POST", "/volumes/create", body.dump());
  auto name = call_json<std::string>(request, [](const Json& doc) { return docker_json::get_string(doc, "Name"); });
  if (name && name->empty()) return docker_error(DockerErrorKind::protocol, "Docker created a volume without a name");
  return name;
}

DockerStatus CurlDockerClient::remove_volume(const std::string& name, bool force) {
  QueryString query;
  if (force) query.add("force", std::string_view("true"));
  auto response = call(make_request(DockerOp::remove_volume, "DELETE", "/volumes/" + path_segment(name) + query.str()));
  if (!response) return response.error();
  return docker_ok();
}

DockerResult<std::vector<VolumeInfo>> CurlDockerClient::list_volumes(const std::vector<std::string>& labels) {
  QueryString params;
  if (!labels.empty()) params.add_filters({{"label", labels}});
  auto request = make_request(DockerOp::list_volumes, "GET", "/volumes" + params.str());
  return call_json<std::vector<VolumeInfo>>(request, [](const Json& doc) {
    std::vector<VolumeInfo> out;
    auto volumes = doc.is_object() ? doc.find("Volumes") : doc.end();
    if (volumes != doc.end() && volumes->is_array()) {
      for (const auto& item : *volumes) out.push_back(parse_volume(item));
    }
    return out;
  });
}

}  // namespace ecslocal::runtime
