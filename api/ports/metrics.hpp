#pragma once
// How services publish metrics to CloudWatch (the AWS namespaces: AWS/ECS from task stats,
// AWS/ApplicationELB and AWS/NetworkELB from the load balancers' data plane,
// ECS/ContainerInsights). CloudWatch implements it; without it, datapoints are dropped.
// Called on the state strand. Timestamps are the virtual clock's (api/common/clock.hpp).
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecslocal::api {

struct MetricDatum {
  std::string name;                                         // "RequestCount"
  std::vector<std::pair<std::string, std::string>> dimensions;  // {"LoadBalancer", "app/web/50dc6c..."}
  std::chrono::system_clock::time_point timestamp;
  std::string unit = "None";  // a CloudWatch StandardUnit: "Count", "Seconds", "Percent", ...
  // One value, or a statistic set over a period (sum, count, min, max), as PutMetricData takes them.
  std::optional<double> value;
  double sum = 0, sample_count = 0, minimum = 0, maximum = 0;
  bool high_resolution = false;  // StorageResolution 1
};

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  // AWS-owned namespaces are allowed here (users cannot PutMetricData into "AWS/...").
  virtual void put_metrics(const std::string& account_id, const std::string& region, const std::string& name_space,
                           const std::vector<MetricDatum>& data) = 0;
};

}  // namespace ecslocal::api
