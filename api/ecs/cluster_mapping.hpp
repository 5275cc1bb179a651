#pragma once
// Clusters on the wire: the members of the cluster operations' requests and the Cluster shape of
// their replies. The only place that spells the cluster members' wire names.
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/cluster_model.hpp"
#include "api/ecs/tags.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

// Every member any cluster operation takes (CreateCluster, DescribeClusters, ListClusters,
// UpdateCluster, UpdateClusterSettings, PutClusterCapacityProviders, DeleteCluster); absent
// members stay empty.
struct ClusterRequest {
  std::optional<std::string> cluster_name;  // CreateCluster
  std::optional<std::string> cluster;       // the others
  std::vector<Tag> tags;
  std::optional<std::vector<ClusterSetting>> settings;
  std::optional<ClusterConfiguration> configuration;
  std::optional<std::vector<std::string>> capacity_providers;
  std::optional<std::vector<CapacityProviderStrategyItem>> default_strategy;
  std::optional<std::string> service_connect_namespace;
  std::optional<std::vector<std::string>> clusters;  // DescribeClusters
  std::vector<std::string> include;                  // DescribeClusters: ATTACHMENTS, SETTINGS, ...
  std::optional<std::string> next_token;             // ListClusters
  std::optional<long long> max_results;
};

ClusterRequest cluster_request_from_json(const Json& input);

// A capacity provider strategy on the wire ([{capacityProvider, weight, base}]), as clusters,
// RunTask and services carry it.
std::vector<CapacityProviderStrategyItem> strategy_from_json(const Json& list);
Json strategy_to_json(const std::vector<CapacityProviderStrategyItem>& strategy);

// Which optional parts of a Cluster a reply carries.
struct ClusterView {
  enum class Statistics { Omit, Empty, Counts };
  Statistics statistics = Statistics::Omit;
  bool tags = false;
  bool settings = false;
  bool configuration = false;
  bool attachments = false;  // attachments (+ attachmentsStatus once capacity providers were put)

  // What CreateCluster, UpdateCluster(Settings), PutClusterCapacityProviders and DeleteCluster
  // return: statistics [] (not computed), tags, settings, configuration, and the attachments
  // once capacity providers were put.
  static ClusterView for_change(const Cluster& cluster);
  // What DescribeClusters returns for its `include` list.
  static ClusterView for_include(const std::vector<std::string>& include);
};

Json cluster_to_json(const Cluster& cluster, const ClusterView& view, const std::vector<Tag>& tags);
Json cluster_response(Json cluster);  // {"cluster": ...}

struct ClusterFailure {
  std::string arn;
  std::string reason;  // "MISSING"
};
Json describe_clusters_response(Json clusters, const std::vector<ClusterFailure>& failures);
Json list_clusters_response(const std::vector<std::string>& arns, const std::optional<std::string>& next_token);

}  // namespace ecslocal::api::ecs
