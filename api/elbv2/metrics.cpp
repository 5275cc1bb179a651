#include "api/elbv2/metrics.hpp"

#include <algorithm>
#include <vector>

#include "api/elbv2/mapping.hpp"

namespace ecslocal::api::elbv2 {
namespace {

using Dimensions = std::vector<std::pair<std::string, std::string>>;

TimePoint minute_of(TimePoint t) {
  const auto since = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  const auto floor = since - ((since % 60) + 60) % 60;
  return TimePoint(std::chrono::seconds(floor));
}

void add_traffic(TargetGroupTraffic& to, const TargetGroupTraffic& from) {
  if (from.responses) {
    if (to.responses == 0 || from.response_seconds_min < to.response_seconds_min)
      to.response_seconds_min = from.response_seconds_min;
    if (to.responses == 0 || from.response_seconds_max > to.response_seconds_max)
      to.response_seconds_max = from.response_seconds_max;
  }
  to.requests += from.requests;
  for (int i = 0; i < 6; ++i) to.target_codes[i] += from.target_codes[i];
  to.responses += from.responses;
  to.response_seconds_sum += from.response_seconds_sum;
  to.connection_errors += from.connection_errors;
}

class Batch {
 public:
  explicit Batch(TimePoint at) : at_(at) {}
  void count(const std::string& name, const Dimensions& dims, double value, const std::string& unit = "Count") {
    MetricDatum d;
    d.name = name;
    d.dimensions = dims;
    d.timestamp = at_;
    d.unit = unit;
    d.value = value;
    data_.push_back(std::move(d));
  }
  void nonzero(const std::string& name, const Dimensions& dims, double value) {
    if (value != 0) count(name, dims, value);
  }
  void stats(const std::string& name, const Dimensions& dims, double sum, double n, double min, double max,
             const std::string& unit) {
    if (n <= 0) return;
    MetricDatum d;
    d.name = name;
    d.dimensions = dims;
    d.timestamp = at_;
    d.unit = unit;
    d.sum = sum;
    d.sample_count = n;
    d.minimum = min;
    d.maximum = max;
    data_.push_back(std::move(d));
  }
  void target_codes(const Dimensions& dims, const TargetGroupTraffic& t) {
    for (int c = 2; c <= 5; ++c) nonzero("HTTPCode_Target_" + std::to_string(c) + "XX_Count", dims, double(t.target_codes[c]));
    stats("TargetResponseTime", dims, t.response_seconds_sum, double(t.responses), t.response_seconds_min,
          t.response_seconds_max, "Seconds");
  }
  std::vector<MetricDatum>& data() { return data_; }

