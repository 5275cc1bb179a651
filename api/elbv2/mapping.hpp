#pragma once
// ELBv2 entities → wire documents (member names as in the model; the gateway shapes and encodes
// them as XML), and the few request pieces every area reads (tags, attributes, paging).
#include <optional>
#include <string>
#include <vector>

#include "api/common/pagination.hpp"
#include "api/elbv2/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::elbv2 {

// arn:aws:elasticloadbalancing:<region>:<account>:<resource>
std::string elb_arn(const RequestContext& ctx, const std::string& resource);

std::string load_balancer_state(const LoadBalancer& lb, TimePoint now);  // provisioning | active | active_impaired
Json load_balancer_json(const LoadBalancer& lb, TimePoint now);
Json target_group_json(const ElbState& state, const TargetGroup& group);
Json listener_json(const Listener& listener);
Json rule_json(const Rule& rule);
Json default_rule_json(const Listener& listener);
Json zones_json(const LoadBalancer& lb);
Json attributes_json(const Attributes& attributes);
Json tags_json(const Tags& tags);

// What DescribeTargetHealth reports for a registered target at `now`.
struct HealthView {
  std::string state, reason, description;
};
HealthView health_view(const ElbState& state, const TargetGroup& group, const Target& target, TimePoint now,
                       std::chrono::seconds registration_step);
Json target_health_json(const TargetGroup& group, const std::string& id, int port, const std::string& zone,
                        const HealthView& view);
// The port health checks go to for a target: the configured one, or the target's (traffic-port).
int health_check_port(const TargetGroup& group, int target_port);

// Request pieces.
Tags tags_from(const Json& input);  // "Tags": [{Key, Value}]
std::vector<std::pair<std::string, std::string>> attributes_from(const Json& input);  // "Attributes": [{Key, Value}]
// Marker/PageSize paging over `keys` (ascending); default and max page size 400.
Page elb_page(const std::vector<std::string>& keys, const Json& input);
void add_marker(Json& out, const Page& page);

}  // namespace ecslocal::api::elbv2
