#include "api/ecs/arn.hpp"

#include <vector>

namespace ecslocal::api::ecs {
namespace {

std::string prefix(const RequestContext& ctx) { return "arn:aws:ecs:" + ctx.region + ":" + ctx.account_id + ":"; }

}  // namespace

std::string Arn::type() const { return resource.substr(0, resource.find('/')); }
std::string Arn::id() const { return resource.substr(resource.rfind('/') + 1); }

std::optional<Arn> parse_arn(const std::string& text) {
  // arn:partition:service:region:account:resource (resource may contain ':' and '/')
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string::npos) return std::nullopt;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || start >= text.size()) return std::nullopt;
  return Arn{parts[1], parts[2], parts[3], parts[4], text.substr(start)};
}

std::string cluster_arn(const RequestContext& ctx, const std::string& cluster_name) {
  return prefix(ctx) + "cluster/" + cluster_name;
}

std::string task_definition_arn(const RequestContext& ctx, const std::string& family, long long revision) {
  return prefix(ctx) + "task-definition/" + family + ":" + std::to_string(revision);
}

std::string service_arn(const RequestContext& ctx, const std::string& cluster_name, const std::string& service_name) {
  return prefix(ctx) + "service/" + cluster_name + "/" + service_name;
}

std::string task_arn(const RequestContext& ctx, const std::string& cluster_name, const std::string& task_id) {
  return prefix(ctx) + "task/" + cluster_name + "/" + task_id;
}

std::string capacity_provider_arn(const RequestContext& ctx, const std::string& name) {
  return prefix(ctx) + "capacity-provider/" + name;
}

std::string cluster_name_of(const std::string& name_or_arn) {
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  auto arn = parse_arn(name_or_arn);
  if (!arn || arn->type() != "cluster") return name_or_arn;
  return arn->resource.substr(arn->resource.find('/') + 1);
}

}  // namespace ecslocal::api::ecs
