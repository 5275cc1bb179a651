#include "api/ec2/errors.hpp"
#include "api/ec2/ec2_common.hpp"

#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ec2 {

void missing_parameter(const std::string& name) {
  throw MissingParameter("The request must contain the parameter " + name);
}

void invalid_parameter_value(const std::string& message) { throw InvalidParameterValue(message); }

std::vector<std::string> string_list(const Json& input, const char* key) {
  return json_read::optional_strings(input, key).value_or(std::vector<std::string>{});
}

std::vector<Filter> read_filters(const Json& input, const std::vector<std::string>& known) {
  std::vector<Filter> out;
  for (const auto& item : json_read::items(input, "Filters")) {
    Filter f{json_read::string_or_empty(item, "Name"), string_list(item, "Values")};
    const bool tag_filter = f.name.rfind("tag:", 0) == 0 || f.name == "tag-key" || f.name == "tag-value";
    if (!tag_filter && std::find(known.begin(), known.end(), f.name) == known.end())
      invalid_parameter_value("The filter '" + f.name + "' is invalid");
    if (f.values.empty()) invalid_parameter_value("The filter '" + f.name + "' has no values.");
    out.push_back(std::move(f));
  }
  return out;
}

bool filter_matches(const Filter& filter, const std::vector<std::string>& candidates) {
  for (const auto& value : filter.values)
    for (const auto& candidate : candidates)
      if (wildcard_match(value, candidate)) return true;
  return false;
}

bool all_match(const std::vector<Filter>& filters, const vpc::ResourceTags& tags,
               const std::function<std::vector<std::string>(const std::string& name)>& field) {
  for (const auto& f : filters) {
    std::vector<std::string> candidates;
    if (f.name.rfind("tag:", 0) == 0) {
      if (auto it = tags.find(f.name.substr(4)); it != tags.end()) candidates.push_back(it->second);
    } else if (f.name == "tag-key" || f.name == "tag-value") {
      for (const auto& [k, v] : tags) candidates.push_back(f.name == "tag-key" ? k : v);
    } else {
      candidates = field(f.name);
    }
    if (!filter_matches(f, candidates)) return false;
  }
  return true;
}

Json tags_json(const vpc::ResourceTags& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

vpc::ResourceTags tags_from_specifications(const Json& input, const std::string& resource_type) {
  vpc::ResourceTags out;
  for (const auto& spec : json_read::items(input, "TagSpecifications")) {
    const std::string type = json_read::string_or_empty(spec, "ResourceType");
    if (type != resource_type)
      invalid_parameter_value("'" + type + "' is not a valid taggable resource type for this operation.");
    for (const auto& tag : json_read::items(spec, "Tags")) out[json_read::string_or_empty(tag, "Key")] = json_read::string_or_empty(tag, "Value");
  }
  return out;
}

void put_tags(Json& object, const vpc::VpcState& state, const std::string& resource_id) {
  auto it = state.tags.find(resource_id);
  if (it != state.tags.end() && !it->second.empty()) object["Tags"] = tags_json(it->second);
}

}  // namespace ecslocal::api::ec2
