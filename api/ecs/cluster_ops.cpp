// CreateCluster, DescribeClusters, ListClusters, UpdateCluster, UpdateClusterSettings,
// PutClusterCapacityProviders, DeleteCluster, and the cluster resolver of the tag operations.
// Entity and rules: api/ecs/cluster_model.hpp; wire form: api/ecs/cluster_mapping.hpp.
#include <algorithm>
#include <set>

#include "api/ecs/errors.hpp"
#include "api/common/pagination.hpp"
#include "api/ecs/arn.hpp"
#include "api/ecs/cluster_mapping.hpp"
#include "api/ecs/provider.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr size_t kMaxDescribedClusters = 100;
constexpr long long kMaxListedClusters = 100;

Json changed_cluster_response(const EcsState& state, const Cluster& cluster) {
  return cluster_response(cluster_to_json(cluster, ClusterView::for_change(cluster), state.tags.get(cluster.arn)));
}

// serviceConnectDefaults.namespace: a Cloud Map namespace's name or ARN; a name no namespace has
// makes ECS create an HTTP namespace of that name. The cluster shows the namespace's ARN.
// check_default_namespace runs with the other checks; set_default_namespace after them all, so a
// refused call makes no namespace.
void check_default_namespace(EcsProvider& provider, const RequestContext& ctx, const ClusterRequest& request) {
  ServiceDiscovery* discovery = provider.discovery();
  if (!discovery || !request.service_connect_namespace || request.service_connect_namespace->empty()) return;
  const std::string& given = *request.service_connect_namespace;
  if (discovery->find_namespace(ctx.account_id, ctx.region, given)) return;
  if (given.rfind("arn:", 0) == 0) throw NamespaceNotFoundException("Failed to retrieve namespace for " + given);
  const bool printable = std::all_of(given.begin(), given.end(), [](char c) { return c >= '!' && c <= '~'; });
  if (!printable || given.size() > 1024)
    throw InvalidParameterException("serviceConnectDefaults.namespace must be 1-1024 printable characters without spaces.");
}

void set_default_namespace(EcsProvider& provider, const RequestContext& ctx, const ClusterRequest& request, Cluster& cluster) {
  ServiceDiscovery* discovery = provider.discovery();
  if (!discovery || !request.service_connect_namespace || request.service_connect_namespace->empty()) return;
  const std::string& given = *request.service_connect_namespace;
  auto found = discovery->find_namespace(ctx.account_id, ctx.region, given);
  cluster.service_connect_namespace = found ? found->arn : discovery->ensure_http_namespace(ctx.account_id, ctx.region, given).arn;
}

// Checks and applies the members CreateCluster and UpdateCluster share.
void apply_cluster_options(Cluster& cluster, const ClusterRequest& request) {
  if (request.settings) validate_cluster_settings(*request.settings);
  if (request.configuration) validate_cluster_configuration(*request.configuration);
  if (request.settings) cluster.apply_settings(*request.settings);
  if (request.configuration) cluster.configuration = request.configuration;
  if (request.service_connect_namespace) {
    // An empty namespace removes the default (emulator choice).
    cluster.service_connect_namespace = request.service_connect_namespace->empty()
                                            ? std::nullopt
                                            : request.service_connect_namespace;
  }
}

void apply_capacity_providers(Cluster& cluster, const std::vector<std::string>& providers,
                              const std::vector<CapacityProviderStrategyItem>& strategy) {
  validate_capacity_providers(providers, strategy);
  cluster.capacity_providers = providers;
  cluster.default_strategy = strategy;
  cluster.capacity_providers_set = cluster.capacity_providers_set || !providers.empty();
}

Cluster new_cluster(const EcsState& state, const RequestContext& ctx, const std::string& name, const ClusterRequest& request) {
  Cluster cluster;
  cluster.name = name;
  cluster.arn = cluster_arn(ctx, name);
  cluster.created_at = ctx.now;
  cluster.settings = {{"containerInsights", container_insights_default(state.account_settings, ctx)}};
  apply_cluster_options(cluster, request);
  apply_capacity_providers(cluster, request.capacity_providers.value_or(std::vector<std::string>{}),
                           request.default_strategy.value_or(std::vector<CapacityProviderStrategyItem>{}));
  return cluster;
}

// Idempotent like AWS: an ACTIVE cluster of that name is returned unchanged; an INACTIVE one is
// replaced by a fresh cluster.
Json create_cluster(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  const std::string name = request.cluster_name.value_or(kDefaultClusterName);
  validate_cluster_name(name);
  validate_new_tags(request.tags);
  if (const Cluster* existing = state.clusters.find(name); existing && existing->active())
    return changed_cluster_response(state, *existing);
  check_default_namespace(provider, ctx, request);
  Cluster cluster = new_cluster(state, ctx, name, request);
  Cluster& stored = state.clusters.put(std::move(cluster));
  set_default_namespace(provider, ctx, request, stored);
  state.tags.erase(stored.arn);
  if (!request.tags.empty()) state.tags.set(stored.arn, request.tags);
  return changed_cluster_response(state, stored);
}

