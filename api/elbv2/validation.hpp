#pragma once
// Checks ELBv2 makes beyond the model's constraints: names, tags, attributes, health checks,
// actions and conditions. Each throws the AwsError AWS answers.
#include <optional>
#include <string>
#include <vector>

#include "api/elbv2/model.hpp"

namespace ecslocal::api::elbv2 {

// Load balancer and target group names: 1-32 alphanumerics or hyphens, no hyphen first or last;
// load balancer names may not start with "internal-". `kind`: "Load balancer" | "Target group".
void check_name(const std::string& kind, const std::string& name);
// At most 50, keys unique.
void check_new_tags(const Tags& tags);
void merge_tags(Tags& tags, const Tags& added);  // TooManyTags past 50

// Attribute defaults of a load balancer / target group of that type, and the checks of a change.
Attributes default_load_balancer_attributes(const std::string& type);
Attributes default_target_group_attributes(const std::string& protocol, const std::string& target_type);
void check_load_balancer_attribute(const std::string& type, const std::string& key, const std::string& value);
void check_target_group_attribute(const Attributes& known, const std::string& key, const std::string& value);

// An HTTP matcher: "200", "200,202", "200-299", codes 200-499.
bool valid_http_matcher(const std::string& matcher);
bool matcher_accepts(const std::string& matcher, int status);
void check_health_check(const TargetGroup& group);

// Listener / rule actions for a load balancer of `lb`'s type; checks the target groups they
// forward to exist, speak a protocol the listener can forward and are not attached to another
// load balancer. `protocol`: the listener's.
void check_actions(const ElbState& state, const LoadBalancer& lb, const std::string& protocol, const Json& actions);
void check_conditions(const Json& conditions);

}  // namespace ecslocal::api::elbv2
