// ELBv2's metrics: the data plane's counts (a scripted DataPlane) and target health, rolled up
// per virtual minute by the provider's tick and handed to a fake MetricSink under the AWS
// namespaces with AWS's dimensions; nothing is kept without a sink.
#include <gtest/gtest.h>

#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;

struct Put {
  std::string account, region, name_space;
  std::vector<api::MetricDatum> data;
};

class FakeMetricSink : public api::MetricSink {
 public:
  void put_metrics(const std::string& account_id, const std::string& region, const std::string& name_space,
                   const std::vector<api::MetricDatum>& data) override {
    puts.push_back({account_id, region, name_space, data});
  }
  // The datum `name` with exactly `dims` (any order) in the puts of `name_space`, or null.
  const api::MetricDatum* find(const std::string& name_space, const std::string& name,
                               std::vector<std::pair<std::string, std::string>> dims) const {
    std::sort(dims.begin(), dims.end());
    for (const auto& p : puts) {
      if (p.name_space != name_space) continue;
      for (const auto& d : p.data) {
        auto have = d.dimensions;
        std::sort(have.begin(), have.end());
        if (d.name == name && have == dims) return &d;
      }
    }
    return nullptr;
  }
  std::vector<Put> puts;
};

// Opens listeners (always) and hands out the traffic a test scripted, once.
class ScriptedDataPlane : public api::DataPlane {
 public:
  api::ListenerResult open(const api::ListenerRequest& r) override {
    api::ListenerResult out;
    out.ok = true;
    out.port = r.port;
    return out;
  }
  void close(const std::string&) override {}
  void publish(const std::string&, std::shared_ptr<const api::DataPlaneConfig>) override {}
  std::map<std::string, api::ListenerTraffic> take_traffic() override { return std::exchange(traffic, {}); }
  std::map<std::string, api::ListenerTraffic> traffic;
};

class ElbMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.provider().set_data_plane(&plane);
    h.provider().settings().open_listeners = true;
    h.now = api::Clock::time_point(std::chrono::seconds(1700000040));  // a minute starts
    lb = h.create_alb();
    tg = h.create_tg("app");
    listener = h.create_listener(lb, tg);
    auto& state = h.provider().state("000000000000", "us-east-1");
    lb_dim = state.load_balancers.at(lb).dimension();
    tg_dim = state.find_target_group(tg)->dimension();
    ASSERT_TRUE(h.call("RegisterTargets", {{"TargetGroupArn", tg}, {"Targets.member.1.Id", "172.31.0.10"}}).ok());
    auto r = h.call("RegisterTargets", {{"TargetGroupArn", tg},
                                        {"Targets.member.1.Id", "172.31.0.11"},
                                        {"Targets.member.1.AvailabilityZone", "us-east-1a"}});
    ASSERT_TRUE(r.ok()) << r.body;
  }
  ElbHarness h;
  ScriptedDataPlane plane;
  FakeMetricSink sink;
  std::string lb, tg, listener, lb_dim, tg_dim;
};

