// CurlDockerClient::import_image: POST /images/create?fromSrc=- with a tar archive as the body,
// the way `docker import - repo:tag --change ...` does it.
#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/ndjson.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {

using docker_json::Json;

DockerResult<ImageInfo> CurlDockerClient::import_image(const std::string& tar, const std::string& repository,
                                                       const std::string& tag,
                                                       const std::vector<std::string>& changes) {
  QueryString query;
  query.add("fromSrc", std::string_view("-")).add("repo", std::string_view(repository));
  query.add("tag", std::string_view(tag));
  for (const auto& change : changes) query.add("changes", std::string_view(change));
  auto request = make_request(DockerOp::import_image, "POST", "/images/create" + query.str(), tar);
  // Docker reads the body as the archive whatever its type; the first Content-Type wins in Go.
  request.headers.push_back("Content-Type: application/x-tar");

  // The answer is a progress stream like a pull's: an error shows up inside a 200.
  auto response = call(request);
  if (!response) return response.error();
  NdjsonSplitter splitter;
  std::optional<std::string> failure;
  auto on_line = [&](std::string_view line) {
    auto doc = Json::parse(line, nullptr, false);
    if (auto message = docker_json::pull_stream_error(doc); message && !failure) failure = std::move(message);
  };
  if (!splitter.feed(response->body, on_line)) {
    return docker_error(DockerErrorKind::protocol, "Docker sent a malformed image import stream");
  }
  splitter.finish(on_line);
  if (failure) return docker_error(DockerErrorKind::stream, *failure, static_cast<int>(response->status));
  return inspect_image(repository + ":" + tag);
}

}  // namespace ecslocal::runtime
