#pragma once
// What the EC2 operations share: request filters (Name + Values, with AWS's `*`/`?` wildcards),
// tags on the wire (Tags, TagSpecifications, tag:<key> filters) and the errors EC2 answers.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/common/wildcard.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::ec2 {

// One filter of a Describe* request.
struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// The request's Filters; a filter without values, or one not in `known` (tag:<key>, tag-key and
// tag-value are always known), is InvalidParameterValue as EC2 answers.
std::vector<Filter> read_filters(const Json& input, const std::vector<std::string>& known);

// AWS's wildcard match (`*` any run, `?` one character); case-sensitive.
using api::wildcard_match;

// True when some value of the filter matches one of `candidates`.
bool filter_matches(const Filter& filter, const std::vector<std::string>& candidates);

// Every filter matches: `field` gives a filter's candidate values for the object (tag filters are
// answered from `tags`).
bool all_match(const std::vector<Filter>& filters, const vpc::ResourceTags& tags,
               const std::function<std::vector<std::string>(const std::string& name)>& field);

// The string elements of a list member (empty when absent).
std::vector<std::string> string_list(const Json& input, const char* key);

// [{"Key","Value"}...] (omitted when there are none: the caller decides).
Json tags_json(const vpc::ResourceTags& tags);
// The tags of TagSpecifications for `resource_type` ("vpc", "subnet", "security-group", ...).
vpc::ResourceTags tags_from_specifications(const Json& input, const std::string& resource_type);
// Adds the object's tags (if any) to `object` as `Tags`.
void put_tags(Json& object, const vpc::VpcState& state, const std::string& resource_id);

[[noreturn]] void missing_parameter(const std::string& name);
[[noreturn]] void invalid_parameter_value(const std::string& message);

}  // namespace ecslocal::api::ec2