TEST_F(ElbMetricsTest, AMinutesTrafficIsPublishedUnderApplicationElbWithAwssDimensions) {
  h.provider().set_metric_sink(&sink);
  h.prober.set_status("172.31.0.11:8080", 500);
  h.advance(12s);  // past the registration step: .10 healthy, .11 failing (unhealthy after 2)
  h.advance(60s);
  const auto minute_start = api::Clock::time_point(std::chrono::seconds(1700000100));
  ASSERT_LT(h.now, minute_start + 60s);
  api::ListenerTraffic t;
  t.requests = 12;
  t.new_connections = 3;
  t.elb_codes = {{503, 2}, {502, 1}, {400, 1}};
  auto& g = t.groups[tg];
  g.requests = 8;
  g.target_codes[2] = 6;
  g.target_codes[4] = 1;
  g.target_codes[5] = 1;
  g.responses = 8;
  g.response_seconds_sum = 0.4;
  g.response_seconds_min = 0.01;
  g.response_seconds_max = 0.2;
  plane.traffic[listener] = t;
  h.provider().tick(h.now);
  EXPECT_TRUE(sink.puts.empty());  // this minute is not over
  h.now = minute_start + 61s;
  h.provider().tick(h.now);

  ASSERT_FALSE(sink.puts.empty());
  EXPECT_EQ(sink.puts[0].account, "000000000000");
  EXPECT_EQ(sink.puts[0].region, "us-east-1");
  const std::string ns = "AWS/ApplicationELB";
  ASSERT_EQ(lb_dim.rfind("app/web/", 0), 0u);
  ASSERT_EQ(tg_dim.rfind("targetgroup/app/", 0), 0u);
  const std::vector<std::pair<std::string, std::string>> by_lb{{"LoadBalancer", lb_dim}};
  const std::vector<std::pair<std::string, std::string>> by_both{{"LoadBalancer", lb_dim}, {"TargetGroup", tg_dim}};
  const std::vector<std::pair<std::string, std::string>> by_tg{{"TargetGroup", tg_dim}};
  auto value = [&](const std::string& name, const std::vector<std::pair<std::string, std::string>>& dims) {
    const auto* d = sink.find(ns, name, dims);
    EXPECT_NE(d, nullptr) << name;
    return d && d->value ? *d->value : -1.0;
  };
  EXPECT_EQ(value("RequestCount", by_lb), 12);
  EXPECT_EQ(value("RequestCount", by_both), 8);
  EXPECT_EQ(value("RequestCount", by_tg), 8);
  EXPECT_EQ(value("RequestCountPerTarget", by_both), 8);  // one healthy target all minute
  EXPECT_EQ(sink.find(ns, "RequestCountPerTarget", by_tg)->unit, "None");
  EXPECT_EQ(value("HTTPCode_Target_2XX_Count", by_both), 6);
  EXPECT_EQ(value("HTTPCode_Target_4XX_Count", by_lb), 1);
  EXPECT_EQ(value("HTTPCode_Target_5XX_Count", by_both), 1);
  EXPECT_EQ(sink.find(ns, "HTTPCode_Target_3XX_Count", by_both), nullptr);  // only when not 0
  EXPECT_EQ(value("HTTPCode_ELB_5XX_Count", by_lb), 3);
  EXPECT_EQ(value("HTTPCode_ELB_503_Count", by_lb), 2);
  EXPECT_EQ(value("HTTPCode_ELB_4XX_Count", by_lb), 1);
  EXPECT_EQ(value("NewConnectionCount", by_lb), 3);
  const auto* rt = sink.find(ns, "TargetResponseTime", by_both);
  ASSERT_NE(rt, nullptr);
  EXPECT_FALSE(rt->value);
  EXPECT_EQ(rt->unit, "Seconds");
  EXPECT_DOUBLE_EQ(rt->sum, 0.4);
  EXPECT_EQ(rt->sample_count, 8);
  EXPECT_DOUBLE_EQ(rt->minimum, 0.01);
  EXPECT_DOUBLE_EQ(rt->maximum, 0.2);
  const auto* healthy = sink.find(ns, "HealthyHostCount", by_both);
  const auto* unhealthy = sink.find(ns, "UnHealthyHostCount", by_both);
  ASSERT_TRUE(healthy && unhealthy);
  EXPECT_EQ(healthy->sum / healthy->sample_count, 1);
  EXPECT_EQ(unhealthy->maximum, 1);
  EXPECT_EQ(healthy->timestamp, minute_start);
  // By zone: only the target registered with one.
  auto in_zone = by_both;
  in_zone.emplace_back("AvailabilityZone", "us-east-1a");
  const auto* zone_unhealthy = sink.find(ns, "UnHealthyHostCount", in_zone);
  const auto* zone_healthy = sink.find(ns, "HealthyHostCount", in_zone);
  ASSERT_TRUE(zone_unhealthy && zone_healthy);
  EXPECT_EQ(zone_unhealthy->maximum, 1);
  EXPECT_EQ(zone_healthy->maximum, 0);
  EXPECT_EQ(sink.find("AWS/NetworkELB", "HealthyHostCount", by_both), nullptr);

  // An idle minute still reports RequestCount 0 for the group in use; no codes.
  sink.puts.clear();
  h.now += 60s;
  h.provider().tick(h.now);
  EXPECT_EQ(value("RequestCount", by_both), 0);
  EXPECT_EQ(value("RequestCountPerTarget", by_tg), 0);
  EXPECT_EQ(sink.find(ns, "HTTPCode_Target_2XX_Count", by_both), nullptr);
}

