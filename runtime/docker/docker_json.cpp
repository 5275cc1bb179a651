#include "runtime/docker/docker_json.hpp"

namespace ecslocal::runtime::docker_json {
namespace {

const Json& empty_object() {
  static const Json empty = Json::object();
  return empty;
}

std::string base64url(std::string_view data) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(v >> shift) & 63];
  }
  if (i + 1 == data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace

std::string get_string(const Json& doc, const char* key) {
  if (!doc.is_object()) return {};
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t get_int(const Json& doc, const char* key) {
  if (!doc.is_object()) return 0;
  auto it = doc.find(key);
  return it != doc.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

bool get_bool(const Json& doc, const char* key) {
  if (!doc.is_object()) return false;
  auto it = doc.find(key);
  return it != doc.end() && it->is_boolean() && it->get<bool>();
}

const Json& get_object(const Json& doc, const char* key) {
  if (!doc.is_object()) return empty_object();
  auto it = doc.find(key);
  return it != doc.end() && it->is_object() ? *it : empty_object();
}

Labels get_labels(const Json& doc, const char* key) {
  Labels out;
  for (const auto& [name, value] : get_object(doc, key).items()) {
    if (value.is_string()) out[name] = value.get<std::string>();
  }
  return out;
}

std::vector<std::string> get_strings(const Json& doc, const char* key) {
  std::vector<std::string> out;
  if (!doc.is_object()) return out;
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Json endpoint_config(const EndpointSpec& endpoint) {
  Json config = Json::object();
  if (!endpoint.ipv4_address.empty()) config["IPAMConfig"] = {{"IPv4Address", endpoint.ipv4_address}};
  if (!endpoint.aliases.empty()) config["Aliases"] = endpoint.aliases;
  return config;
}

Json network_create_body(const NetworkCreateSpec& spec) {
  Json body = {{"Name", spec.name}, {"Driver", spec.driver.empty() ? "bridge" : spec.driver},
               {"CheckDuplicate", true}, {"Internal", spec.internal}, {"Attachable", spec.attachable}};
  if (!spec.labels.empty()) body["Labels"] = spec.labels;
  if (!spec.options.empty()) body["Options"] = spec.options;
  if (!spec.subnet.empty() || !spec.gateway.empty()) {
    Json pool = Json::object();
    if (!spec.subnet.empty()) pool["Subnet"] = spec.subnet;
    if (!spec.gateway.empty()) pool["Gateway"] = spec.gateway;
    body["IPAM"] = {{"Driver", "default"}, {"Config", Json::array({pool})}};
  }
  return body;
}

Json network_connect_body(const std::string& container, const EndpointSpec& endpoint) {
  return {{"Container", container}, {"EndpointConfig", endpoint_config(endpoint)}};
}

std::string registry_auth_header(const RegistryAuth& auth) {
  Json doc = {{"username", auth.username}, {"password", auth.password}, {"serveraddress", auth.server_address}};
  return base64url(doc.dump());
}

NetworkInfo parse_network_info(const Json& doc) {
  NetworkInfo info;
  info.id = get_string(doc, "Id");
  info.name = get_string(doc, "Name");
  info.driver = get_string(doc, "Driver");
  info.scope = get_string(doc, "Scope");
  info.internal = get_bool(doc, "Internal");
  info.labels = get_labels(doc, "Labels");
  const Json& ipam = get_object(doc, "IPAM");
  if (auto it = ipam.find("Config"); it != ipam.end() && it->is_array()) {
    for (const auto& pool : *it) {
      if (auto subnet = get_string(pool, "Subnet"); !subnet.empty()) info.subnets.push_back(subnet);
      if (auto gateway = get_string(pool, "Gateway"); !gateway.empty()) info.gateways.push_back(gateway);
    }
  }
  for (const auto& [id, member] : get_object(doc, "Containers").items()) {
    std::string address = get_string(member, "IPv4Address");
    address = address.substr(0, address.find('/'));
    info.containers[id] = NetworkMember{get_string(member, "Name"), address, get_string(member, "MacAddress")};
  }
  return info;
}

ImageInfo parse_image_info(const Json& doc) {
  return ImageInfo{get_string(doc, "Id"), get_strings(doc, "RepoTags"), get_strings(doc, "RepoDigests"),
                   get_int(doc, "Size")};
}

VersionInfo parse_version(const Json& doc) {
  return VersionInfo{get_string(doc, "Version"), get_string(doc, "ApiVersion"), get_string(doc, "MinAPIVersion"),
                     get_string(doc, "Os"),      get_string(doc, "Arch"),       get_string(doc, "KernelVersion")};
}

std::string error_message(std::string_view body) {
  auto doc = Json::parse(body, nullptr, false);
  if (auto message = get_string(doc, "message"); !message.empty()) return message;
  std::string text(body);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::optional<std::string> pull_stream_error(const Json& line) {
  if (auto message = get_string(get_object(line, "errorDetail"), "message"); !message.empty()) return message;
  if (auto message = get_string(line, "error"); !message.empty()) return message;
  if (line.is_object() && line.contains("error")) return std::string("image pull failed");
  return std::nullopt;
}

}  // namespace ecslocal::runtime::docker_json
