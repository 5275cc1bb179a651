#include "api/ecs/cluster_mapping.hpp"

#include "api/common/json_read.hpp"

#include <algorithm>

namespace ecslocal::api::ecs {
namespace {

using json_read::optional_bool;
using json_read::optional_string;
using json_read::optional_strings;


std::vector<ClusterSetting> settings_from_json(const Json& list) {
  std::vector<ClusterSetting> out;
  for (const auto& item : list)
    if (item.is_object()) out.push_back({optional_string(item, "name").value_or(""), optional_string(item, "value").value_or("")});
  return out;
}


ClusterConfiguration configuration_from_json(const Json& object) {
  ClusterConfiguration configuration;
  if (!object.contains("executeCommandConfiguration") || !object["executeCommandConfiguration"].is_object())
    return configuration;
  const Json& exec = object["executeCommandConfiguration"];
  ExecuteCommandConfiguration out{optional_string(exec, "kmsKeyId"), optional_string(exec, "logging"), std::nullopt};
  if (exec.contains("logConfiguration") && exec["logConfiguration"].is_object()) {
    const Json& log = exec["logConfiguration"];
    out.log_configuration = ExecuteCommandLogConfiguration{
        optional_string(log, "cloudWatchLogGroupName"), optional_bool(log, "cloudWatchEncryptionEnabled"), optional_string(log, "s3BucketName"),
        optional_bool(log, "s3EncryptionEnabled"), optional_string(log, "s3KeyPrefix")};
  }
  configuration.execute_command = std::move(out);
  return configuration;
}

template <typename T>
void put_optional(Json& object, const char* member, const std::optional<T>& value) {
  if (value) object[member] = *value;
}

Json configuration_to_json(const ClusterConfiguration& configuration) {
  Json out = Json::object();
  if (!configuration.execute_command) return out;
  const auto& exec = *configuration.execute_command;
  Json e = Json::object();
  put_optional(e, "kmsKeyId", exec.kms_key_id);
  put_optional(e, "logging", exec.logging);
  if (exec.log_configuration) {
    const auto& log = *exec.log_configuration;
    Json l = Json::object();
    put_optional(l, "cloudWatchLogGroupName", log.cloud_watch_log_group_name);
    put_optional(l, "cloudWatchEncryptionEnabled", log.cloud_watch_encryption_enabled);
    put_optional(l, "s3BucketName", log.s3_bucket_name);
    put_optional(l, "s3EncryptionEnabled", log.s3_encryption_enabled);
    put_optional(l, "s3KeyPrefix", log.s3_key_prefix);
    e["logConfiguration"] = std::move(l);
  }
  out["executeCommandConfiguration"] = std::move(e);
  return out;
}

Json statistics_to_json(const ClusterUsage& usage) {
  auto entry = [](const char* name, int value) { return Json{{"name", name}, {"value", std::to_string(value)}}; };
  using K = CapacityKind;
  return Json::array({
      entry("runningEC2TasksCount", usage.tasks(TaskBucket::Running, K::Ec2)),
      entry("runningFargateTasksCount", usage.tasks(TaskBucket::Running, K::Fargate)),
      entry("pendingEC2TasksCount", usage.tasks(TaskBucket::Pending, K::Ec2)),
      entry("pendingFargateTasksCount", usage.tasks(TaskBucket::Pending, K::Fargate)),
      entry("activeEC2ServiceCount", usage.services(ServiceBucket::Active, K::Ec2)),
      entry("activeFargateServiceCount", usage.services(ServiceBucket::Active, K::Fargate)),
      entry("drainingEC2ServiceCount", usage.services(ServiceBucket::Draining, K::Ec2)),
      entry("drainingFargateServiceCount", usage.services(ServiceBucket::Draining, K::Fargate)),
  });
}


void add_optional_parts(Json& out, const Cluster& cluster, const ClusterView& view, const std::vector<Tag>& tags) {
  if (view.statistics == ClusterView::Statistics::Empty) out["statistics"] = Json::array();
  if (view.statistics == ClusterView::Statistics::Counts) out["statistics"] = statistics_to_json(cluster.usage);
  if (view.tags) out["tags"] = tags_to_json(tags);
  if (view.settings) {
    out["settings"] = Json::array();
    for (const auto& s : cluster.settings) out["settings"].push_back({{"name", s.name}, {"value", s.value}});
  }
  if (view.configuration && cluster.configuration) out["configuration"] = configuration_to_json(*cluster.configuration);
  if (view.attachments) {
    out["attachments"] = Json::array();  // FARGATE providers have no Auto Scaling resources to attach
    if (cluster.capacity_providers_set) out["attachmentsStatus"] = "UPDATE_COMPLETE";
  }
}

}  // namespace

std::vector<CapacityProviderStrategyItem> strategy_from_json(const Json& list) {
  std::vector<CapacityProviderStrategyItem> out;
  for (const auto& item : list)
    if (item.is_object())
      out.push_back({optional_string(item, "capacityProvider").value_or(""), json_read::optional_int(item, "weight").value_or(0),
                     json_read::optional_int(item, "base").value_or(0)});
  return out;
}

Json strategy_to_json(const std::vector<CapacityProviderStrategyItem>& strategy) {
  Json out = Json::array();
  for (const auto& item : strategy)
    out.push_back({{"capacityProvider", item.capacity_provider}, {"weight", item.weight}, {"base", item.base}});
  return out;
}

ClusterRequest cluster_request_from_json(const Json& input) {
  ClusterRequest r;
  r.cluster_name = optional_string(input, "clusterName");
  r.cluster = optional_string(input, "cluster");
  if (input.contains("tags")) r.tags = tags_from_json(input["tags"]);
  if (input.contains("settings") && input["settings"].is_array()) r.settings = settings_from_json(input["settings"]);
  if (input.contains("configuration") && input["configuration"].is_object())
    r.configuration = configuration_from_json(input["configuration"]);
  r.capacity_providers = optional_strings(input, "capacityProviders");
  if (input.contains("defaultCapacityProviderStrategy") && input["defaultCapacityProviderStrategy"].is_array())
    r.default_strategy = strategy_from_json(input["defaultCapacityProviderStrategy"]);
  if (input.contains("serviceConnectDefaults")) r.service_connect_namespace = optional_string(input["serviceConnectDefaults"], "namespace");
  r.clusters = optional_strings(input, "clusters");
  r.include = optional_strings(input, "include").value_or(std::vector<std::string>{});
  r.next_token = optional_string(input, "nextToken");
  if (input.contains("maxResults") && input["maxResults"].is_number_integer()) r.max_results = input["maxResults"].get<long long>();
  return r;
}

ClusterView ClusterView::for_change(const Cluster& cluster) {
  ClusterView view;
  view.statistics = Statistics::Empty;
  view.tags = view.settings = view.configuration = true;
  view.attachments = cluster.capacity_providers_set;
  return view;
}

ClusterView ClusterView::for_include(const std::vector<std::string>& include) {
  auto has = [&](const char* field) { return std::find(include.begin(), include.end(), field) != include.end(); };
  ClusterView view;
  if (has("STATISTICS")) view.statistics = Statistics::Counts;
  view.tags = has("TAGS");
  view.settings = has("SETTINGS");
  view.configuration = has("CONFIGURATIONS");
  view.attachments = has("ATTACHMENTS");
  return view;
}

Json cluster_to_json(const Cluster& cluster, const ClusterView& view, const std::vector<Tag>& tags) {
  const auto& usage = cluster.usage;
  Json out = {
      {"clusterArn", cluster.arn},
      {"clusterName", cluster.name},
      {"status", cluster.active() ? "ACTIVE" : "INACTIVE"},
      {"registeredContainerInstancesCount", usage.registered_container_instances()},
      {"runningTasksCount", usage.tasks(TaskBucket::Running)},
      {"pendingTasksCount", usage.tasks(TaskBucket::Pending)},
      {"activeServicesCount", usage.services(ServiceBucket::Active)},
      {"capacityProviders", cluster.capacity_providers},
      {"defaultCapacityProviderStrategy", strategy_to_json(cluster.default_strategy)},
  };
  add_optional_parts(out, cluster, view, tags);
  if (cluster.service_connect_namespace) out["serviceConnectDefaults"] = {{"namespace", *cluster.service_connect_namespace}};
  return out;
}

Json cluster_response(Json cluster) { return {{"cluster", std::move(cluster)}}; }

Json describe_clusters_response(Json clusters, const std::vector<ClusterFailure>& failures) {
  Json out = {{"clusters", std::move(clusters)}, {"failures", Json::array()}};
  for (const auto& f : failures) out["failures"].push_back({{"arn", f.arn}, {"reason", f.reason}});
  return out;
}

Json list_clusters_response(const std::vector<std::string>& arns, const std::optional<std::string>& next_token) {
  Json out = {{"clusterArns", arns}};
  if (next_token) out["nextToken"] = *next_token;
  return out;
}

}  // namespace ecslocal::api::ecs
