// Metrics: PutMetricData's validation, the statistics GetMetricStatistics and GetMetricData
// compute per period (weighted values, statistic sets, percentiles), ListMetrics' filters, and
// the MetricSink other services publish AWS/* metrics through.
#include <gtest/gtest.h>

#include "tests/unit/api/cloudwatch/cw_harness.hpp"

namespace ecslocal::testing {
namespace {

Params stats_query(CwHarness& h, const std::string& name, std::initializer_list<const char*> stats,
                   const char* list = "Statistics") {
  Params p{{"Namespace", "App"},
           {"MetricName", name},
           {"Dimensions.member.1.Name", "Service"},
           {"Dimensions.member.1.Value", "web"},
           {"StartTime", h.iso(-600)},
           {"EndTime", h.iso(600)},
           {"Period", "60"}};
  int i = 0;
  for (const char* s : stats) p.emplace_back(std::string(list) + ".member." + std::to_string(++i), s);
  return p;
}

TEST(CloudWatchMetrics, PutMetricDataValidatesAsCloudWatch) {
  CwHarness h;
  auto r = h.call("PutMetricData", {{"Namespace", "AWS/ECS"},
                                    {"MetricData.member.1.MetricName", "CPUUtilization"},
                                    {"MetricData.member.1.Value", "1"}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_TRUE(r.has("AWS/ECS")) << r.body;
  r = h.put("Load", 1, 0,
            {{"MetricData.member.1.StatisticValues.SampleCount", "2"},
             {"MetricData.member.1.StatisticValues.Sum", "2"},
             {"MetricData.member.1.StatisticValues.Minimum", "1"},
             {"MetricData.member.1.StatisticValues.Maximum", "1"}});
  EXPECT_EQ(r.code, "InvalidParameterCombination") << r.body;
  EXPECT_EQ(h.put("Load", 1, -15 * 86400).code, "InvalidParameterValue");
  EXPECT_EQ(h.put("Load", 1, 3 * 3600).code, "InvalidParameterValue");
  EXPECT_EQ(h.put("Load", 1, 0, {{"MetricData.member.1.StorageResolution", "5"}}).code, "InvalidParameterValue");
  EXPECT_EQ(h.put("Load", 1, 0, {{"MetricData.member.1.Dimensions.member.2.Name", "Service"},
                                 {"MetricData.member.1.Dimensions.member.2.Value", "other"}})
                .code,
            "InvalidParameterValue");
  // One bad datum refuses the whole call: nothing of it is stored.
  r = h.call("PutMetricData", {{"Namespace", "App"},
                               {"MetricData.member.1.MetricName", "Good"},
                               {"MetricData.member.1.Value", "1"},
                               {"MetricData.member.2.MetricName", "Bad"},
                               {"MetricData.member.2.Value", "1"},
                               {"MetricData.member.2.StorageResolution", "7"}});
  EXPECT_EQ(r.code, "InvalidParameterValue");
  EXPECT_EQ(h.call("ListMetrics").count("MetricName"), 0u);
}

TEST(CloudWatchMetrics, GetMetricStatisticsPerPeriod) {
  CwHarness h;
  for (double v : {2.0, 4.0, 9.0}) ASSERT_TRUE(h.put("Load", v, 10).ok());
  ASSERT_TRUE(h.put("Load", 100, 70).ok());
  auto r = h.call("GetMetricStatistics", stats_query(h, "Load", {"Sum", "Average", "Minimum", "Maximum", "SampleCount"}));
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.count("member"), 2u) << r.body;
  EXPECT_EQ(r.all("Sum"), (std::vector<std::string>{"15.0", "100.0"}));
  EXPECT_EQ(r.all("Average"), (std::vector<std::string>{"5.0", "100.0"}));
  EXPECT_EQ(r.all("Minimum"), (std::vector<std::string>{"2.0", "100.0"}));
  EXPECT_EQ(r.all("Maximum"), (std::vector<std::string>{"9.0", "100.0"}));
  EXPECT_EQ(r.all("SampleCount"), (std::vector<std::string>{"3.0", "1.0"}));
  EXPECT_EQ(r.text("Label"), "Load");

  EXPECT_EQ(h.call("GetMetricStatistics", stats_query(h, "Load", {})).code, "MissingParameter");
  EXPECT_EQ(h.call("GetMetricStatistics", stats_query(h, "Load", {"Median"})).code, "InvalidParameterValue");
  auto bad_period = stats_query(h, "Load", {"Sum"});
  bad_period[6].second = "45";
  EXPECT_EQ(h.call("GetMetricStatistics", bad_period).code, "InvalidParameterValue");
  auto reversed = stats_query(h, "Load", {"Sum"});
  std::swap(reversed[4].second, reversed[5].second);
  EXPECT_EQ(h.call("GetMetricStatistics", reversed).code, "InvalidParameterValue");
}

TEST(CloudWatchMetrics, WeightedValuesStatisticSetsAndPercentiles) {
  CwHarness h;
  ASSERT_TRUE(h.put("Latency", 0, 10,
                    {{"MetricData.member.1.Value", ""},
                     {"MetricData.member.1.Values.member.1", "1"},
                     {"MetricData.member.1.Values.member.2", "10"},
                     {"MetricData.member.1.Counts.member.1", "9"},
                     {"MetricData.member.1.Counts.member.2", "1"}})
                  .ok());
  auto r = h.call("GetMetricStatistics", stats_query(h, "Latency", {"Sum", "SampleCount"}));
  EXPECT_EQ(r.text("Sum"), "19.0") << r.body;
  EXPECT_EQ(r.text("SampleCount"), "10.0");
  r = h.call("GetMetricStatistics", stats_query(h, "Latency", {"p50", "p99"}, "ExtendedStatistics"));
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_TRUE(r.has("<key>p50</key><value>1.0</value>")) << r.body;
  EXPECT_TRUE(r.has("<key>p99</key><value>10.0</value>")) << r.body;

  ASSERT_TRUE(h.put("Set", 0, 10,
                    {{"MetricData.member.1.Value", ""},
                     {"MetricData.member.1.StatisticValues.SampleCount", "4"},
                     {"MetricData.member.1.StatisticValues.Sum", "20"},
                     {"MetricData.member.1.StatisticValues.Minimum", "1"},
                     {"MetricData.member.1.StatisticValues.Maximum", "8"}})
                  .ok());
  r = h.call("GetMetricStatistics", stats_query(h, "Set", {"Average", "Maximum"}));
  EXPECT_EQ(r.text("Average"), "5.0") << r.body;
  EXPECT_EQ(r.text("Maximum"), "8.0");
}

TEST(CloudWatchMetrics, GetMetricDataAnswersMetricStatQueries) {
  CwHarness h;
  h.put("Load", 3, 10);
  h.put("Load", 5, 70);
  Params p{{"StartTime", h.iso(-600)},
           {"EndTime", h.iso(600)},
           {"MetricDataQueries.member.1.Id", "load"},
           {"MetricDataQueries.member.1.MetricStat.Metric.Namespace", "App"},
           {"MetricDataQueries.member.1.MetricStat.Metric.MetricName", "Load"},
           {"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "Service"},
           {"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value", "web"},
           {"MetricDataQueries.member.1.MetricStat.Period", "60"},
           {"MetricDataQueries.member.1.MetricStat.Stat", "Sum"}};
  auto r = h.call("GetMetricData", p);
  ASSERT_TRUE(r.ok()) << r.body;
  EXPECT_EQ(r.text("Id"), "load");
  EXPECT_EQ(r.text("StatusCode"), "Complete");
  EXPECT_TRUE(r.has("<Values><member>5.0</member><member>3.0</member></Values>")) << "newest first: " << r.body;
  p.emplace_back("ScanBy", "TimestampAscending");
  EXPECT_TRUE(h.call("GetMetricData", p).has("<Values><member>3.0</member><member>5.0</member></Values>"));

  auto bad_id = p;
  bad_id[2].second = "Load";  // ids start with a lower-case letter
  EXPECT_EQ(h.call("GetMetricData", bad_id).code, "InvalidParameterValue");
  auto math = h.call("GetMetricData", {{"StartTime", h.iso(-600)},
                                       {"EndTime", h.iso(600)},
                                       {"MetricDataQueries.member.1.Id", "e1"},
                                       {"MetricDataQueries.member.1.Expression", "ANOMALY_DETECTION_BAND(m1)"}});
  EXPECT_EQ(math.code, "NotImplementedException");
  EXPECT_TRUE(math.has("e1")) << math.body;
}

TEST(CloudWatchMetrics, ListMetricsFilters) {
  CwHarness h;
  h.put("Load", 1);
  h.put("Queue", 1);
  h.call("PutMetricData", {{"Namespace", "Other"}, {"MetricData.member.1.MetricName", "Load"}, {"MetricData.member.1.Value", "1"}});
  EXPECT_EQ(h.call("ListMetrics").count("MetricName"), 3u);
  EXPECT_EQ(h.call("ListMetrics", {{"Namespace", "App"}}).count("MetricName"), 2u);
  EXPECT_EQ(h.call("ListMetrics", {{"MetricName", "Load"}}).count("MetricName"), 2u);
  EXPECT_EQ(h.call("ListMetrics", {{"Dimensions.member.1.Name", "Service"}}).count("MetricName"), 2u);
  EXPECT_EQ(h.call("ListMetrics", {{"Dimensions.member.1.Name", "Service"}, {"Dimensions.member.1.Value", "db"}})
                .count("MetricName"),
            0u);
  EXPECT_EQ(h.call("ListMetrics", {{"NextToken", "garbage"}}).code, "InvalidParameterValue");
}

TEST(CloudWatchMetrics, ServicesPublishAwsNamespacesThroughTheSink) {
  CwHarness h;
  api::MetricDatum d;
  d.name = "RequestCount";
  d.dimensions = {{"LoadBalancer", "app/web/50dc6c495c0c9188"}};
  d.timestamp = h.now + std::chrono::seconds(5);
  d.unit = "Count";
  d.value = 0;  // zeros are datapoints too
  static_cast<api::MetricSink&>(h.provider()).put_metrics("000000000000", "us-east-1", "AWS/ApplicationELB", {d});
  auto r = h.call("ListMetrics", {{"Namespace", "AWS/ApplicationELB"}});
  EXPECT_EQ(r.text("MetricName"), "RequestCount") << r.body;
  auto s = h.call("GetMetricStatistics", {{"Namespace", "AWS/ApplicationELB"},
                                          {"MetricName", "RequestCount"},
                                          {"Dimensions.member.1.Name", "LoadBalancer"},
                                          {"Dimensions.member.1.Value", "app/web/50dc6c495c0c9188"},
                                          {"StartTime", h.iso(-60)},
                                          {"EndTime", h.iso(60)},
                                          {"Period", "60"},
                                          {"Statistics.member.1", "Sum"}});
  EXPECT_EQ(s.text("Sum"), "0.0") << s.body;
  EXPECT_EQ(s.text("Unit"), "Count");
}

TEST(CloudWatchMetrics, OldDataIsPruned) {
  CwHarness h;
  h.put("Load", 1, 0, {{"MetricData.member.1.StorageResolution", "1"}});
  h.advance(std::chrono::seconds(16 * 86400));
  h.provider().tick(h.now);
  EXPECT_EQ(h.call("ListMetrics").count("MetricName"), 0u) << "a series with no datapoints left is dropped";
}

}  // namespace
}  // namespace ecslocal::testing