Json describe_clusters(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  std::vector<std::string> wanted = request.clusters.value_or(std::vector<std::string>{});
  if (wanted.empty()) wanted.push_back(kDefaultClusterName);
  if (wanted.size() > kMaxDescribedClusters)
    throw InvalidParameterException("At most " + std::to_string(kMaxDescribedClusters) + " clusters can be described at once.");
  const ClusterView view = ClusterView::for_include(request.include);
  Json clusters = Json::array();
  std::vector<ClusterFailure> failures;
  std::set<std::string> seen;
  for (const auto& item : wanted) {
    const std::string name = cluster_name_for(ctx, item);
    const Cluster* cluster = name.empty() ? nullptr : state.clusters.find(name);
    const std::string arn = cluster ? cluster->arn : item.rfind("arn:", 0) == 0 ? item : cluster_arn(ctx, item);
    if (!seen.insert(arn).second) continue;
    if (cluster)
      clusters.push_back(cluster_to_json(*cluster, view, state.tags.get(cluster->arn)));
    else
      failures.push_back({arn, "MISSING"});
  }
  return describe_clusters_response(std::move(clusters), failures);
}

Json list_clusters(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  auto active = state.clusters.active();
  std::vector<std::string> keys;  // by name (which also orders the ARNs)
  for (const Cluster* c : active) keys.push_back(c->name);
  Page page = paginate(keys, {request.next_token, request.max_results, kMaxListedClusters, kMaxListedClusters,
                              InvalidParameterException::kCode});
  std::vector<std::string> arns;
  for (size_t i = page.begin; i < page.end; ++i) arns.push_back(active[i]->arn);
  return list_clusters_response(arns, page.next_token);
}

Json update_cluster(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  Cluster& cluster = require_active_cluster(state, ctx, request.cluster);
  check_default_namespace(provider, ctx, request);
  apply_cluster_options(cluster, request);
  set_default_namespace(provider, ctx, request, cluster);
  return changed_cluster_response(state, cluster);
}

Json update_cluster_settings(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  Cluster& cluster = require_active_cluster(state, ctx, request.cluster);
  const auto settings = request.settings.value_or(std::vector<ClusterSetting>{});
  validate_cluster_settings(settings);
  cluster.apply_settings(settings);
  return changed_cluster_response(state, cluster);
}

Json put_cluster_capacity_providers(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  Cluster& cluster = require_active_cluster(state, ctx, request.cluster);
  apply_capacity_providers(cluster, request.capacity_providers.value_or(std::vector<std::string>{}),
                           request.default_strategy.value_or(std::vector<CapacityProviderStrategyItem>{}));
  cluster.capacity_providers_set = true;
  return changed_cluster_response(state, cluster);
}

// The cluster turns INACTIVE and stays describable; its tags go with it.
Json delete_cluster(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  ClusterRequest request = cluster_request_from_json(input);
  Cluster& cluster = require_active_cluster(state, ctx, request.cluster);
  const auto& usage = cluster.usage;
  if (usage.services(ServiceBucket::Active) + usage.services(ServiceBucket::Draining) > 0)
    throw ClusterContainsServicesException("The Cluster cannot be deleted while Services are active.");
  if (usage.tasks(TaskBucket::Pending) + usage.tasks(TaskBucket::Running) > 0)
    throw ClusterContainsTasksException("The Cluster cannot be deleted while Tasks are active.");
  cluster.status = ClusterStatus::Inactive;
  state.tags.erase(cluster.arn);
  return changed_cluster_response(state, cluster);
}

// TagResource/UntagResource need an ACTIVE cluster; ListTagsForResource also reads INACTIVE ones.
void resolve_cluster_for_tags(EcsState& state, const RequestContext& ctx, const Arn& arn, TagAccess access) {
  const Cluster* cluster = state.clusters.find(arn.resource.substr(arn.resource.find('/') + 1));
  if (!cluster) throw ClusterNotFoundException("Cluster not found.");
  if (!cluster->active() && access == TagAccess::Write)
    throw InvalidParameterException("The specified cluster is inactive. Specify an active cluster and try again.");
}

}  // namespace

void register_cluster_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "CreateCluster", provider, create_cluster);
  bind_operation(table, "DescribeClusters", provider, describe_clusters);
  bind_operation(table, "ListClusters", provider, list_clusters);
  bind_operation(table, "UpdateCluster", provider, update_cluster);
  bind_operation(table, "UpdateClusterSettings", provider, update_cluster_settings);
  bind_operation(table, "PutClusterCapacityProviders", provider, put_cluster_capacity_providers);
  bind_operation(table, "DeleteCluster", provider, delete_cluster);
  provider.register_tag_resolver("cluster", resolve_cluster_for_tags);
}

}  // namespace ecslocal::api::ecs