TEST_F(ElbMetricsTest, NetworkLoadBalancersPublishUnderNetworkElb) {
  h.provider().set_metric_sink(&sink);
  const auto s = h.subnets();
  auto nlb = h.call("CreateLoadBalancer",
                    {{"Name", "tcp"}, {"Type", "network"}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
  ASSERT_TRUE(nlb.ok()) << nlb.body;
  const std::string ntg = h.call("CreateTargetGroup", {{"Name", "raw"},
                                                       {"Protocol", "TCP"},
                                                       {"Port", "9000"},
                                                       {"VpcId", h.vpc_id()},
                                                       {"TargetType", "ip"}})
                               .text("TargetGroupArn");
  ASSERT_FALSE(ntg.empty());
  auto l = h.call("CreateListener", {{"LoadBalancerArn", nlb.text("LoadBalancerArn")},
                                     {"Protocol", "TCP"},
                                     {"Port", "9000"},
                                     {"DefaultActions.member.1.Type", "forward"},
                                     {"DefaultActions.member.1.TargetGroupArn", ntg}});
  ASSERT_TRUE(l.ok()) << l.body;
  api::ListenerTraffic t;
  t.new_connections = 4;
  t.groups[ntg].requests = 4;
  plane.traffic[l.text("ListenerArn")] = t;
  h.provider().tick(h.now);
  h.now += 60s;
  h.provider().tick(h.now);
  auto& state = h.provider().state("000000000000", "us-east-1");
  const std::string dim = state.load_balancers.at(nlb.text("LoadBalancerArn")).dimension();
  EXPECT_EQ(dim.rfind("net/tcp/", 0), 0u);
  const auto* flows = sink.find("AWS/NetworkELB", "NewFlowCount", {{"LoadBalancer", dim}});
  ASSERT_NE(flows, nullptr);
  EXPECT_EQ(*flows->value, 4);
  EXPECT_NE(sink.find("AWS/NetworkELB", "HealthyHostCount",
                      {{"LoadBalancer", dim}, {"TargetGroup", state.find_target_group(ntg)->dimension()}}),
            nullptr);
  EXPECT_EQ(sink.find("AWS/ApplicationELB", "RequestCount", {{"LoadBalancer", dim}}), nullptr);
}

TEST_F(ElbMetricsTest, WithoutAMetricSinkTheCountsAreDropped) {
  api::ListenerTraffic t;
  t.requests = 5;
  plane.traffic[listener] = t;
  h.provider().tick(h.now);
  EXPECT_TRUE(plane.traffic.empty());  // taken from the data plane all the same
  h.provider().set_metric_sink(&sink);
  h.now += 120s;
  h.provider().tick(h.now);  // the dropped minute is not published late
  h.now += 60s;
  h.provider().tick(h.now);
  const auto* d = sink.find("AWS/ApplicationELB", "RequestCount", {{"LoadBalancer", lb_dim}});
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(*d->value, 0);
  for (const auto& p : sink.puts)
    for (const auto& datum : p.data) EXPECT_FALSE(datum.name == "RequestCount" && datum.value && *datum.value == 5);
}

}  // namespace
}  // namespace ecslocal::testing
