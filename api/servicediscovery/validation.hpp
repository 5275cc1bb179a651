#pragma once
// Cloud Map's input rules the model's shapes do not check (name patterns, attributes, filters,
// tags). Every failure throws InvalidInput.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/common/pagination.hpp"
#include "api/service.hpp"
#include "api/servicediscovery/model.hpp"

namespace ecslocal::api::servicediscovery {

[[noreturn]] void invalid_input(const std::string& message);

void check_http_namespace_name(const std::string& name);     // ^[!-~]{1,1024}$
void check_private_namespace_name(const std::string& name);  // ^[!-~]{1,253}$
void check_public_namespace_name(const std::string& name);   // DNS name of at least two labels
void check_service_name(const std::string& name);            // DNS labels, ≤127 in all, or "."
void check_instance_id(const std::string& id);               // ^[0-9a-zA-Z_/:.@-]+$, ≤64
// The attributes of RegisterInstance for `s`: key and value syntax, the reserved attributes the
// service's DNS records need, AWS_INIT_HEALTH_STATUS, at most 30 custom attributes.
void check_instance_attributes(const DiscoveryService& s, const StringMap& attributes);

// A string map member (Attributes, QueryParameters...), empty when absent.
StringMap string_map(const Json& input, const char* key);
// Tags [{Key, Value}], at most kMaxTags (TooManyTagsException naming `resource`).
StringMap tags_from(const Json& input, const std::string& resource = "");

// List filters {Name, Values, Condition (EQ by default)}. `allowed`: filter name → the conditions
// it takes. EQ and BEGINS_WITH take one value, BETWEEN two, IN at least one.
struct Filter {
  std::string name, condition;
  std::vector<std::string> values;
  bool matches(const std::string& actual) const;  // EQ, IN, BEGINS_WITH
};
std::vector<Filter> read_filters(const Json& input, const std::map<std::string, std::set<std::string>>& allowed);

// NextToken / MaxResults of the list operations (100 at most, 100 by default).
PageRequest page_request(const Json& input);

// The entities of a map in creation order (lists run in it; keys: sequence_key(sequence)).
template <typename T>
std::vector<const T*> by_sequence(const std::map<std::string, T>& items) {
  std::vector<const T*> out;
  for (const auto& [id, item] : items) out.push_back(&item);
  std::sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->sequence < b->sequence; });
  return out;
}

}  // namespace ecslocal::api::servicediscovery
