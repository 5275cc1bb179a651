#pragma once
// Mapping between the runtime's value types and the Docker Engine API's JSON (API 1.41). The
// only place that spells Docker's member names. Parsers are lenient: Docker sends null for empty
// maps and lists, and a missing member leaves the default.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/docker_types.hpp"

namespace ecslocal::runtime::docker_json {

using Json = nlohmann::json;

// ---- requests ----
Json container_create_body(const ContainerCreateSpec& spec);
Json endpoint_config(const EndpointSpec& endpoint);
Json network_create_body(const NetworkCreateSpec& spec);
Json network_connect_body(const std::string& container, const EndpointSpec& endpoint);
// The X-Registry-Auth header value: base64url of {"username","password","serveraddress"}.
std::string registry_auth_header(const RegistryAuth& auth);

// ---- responses ----
ContainerInfo parse_container_info(const Json& doc);
ContainerUsage parse_container_usage(const Json& doc);  // a /stats?stream=false document
ContainerSummary parse_container_summary(const Json& doc);
NetworkInfo parse_network_info(const Json& doc);
ImageInfo parse_image_info(const Json& doc);
VersionInfo parse_version(const Json& doc);

// Docker's error body {"message":"..."}; the raw text when it is not that.
std::string error_message(std::string_view body);

// A line of the image pull progress stream that reports a failure: its message.
std::optional<std::string> pull_stream_error(const Json& line);

// ---- lenient readers ----
std::string get_string(const Json& doc, const char* key);
std::int64_t get_int(const Json& doc, const char* key);
bool get_bool(const Json& doc, const char* key);
const Json& get_object(const Json& doc, const char* key);  // an empty object when absent or null
Labels get_labels(const Json& doc, const char* key);
std::vector<std::string> get_strings(const Json& doc, const char* key);

}  // namespace ecslocal::runtime::docker_json