 private:
  TimePoint at_;
  std::vector<MetricDatum> data_;
};

// HealthyHostCount and UnHealthyHostCount of a group, overall and by zone.
void host_counts(Batch& batch, const std::string& lb_dimension, const std::string& group_dimension,
                 const auto& gm) {
  auto put = [&](const Dimensions& dims, const auto& healthy, const auto& unhealthy) {
    batch.stats("HealthyHostCount", dims, healthy.sum, healthy.count, healthy.min, healthy.max, "Count");
    batch.stats("UnHealthyHostCount", dims, unhealthy.sum, unhealthy.count, unhealthy.min, unhealthy.max, "Count");
  };
  put({{"LoadBalancer", lb_dimension}, {"TargetGroup", group_dimension}}, gm.healthy, gm.unhealthy);
  for (const auto& [zone, samples] : gm.zones)
    put({{"LoadBalancer", lb_dimension}, {"TargetGroup", group_dimension}, {"AvailabilityZone", zone}}, samples.first,
        samples.second);
}

// The healthy targets RequestCountPerTarget divides by.
double per_target_divisor(double healthy_average, double registered_average) {
  if (healthy_average > 0) return healthy_average;
  if (registered_average > 0) return registered_average;
  return 1;
}

double average(const auto& samples) { return samples.count > 0 ? samples.sum / samples.count : 0; }

}  // namespace

void ElbMetrics::Samples::add(double v) {
  if (count == 0 || v < min) min = v;
  if (count == 0 || v > max) max = v;
  sum += v;
  count += 1;
}

void ElbMetrics::Samples::merge(const Samples& o) {
  if (o.count == 0) return;
  if (count == 0 || o.min < min) min = o.min;
  if (count == 0 || o.max > max) max = o.max;
  sum += o.sum;
  count += o.count;
}

void ElbMetrics::collect(const ElbStore& store, const std::map<std::string, ListenerTraffic>& traffic, TimePoint now,
                         std::chrono::seconds registration_step) {
  const TimePoint minute = minute_of(now);
  store.for_each([&](const std::string& account, const std::string& region, const ElbState& state) {
    if (state.load_balancers.empty()) return;
    Minute& m = minutes_[{account, region, minute}];
    auto lb_minute = [&](const LoadBalancer& lb) -> LoadBalancerMinute& {
      LoadBalancerMinute& out = m.load_balancers[lb.arn];
      out.dimension = lb.dimension();
      out.application = lb.application();
      return out;
    };
    for (const auto& [arn, lb] : state.load_balancers) lb_minute(lb);
    // Target health, sampled for every group in use, under each load balancer using it.
    for (const auto& [arn, g] : state.target_groups) {
      int healthy = 0, unhealthy = 0, registered = 0;
      std::map<std::string, std::pair<int, int>> zones;
      for (const auto& [key, t] : g.targets) {
        const HealthView v = health_view(state, g, t, now, registration_step);
        if (v.state == "healthy") ++healthy;
        if (v.state == "unhealthy") ++unhealthy;
        if (!t.draining_until) ++registered;
        if (t.availability_zone.empty()) continue;
        auto& z = zones[t.availability_zone];
        if (v.state == "healthy") ++z.first;
        if (v.state == "unhealthy") ++z.second;
      }
      for (const auto& lb_arn : state.load_balancers_of(arn)) {
        auto lb = state.load_balancers.find(lb_arn);
        if (lb == state.load_balancers.end()) continue;
        GroupMinute& gm = lb_minute(lb->second).groups[arn];
        gm.dimension = g.dimension();
        gm.healthy.add(healthy);
        gm.unhealthy.add(unhealthy);
        gm.registered.add(registered);
        for (const auto& [zone, counts] : zones) {
          gm.zones[zone].first.add(counts.first);
          gm.zones[zone].second.add(counts.second);
        }
      }
    }
    // The data plane's counts of this account's listeners.
    for (const auto& [listener_arn, t] : traffic) {
      auto l = state.listeners.find(listener_arn);
      if (l == state.listeners.end()) continue;
      auto lb = state.load_balancers.find(l->second.load_balancer_arn);
      if (lb == state.load_balancers.end()) continue;
      LoadBalancerMinute& lm = lb_minute(lb->second);
      lm.traffic.requests += t.requests;
      lm.traffic.fixed_responses += t.fixed_responses;
      lm.traffic.redirects += t.redirects;
      lm.traffic.new_connections += t.new_connections;
      for (const auto& [code, n] : t.elb_codes) lm.traffic.elb_codes[code] += n;
      for (const auto& [group_arn, gt] : t.groups) {
        const TargetGroup* g = state.find_target_group(group_arn);
        if (!g) continue;  // deleted meanwhile
        GroupMinute& gm = lm.groups[group_arn];
        gm.dimension = g->dimension();
        add_traffic(gm.traffic, gt);
      }
    }
  });
}

void ElbMetrics::publish(MetricSink& sink, TimePoint now) {
  for (auto it = minutes_.begin(); it != minutes_.end();) {
    const auto& [account, region, start] = it->first;
    if (start + std::chrono::minutes(1) > now) {
      ++it;
      continue;
    }
    Batch alb(start), nlb(start);
    struct GroupTotal {
      std::string dimension;
      std::uint64_t requests = 0;
      Samples healthy, registered;
    };
    std::map<std::string, GroupTotal> totals;  // ALB groups over every load balancer, by ARN
    for (const auto& [lb_arn, lm] : it->second.load_balancers) {
      const Dimensions lb_dims{{"LoadBalancer", lm.dimension}};
      if (!lm.application) {
        nlb.count("NewFlowCount", lb_dims, double(lm.traffic.new_connections));
        for (const auto& [group_arn, gm] : lm.groups) {
          const Dimensions dims{{"LoadBalancer", lm.dimension}, {"TargetGroup", gm.dimension}};
          nlb.count("NewFlowCount", dims, double(gm.traffic.requests));
          host_counts(nlb, lm.dimension, gm.dimension, gm);
        }
        continue;
      }
      const ListenerTraffic& t = lm.traffic;
      alb.count("RequestCount", lb_dims, double(t.requests));
      std::uint64_t elb4 = 0, elb5 = 0;
      for (const auto& [code, n] : t.elb_codes) {
        if (code >= 400 && code < 500) elb4 += n;
        if (code >= 500 && code < 600) elb5 += n;
        if (code == 500 || code == 502 || code == 503 || code == 504)
          alb.nonzero("HTTPCode_ELB_" + std::to_string(code) + "_Count", lb_dims, double(n));
      }
      alb.nonzero("HTTPCode_ELB_4XX_Count", lb_dims, double(elb4));
      alb.nonzero("HTTPCode_ELB_5XX_Count", lb_dims, double(elb5));
      alb.nonzero("HTTP_Fixed_Response_Count", lb_dims, double(t.fixed_responses));
      alb.nonzero("HTTP_Redirect_Count", lb_dims, double(t.redirects));
      alb.nonzero("NewConnectionCount", lb_dims, double(t.new_connections));
      TargetGroupTraffic all;
      for (const auto& [group_arn, gm] : lm.groups) {
        add_traffic(all, gm.traffic);
        const Dimensions dims{{"LoadBalancer", lm.dimension}, {"TargetGroup", gm.dimension}};
        const double requests = double(gm.traffic.requests);
        alb.count("RequestCount", dims, requests);
        alb.count("RequestCountPerTarget", dims,
                  requests / per_target_divisor(average(gm.healthy), average(gm.registered)), "None");
        alb.target_codes(dims, gm.traffic);
        alb.nonzero("TargetConnectionErrorCount", dims, double(gm.traffic.connection_errors));
        host_counts(alb, lm.dimension, gm.dimension, gm);
        GroupTotal& total = totals[group_arn];
        total.dimension = gm.dimension;
        total.requests += gm.traffic.requests;
        if (total.healthy.count == 0) {  // the group's health is the same under each load balancer
          total.healthy = gm.healthy;
          total.registered = gm.registered;
        }
      }
      alb.target_codes(lb_dims, all);
      alb.nonzero("TargetConnectionErrorCount", lb_dims, double(all.connection_errors));
    }
    for (const auto& [group_arn, total] : totals) {
      const Dimensions dims{{"TargetGroup", total.dimension}};
      alb.count("RequestCount", dims, double(total.requests));
      alb.count("RequestCountPerTarget", dims,
                double(total.requests) / per_target_divisor(average(total.healthy), average(total.registered)), "None");
    }
    if (!alb.data().empty()) sink.put_metrics(account, region, "AWS/ApplicationELB", alb.data());
    if (!nlb.data().empty()) sink.put_metrics(account, region, "AWS/NetworkELB", nlb.data());
    it = minutes_.erase(it);
  }
}

}  // namespace ecslocal::api::elbv2
