#pragma once
// The load balancers' CloudWatch metrics (spec §6.1, §10.4), rolled up per virtual-clock minute
// on the state strand: the data plane's counts (DataPlane::take_traffic, by listener ARN) and
// target health sampled at each collect. When a minute is over, publish() hands it to the
// MetricSink under AWS/ApplicationELB (ALB) or AWS/NetworkELB (NLB), one datum per dimension set:
//
//   ALB  {LoadBalancer}: RequestCount, HTTPCode_ELB_4XX/5XX_Count, HTTPCode_ELB_<code>_Count
//        (502, 503, 504...), HTTPCode_Target_<n>XX_Count, TargetResponseTime,
//        HTTP_Fixed_Response_Count, HTTP_Redirect_Count, NewConnectionCount, TargetConnectionErrorCount
//        {LoadBalancer, TargetGroup}: RequestCount, RequestCountPerTarget, HTTPCode_Target_<n>XX_Count,
//        TargetResponseTime, TargetConnectionErrorCount, HealthyHostCount, UnHealthyHostCount
//        {LoadBalancer, TargetGroup, AvailabilityZone}: HealthyHostCount, UnHealthyHostCount (targets
//        registered with a zone, as ECS registers its tasks)
//        {TargetGroup}: RequestCount, RequestCountPerTarget
//   NLB  {LoadBalancer}: NewFlowCount; {LoadBalancer, TargetGroup}: NewFlowCount, HealthyHostCount,
//        UnHealthyHostCount; by AvailabilityZone as for ALB
//
// RequestCount and RequestCountPerTarget are published for every target group in use, 0 when
// idle; the HTTPCode counts only when not 0. RequestCountPerTarget divides by the healthy targets
// (average over the minute's samples), by the registered non-draining ones when none is healthy.
// TargetResponseTime and the host counts are statistic sets (sum, count, min, max).
#include <chrono>
#include <map>
#include <string>
#include <tuple>

#include "api/elbv2/model.hpp"
#include "api/ports/data_plane.hpp"
#include "api/ports/metrics.hpp"

namespace ecslocal::api::elbv2 {

class ElbMetrics {
 public:
  // Adds `traffic` (by listener ARN) to the minute of `now` and samples the target health of
  // every target group a load balancer uses.
  void collect(const ElbStore& store, const std::map<std::string, ListenerTraffic>& traffic, TimePoint now,
               std::chrono::seconds registration_step);
  // Hands every minute over by `now` to `sink` and forgets it.
  void publish(MetricSink& sink, TimePoint now);
  void clear() { minutes_.clear(); }
  bool empty() const { return minutes_.empty(); }

 private:
  struct Samples {
    double sum = 0, count = 0, min = 0, max = 0;
    void add(double v);
    void merge(const Samples& other);
  };
  struct GroupMinute {
    std::string dimension;
    TargetGroupTraffic traffic;
    Samples healthy, unhealthy, registered;
    std::map<std::string, std::pair<Samples, Samples>> zones;  // healthy, unhealthy by the targets' zone
  };
  struct LoadBalancerMinute {
    std::string dimension;
    bool application = true;
    ListenerTraffic traffic;                    // its listeners' counts, groups left empty
    std::map<std::string, GroupMinute> groups;  // by target group ARN
  };
  struct Minute {
    std::map<std::string, LoadBalancerMinute> load_balancers;  // by ARN
  };
  // (account, region, minute start)
  std::map<std::tuple<std::string, std::string, TimePoint>, Minute> minutes_;
};

}  // namespace ecslocal::api::elbv2
