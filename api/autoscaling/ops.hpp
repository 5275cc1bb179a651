#pragma once
// What the Application Auto Scaling handlers share (target_ops.cpp).
#include <string>
#include <vector>

#include "api/autoscaling/provider.hpp"

namespace ecslocal::api::autoscaling {

double epoch(const RequestContext& ctx);  // ctx.now in epoch seconds
// ServiceNamespace ecs, ScalableDimension (when given) ecs:service:DesiredCount, and a
// service/<cluster>/<service> ResourceId; returns it. ValidationException otherwise.
std::string check_target_key(const Json& in);
void check_namespace_only(const Json& in);
// A page of `items` (sorted by `keys`) under `list`, with NextToken (MaxResults up to 50).
Json paged(const std::vector<std::string>& keys, const Json& in, std::vector<Json> items, const char* list);
// No ResourceIds filter, or `resource_id` is in it.
bool resource_listed(const Json& in, const std::string& resource_id);

}  // namespace ecslocal::api::autoscaling
