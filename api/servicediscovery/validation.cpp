#include "api/servicediscovery/validation.hpp"

#include <algorithm>
#include <cctype>

#include "api/common/json_read.hpp"
#include "api/servicediscovery/errors.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

bool printable(const std::string& text) {  // [!-~]
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '!' && c <= '~'; });
}

bool dns_label(const std::string& label, bool underscore) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [&](unsigned char c) {
    return std::isalnum(c) || c == '-' || (underscore && c == '_');
  });
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

bool ipv4(const std::string& text) {
  auto parts = split(text, '.');
  if (parts.size() != 4) return false;
  for (const auto& p : parts) {
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }))
      return false;
    if (std::stoi(p) > 255) return false;
  }
  return true;
}

bool port(const std::string& text) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  const int n = std::stoi(text);
  return n >= 1 && n <= 65535;
}

}  // namespace

void invalid_input(const std::string& message) { throw InvalidInput(message); }

void check_http_namespace_name(const std::string& name) {
  if (name.empty() || name.size() > 1024 || !printable(name))
    invalid_input("Namespace name '" + name + "' is not valid: use 1 to 1024 printable ASCII characters without spaces.");
}

void check_private_namespace_name(const std::string& name) {
  if (name.empty() || name.size() > 253 || !printable(name))
    invalid_input("Namespace name '" + name + "' is not valid: use 1 to 253 printable ASCII characters without spaces.");
}

void check_public_namespace_name(const std::string& name) {
  auto labels = split(name, '.');
  const bool ok = name.size() <= 253 && labels.size() >= 2 &&
                  std::all_of(labels.begin(), labels.end(), [](const std::string& l) { return dns_label(l, false); });
  if (!ok) invalid_input("Namespace name '" + name + "' is not a valid domain name.");
}

void check_service_name(const std::string& name) {
  if (name == ".") return;
  auto labels = split(name, '.');
  const bool ok = !name.empty() && name.size() <= 127 && std::all_of(labels.begin(), labels.end(), [](const std::string& l) {
    return dns_label(l, true) && (l.size() > 1 || l != "_");
  });
  if (!ok)
    invalid_input("Service name '" + name +
                  "' is not valid: use DNS labels of 1 to 63 letters, digits, '-' and '_' (not starting or ending with "
                  "'-'), separated by '.', at most 127 characters in all.");
}

void check_instance_id(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("_/:.@-").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (!ok) invalid_input("Instance ID '" + id + "' is not valid: use 1 to 64 letters, digits and _/:.@-");
}

