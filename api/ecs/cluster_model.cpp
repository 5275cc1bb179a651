#include "api/ecs/errors.hpp"
#include "api/ecs/cluster_model.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/ecs/arn.hpp"
#include "api/ecs/state.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {


size_t idx(TaskBucket b) { return static_cast<size_t>(b); }
size_t idx(ServiceBucket b) { return static_cast<size_t>(b); }
size_t idx(CapacityKind k) { return static_cast<size_t>(k); }

bool is_fargate_provider(const std::string& name) { return name == "FARGATE" || name == "FARGATE_SPOT"; }

void validate_strategy(const std::vector<std::string>& providers, const std::vector<CapacityProviderStrategyItem>& strategy) {
  std::set<std::string> seen;
  int with_base = 0;
  for (const auto& item : strategy) {
    if (std::find(providers.begin(), providers.end(), item.capacity_provider) == providers.end())
      throw InvalidParameterException("The default capacity provider strategy uses the capacity provider '" + item.capacity_provider +
                                   "', which is not associated with the cluster. Associate it with the cluster first.");
    if (!seen.insert(item.capacity_provider).second)
      throw InvalidParameterException("The capacity provider '" + item.capacity_provider +
                                   "' appears more than once in the capacity provider strategy.");
    if (item.weight < 0 || item.weight > 1000)
      throw InvalidParameterException("The weight of a capacity provider must be between 0 and 1000.");
    if (item.base < 0 || item.base > 100000)
      throw InvalidParameterException("The base of a capacity provider must be between 0 and 100000.");
    if (item.base > 0) ++with_base;
  }
  if (with_base > 1)
    throw InvalidParameterException("Only one capacity provider in a capacity provider strategy can have a base greater than 0.");
}

}  // namespace

void ClusterUsage::add_task(TaskBucket bucket, CapacityKind kind, int delta) {
  int& count = tasks_[idx(bucket)][idx(kind)];
  count = std::max(0, count + delta);
}

void ClusterUsage::add_service(ServiceBucket bucket, CapacityKind kind, int delta) {
  int& count = services_[idx(bucket)][idx(kind)];
  count = std::max(0, count + delta);
}

int ClusterUsage::tasks(TaskBucket bucket) const { return tasks_[idx(bucket)][0] + tasks_[idx(bucket)][1]; }
int ClusterUsage::tasks(TaskBucket bucket, CapacityKind kind) const { return tasks_[idx(bucket)][idx(kind)]; }
int ClusterUsage::services(ServiceBucket bucket) const { return services_[idx(bucket)][0] + services_[idx(bucket)][1]; }
int ClusterUsage::services(ServiceBucket bucket, CapacityKind kind) const { return services_[idx(bucket)][idx(kind)]; }

void Cluster::apply_settings(const std::vector<ClusterSetting>& changes) {
  for (const auto& change : changes) {
    auto it = std::find_if(settings.begin(), settings.end(), [&](const ClusterSetting& s) { return s.name == change.name; });
    if (it != settings.end())
      it->value = change.value;
    else
      settings.push_back(change);
  }
}

Cluster* ClusterRegistry::find(const std::string& name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : &it->second;
}

const Cluster* ClusterRegistry::find(const std::string& name) const {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : &it->second;
}

Cluster& ClusterRegistry::put(Cluster cluster) {
  std::string name = cluster.name;
  auto [it, inserted] = clusters_.insert_or_assign(std::move(name), std::move(cluster));
  return it->second;
}

std::vector<const Cluster*> ClusterRegistry::active() const {
  std::vector<const Cluster*> out;
  for (const auto& [name, cluster] : clusters_)
    if (cluster.active()) out.push_back(&cluster);
  return out;
}

std::vector<const Cluster*> ClusterRegistry::all() const {
  std::vector<const Cluster*> out;
  for (const auto& [name, cluster] : clusters_) out.push_back(&cluster);
  return out;
}

std::string cluster_name_for(const RequestContext& ctx, const std::optional<std::string>& name_or_arn) {
  if (!name_or_arn) return kDefaultClusterName;
  const std::string& text = *name_or_arn;
  if (text.rfind("arn:", 0) != 0) return text;
  auto arn = parse_arn(text);
  if (!arn || arn->partition != "aws" || arn->service != "ecs" || arn->resource.rfind("cluster/", 0) != 0)
    throw InvalidParameterException("'" + text + "' is not a valid cluster ARN. Give a cluster name or the ARN of a cluster.");
  if (arn->account != ctx.account_id)
    throw InvalidParameterException("Invalid identifier: the ARN is for account " + arn->account + ". Your account is " +
                                 ctx.account_id + ".");
  if (arn->region != ctx.region) return "";
  return arn->resource.substr(std::string("cluster/").size());
}

Cluster& require_active_cluster(EcsState& state, const RequestContext& ctx, const std::optional<std::string>& name_or_arn) {
  const std::string name = cluster_name_for(ctx, name_or_arn);
  Cluster* cluster = name.empty() ? nullptr : state.clusters.find(name);
  if (!cluster) throw ClusterNotFoundException("Cluster not found.");
  if (!cluster->active()) throw ClusterNotFoundException("The referenced cluster was inactive.");
  return *cluster;
}

void validate_cluster_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
  if (!ok)
    throw InvalidParameterException("The cluster name '" + name +
                                 "' is not valid. Up to 255 letters (uppercase and lowercase), numbers, hyphens and "
                                 "underscores are allowed.");
}

void validate_cluster_settings(const std::vector<ClusterSetting>& settings) {
  for (const auto& setting : settings) {
    if (setting.name != "containerInsights")
      throw InvalidParameterException("The cluster setting '" + setting.name + "' is not supported. Use containerInsights.");
    if (setting.value != "enabled" && setting.value != "disabled" && setting.value != "enhanced")
      throw InvalidParameterException("The value '" + setting.value +
                                   "' is not valid for the cluster setting containerInsights. Valid values: enabled, "
                                   "disabled, enhanced.");
  }
}

void validate_cluster_configuration(const ClusterConfiguration& configuration) {
  if (!configuration.execute_command) return;
  const auto& exec = *configuration.execute_command;
  if (exec.logging == std::optional<std::string>("OVERRIDE") && !exec.log_configuration)
    throw InvalidParameterException("A log configuration must be provided when the execute command logging is OVERRIDE.");
}

void validate_capacity_providers(const std::vector<std::string>& providers,
                                 const std::vector<CapacityProviderStrategyItem>& strategy) {
  std::set<std::string> seen;
  for (const auto& provider : providers) {
    if (!is_fargate_provider(provider))
      throw InvalidParameterException("The capacity provider '" + provider +
                                   "' does not exist. The capacity providers available are FARGATE and FARGATE_SPOT.");
    if (!seen.insert(provider).second)
      throw InvalidParameterException("The capacity provider '" + provider + "' is listed more than once.");
  }
  validate_strategy(providers, strategy);
}

}  // namespace ecslocal::api::ecs
