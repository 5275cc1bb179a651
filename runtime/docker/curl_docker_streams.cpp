// The streaming calls of CurlDockerClient: image pull progress, container logs, events.
#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/image_reference.hpp"
#include "runtime/logs/log_frames.hpp"
#include "runtime/docker/ndjson.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {

using docker_json::Json;

namespace {

// A streamed call that ended early: fine when the caller asked for it, a protocol error when the
// reader gave up on the bytes, otherwise the transport error.
DockerStatus stream_outcome(const DockerError& error, const std::stop_token& stop, bool bad_bytes,
                            const std::string& what) {
  if (error.kind == DockerErrorKind::cancelled && stop.stop_requested()) return docker_ok();
  if (bad_bytes) return docker_error(DockerErrorKind::protocol, "Docker sent a malformed " + what + " stream");
  return error;
}

}  // namespace

DockerResult<ImageInfo> CurlDockerClient::pull_image(const std::string& reference,
                                                     const std::optional<RegistryAuth>& auth) {
  ImageReference ref = parse_image_reference(reference);
  QueryString query;
  query.add("fromImage", ref.repository).add("tag", ref.tag_or_digest());
  auto request = make_request(DockerOp::pull_image, "POST", "/images/create" + query.str());
  request.inactivity = options_.timeouts.pull_inactivity;
  if (auth) request.headers.push_back("X-Registry-Auth: " + docker_json::registry_auth_header(*auth));

  NdjsonSplitter splitter;
  std::optional<std::string> failure;
  auto on_line = [&](std::string_view line) {
    auto doc = Json::parse(line, nullptr, false);
    if (auto message = docker_json::pull_stream_error(doc); message && !failure) failure = std::move(message);
  };
  bool bad_bytes = false;
  request.on_body = [&](std::string_view chunk) {
    bad_bytes = !splitter.feed(chunk, on_line);
    return !bad_bytes;
  };
  auto response = call(request);
  if (!response) {
    if (bad_bytes) return docker_error(DockerErrorKind::protocol, "Docker sent a malformed pull progress stream");
    if (response.error().kind == DockerErrorKind::timeout) {
      return docker_error(DockerErrorKind::timeout, "pulling " + reference + ": " + response.error().message);
    }
    return response.error();
  }
  splitter.finish(on_line);
  if (failure) return docker_error(DockerErrorKind::stream, *failure, static_cast<int>(response->status));
  return inspect_image(reference);
}

DockerStatus CurlDockerClient::stream_logs(const std::string& id, const LogsQuery& query, const LogCallback& on_line,
                                           std::stop_token stop) {
  QueryString params;
  params.add_bool("stdout", query.stdout_lines).add_bool("stderr", query.stderr_lines);
  params.add_bool("timestamps", true).add_bool("follow", query.follow);
  if (query.since_nano > 0) params.add("since", docker_time_param(query.since_nano));
  auto request = make_request(DockerOp::logs, "GET", "/containers/" + path_segment(id) + "/logs" + params.str());
  if (query.follow) request.timeout = std::chrono::milliseconds(0);

  LogStreamDecoder decoder(true);
  bool bad_bytes = false;
  request.on_body = [&](std::string_view chunk) {
    bad_bytes = !decoder.feed(chunk, on_line);
    return !bad_bytes;
  };
  auto response = call(request, {}, stop);
  if (!bad_bytes) decoder.finish(on_line);
  if (!response) return stream_outcome(response.error(), stop, bad_bytes, "log");
  return docker_ok();
}

DockerStatus CurlDockerClient::stream_events(const EventsQuery& query, const std::function<void()>& on_connected,
                                             const EventCallback& on_event, std::stop_token stop) {
  Filters filters{{"type", {"container"}}};
  if (!query.labels.empty()) filters["label"] = query.labels;
  QueryString params;
  params.add_filters(filters);
  if (query.since_nano > 0) params.add("since", docker_time_param(query.since_nano));
  auto request = make_request(DockerOp::events, "GET", "/events" + params.str());
  request.timeout = std::chrono::milliseconds(0);
  request.on_status = [&](long status) {
    if (status == 200 && on_connected) on_connected();
  };

  NdjsonSplitter splitter;
  auto on_line = [&](std::string_view line) {
    if (auto event = parse_container_event(line)) on_event(*event);
  };
  bool bad_bytes = false;
  request.on_body = [&](std::string_view chunk) {
    bad_bytes = !splitter.feed(chunk, on_line);
    return !bad_bytes;
  };
  auto response = call(request, {}, stop);
  if (!response) return stream_outcome(response.error(), stop, bad_bytes, "events");
  if (stop.stop_requested()) return docker_ok();
  return docker_error(DockerErrorKind::unavailable, "the Docker events stream ended",
                      static_cast<int>(response->status));
}

}  // namespace ecslocal::runtime
