#pragma once
// ECS ARNs (long format): arn:aws:ecs:<region>:<account>:<type>/<...>.
#include <optional>
#include <string>

#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct Arn {
  std::string partition, service, region, account, resource;  // resource: "cluster/name", ...
  std::string type() const;  // text before the first '/'
  std::string id() const;    // text after the last '/'
};

std::optional<Arn> parse_arn(const std::string& text);

std::string cluster_arn(const RequestContext& ctx, const std::string& cluster_name);
std::string task_definition_arn(const RequestContext& ctx, const std::string& family, long long revision);
std::string service_arn(const RequestContext& ctx, const std::string& cluster_name, const std::string& service_name);
std::string task_arn(const RequestContext& ctx, const std::string& cluster_name, const std::string& task_id);
std::string capacity_provider_arn(const RequestContext& ctx, const std::string& name);

// "name" or "arn:...:cluster/name" → "name" (clients may pass either).
std::string cluster_name_of(const std::string& name_or_arn);

}  // namespace ecslocal::api::ecs