void check_instance_attributes(const DiscoveryService& s, const StringMap& attributes) {
  size_t custom = 0;
  for (const auto& [key, value] : attributes) {
    if (key.empty() || key.size() > 255 || !printable(key)) invalid_input("Attribute key '" + key + "' is not valid.");
    if (value.size() > 1024 || !std::all_of(value.begin(), value.end(), [](char c) { return c == '\t' || (c >= ' ' && c <= '~'); }) ||
        (!value.empty() && (value.front() == ' ' || value.front() == '\t')))
      invalid_input("The value of attribute " + key + " is not valid.");
    static const std::set<std::string> reserved{"AWS_INSTANCE_IPV4", "AWS_INSTANCE_IPV6", "AWS_INSTANCE_PORT",
                                                "AWS_INSTANCE_CNAME", "AWS_ALIAS_DNS_NAME", "AWS_EC2_INSTANCE_ID",
                                                "AWS_INIT_HEALTH_STATUS"};
    if (!reserved.count(key)) ++custom;
  }
  if (custom > kMaxCustomAttributes)
    invalid_input("An instance can have at most " + std::to_string(kMaxCustomAttributes) + " custom attributes.");
  auto has = [&](const char* key) { return attributes.count(key) > 0; };
  auto value_of = [&](const char* key) { return attributes.count(key) ? attributes.at(key) : std::string(); };
  if (has("AWS_INSTANCE_IPV4") && !ipv4(value_of("AWS_INSTANCE_IPV4")))
    invalid_input("AWS_INSTANCE_IPV4 '" + value_of("AWS_INSTANCE_IPV4") + "' is not an IPv4 address.");
  if (has("AWS_INSTANCE_PORT") && !port(value_of("AWS_INSTANCE_PORT")))
    invalid_input("AWS_INSTANCE_PORT '" + value_of("AWS_INSTANCE_PORT") + "' is not a port between 1 and 65535.");
  if (has("AWS_INIT_HEALTH_STATUS") && value_of("AWS_INIT_HEALTH_STATUS") != "HEALTHY" &&
      value_of("AWS_INIT_HEALTH_STATUS") != "UNHEALTHY")
    invalid_input("AWS_INIT_HEALTH_STATUS must be HEALTHY or UNHEALTHY.");
  if (has("AWS_ALIAS_DNS_NAME")) return;  // an alias stands for the other records
  if (s.has_record("A") && !has("AWS_INSTANCE_IPV4"))
    invalid_input("AWS_INSTANCE_IPV4 is required: the service " + s.id + " has an A record.");
  if (s.has_record("AAAA") && !has("AWS_INSTANCE_IPV6"))
    invalid_input("AWS_INSTANCE_IPV6 is required: the service " + s.id + " has an AAAA record.");
  if (s.has_record("SRV") && (!has("AWS_INSTANCE_PORT") || (!has("AWS_INSTANCE_IPV4") && !has("AWS_INSTANCE_IPV6"))))
    invalid_input("AWS_INSTANCE_PORT and AWS_INSTANCE_IPV4 (or AWS_INSTANCE_IPV6) are required: the service " + s.id +
                  " has an SRV record.");
  if (s.has_record("CNAME") && !has("AWS_INSTANCE_CNAME"))
    invalid_input("AWS_INSTANCE_CNAME is required: the service " + s.id + " has a CNAME record.");
}

StringMap string_map(const Json& input, const char* key) {
  StringMap out;
  if (!input.is_object()) return out;
  auto it = input.find(key);
  if (it == input.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

StringMap tags_from(const Json& input, const std::string& resource) {
  StringMap out;
  for (const auto& t : json_read::items(input, "Tags"))
    out[json_read::string_or_empty(t, "Key")] = json_read::string_or_empty(t, "Value");
  if (out.size() > kMaxTags)
    throw TooManyTagsException("A resource can have at most " + std::to_string(kMaxTags) + " tags" +
                               (resource.empty() ? "" : ": " + resource) + ".");
  return out;
}

bool Filter::matches(const std::string& actual) const {
  if (condition == "BEGINS_WITH") return actual.rfind(values.front(), 0) == 0;
  return std::find(values.begin(), values.end(), actual) != values.end();
}

std::vector<Filter> read_filters(const Json& input, const std::map<std::string, std::set<std::string>>& allowed) {
  std::vector<Filter> out;
  for (const auto& f : json_read::items(input, "Filters")) {
    Filter filter{json_read::string_or_empty(f, "Name"), json_read::optional_string(f, "Condition").value_or("EQ"),
                  json_read::strings(f, "Values")};
    auto it = allowed.find(filter.name);
    if (it == allowed.end()) invalid_input("Filter name " + filter.name + " is not supported here.");
    if (!it->second.count(filter.condition))
      invalid_input("Filter " + filter.name + " does not support the condition " + filter.condition + ".");
    const size_t n = filter.values.size();
    if ((filter.condition == "EQ" || filter.condition == "BEGINS_WITH") && n != 1)
      invalid_input("Filter " + filter.name + " with condition " + filter.condition + " takes exactly one value.");
    if (filter.condition == "BETWEEN" && n != 2)
      invalid_input("Filter " + filter.name + " with condition BETWEEN takes exactly two values.");
    if (filter.condition == "IN" && n == 0) invalid_input("Filter " + filter.name + " with condition IN takes values.");
    out.push_back(std::move(filter));
  }
  return out;
}

PageRequest page_request(const Json& input) {
  return {json_read::optional_string(input, "NextToken"), json_read::optional_long(input, "MaxResults"), 100, 100,
          "InvalidInput"};
}

}  // namespace ecslocal::api::servicediscovery
