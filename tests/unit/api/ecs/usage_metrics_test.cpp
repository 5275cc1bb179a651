// AWS/ECS CPUUtilization and MemoryUtilization (and Container Insights) from sampled container
// usage: the sampler is asked every 15 s of virtual time, the minute's datum per running service
// task goes to the MetricSink at the minute boundary.
#include <gtest/gtest.h>

#include <functional>

#include "api/common/timer_queue.hpp"
#include "api/ports/metrics.hpp"
#include "api/ports/task_usage.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

class FakeSampler : public UsageSampler {
 public:
  void sample(std::function<void(std::vector<TaskUsage>)> done) override { pending.push_back(std::move(done)); }
  std::vector<std::function<void(std::vector<TaskUsage>)>> pending;
};

class RecordingSink : public MetricSink {
 public:
  void put_metrics(const std::string&, const std::string&, const std::string& ns,
                   const std::vector<MetricDatum>& data) override {
    for (const auto& d : data) puts.push_back({ns, d});
  }
  // The values of `name` in `ns` with exactly `dims`.
  std::vector<double> values(const std::string& ns, const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& dims) const {
    std::vector<double> out;
    for (const auto& [n, d] : puts)
      if (n == ns && d.name == name && d.dimensions == dims) out.push_back(d.value.value_or(-1));
    return out;
  }
  std::vector<std::pair<std::string, MetricDatum>> puts;
};

class UsageMetricsTest : public TaskOpsTest {
 protected:
  UsageMetricsTest() {
    manual_clock = Clock::time_point(std::chrono::seconds(1700000000 - 1700000000 % 60));
    ports.provide<Timers>(&timers);
    ports.provide<UsageSampler>(&sampler);
    ports.provide<MetricSink>(&sink);
    h.gateway().connect(ports);
  }

  std::string start_service(const std::string& cluster = "default") {
    auto r = h.ecs("CreateService", {{"cluster", cluster},
                                     {"serviceName", "web"},
                                     {"taskDefinition", "web"},
                                     {"desiredCount", 1},
                                     {"launchType", "FARGATE"},
                                     {"networkConfiguration", network()}});
    EXPECT_TRUE(r.ok()) << r.body.dump();
    auto tasks = h.ecs("ListTasks", {{"cluster", cluster}}).body["taskArns"];
    EXPECT_EQ(tasks.size(), 1u);
    const std::string arn = tasks.empty() ? "" : tasks[0].get<std::string>();
    bring_running(arn);
    return arn;
  }

  void tick(std::chrono::seconds by) {
    *manual_clock += by;
    timers.run_due(*manual_clock);
    h.ecs_provider().tick(*manual_clock);
  }
  void answer(const std::string& arn, double cpu_seconds, double memory_mib, double at_seconds) {
    ASSERT_FALSE(sampler.pending.empty());
    auto done = std::move(sampler.pending.front());
    sampler.pending.erase(sampler.pending.begin());
    TaskUsage u{arn, static_cast<std::uint64_t>(cpu_seconds * 1e9), static_cast<std::uint64_t>(memory_mib * 1024 * 1024),
                base + std::chrono::milliseconds(static_cast<long long>(at_seconds * 1000))};
    done({u});
  }

  Ports ports;
  TimerQueue timers;
  FakeSampler sampler;
  RecordingSink sink;
  std::chrono::steady_clock::time_point base = std::chrono::steady_clock::now();
};

TEST_F(UsageMetricsTest, PublishesServiceUtilizationEveryMinute) {
  const std::string arn = start_service();
  h.ecs_provider().tick(*manual_clock);
  answer(arn, 10, 128, 0);  // the first sample only sets the baseline
  tick(std::chrono::seconds(15));
  answer(arn, 10.25, 256, 1);  // 0.25 s of CPU in 1 s: 256 units, the whole task (cpu 256)
  tick(std::chrono::seconds(15));
  answer(arn, 10.375, 256, 2);  // 0.125 CPU: 50 %
  EXPECT_TRUE(sink.puts.empty()) << "nothing before the minute ends";
  tick(std::chrono::seconds(30));  // the minute boundary
  const std::vector<std::pair<std::string, std::string>> dims{{"ClusterName", "default"}, {"ServiceName", "web"}};
  const auto cpu = sink.values("AWS/ECS", "CPUUtilization", dims);
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_DOUBLE_EQ(cpu[0], 75) << "the minute's average of 100 % and 50 %, each over 1 s";
  EXPECT_EQ(sink.values("AWS/ECS", "CPUUtilization", {{"ClusterName", "default"}}).size(), 1u);
  const auto memory = sink.values("AWS/ECS", "MemoryUtilization", dims);
  ASSERT_EQ(memory.size(), 1u);
  EXPECT_NEAR(memory[0], (128.0 + 256 + 256) / 3 / 512 * 100, 1e-9) << "memory is averaged over the samples";
  EXPECT_TRUE(sink.values("ECS/ContainerInsights", "CpuUtilized", dims).empty()) << "Container Insights is off";
  const auto& first = sink.puts.front().second;
  EXPECT_EQ(first.unit, "Percent");
  EXPECT_EQ(first.timestamp, *manual_clock - std::chrono::seconds(30)) << "stamped inside the minute it measures";

  // An idle minute is a real 0; a skipped sample repeats the latest rate.
  tick(std::chrono::seconds(15));
  answer(arn, 10.375, 256, 20);
  tick(std::chrono::seconds(45));
  EXPECT_EQ(sink.values("AWS/ECS", "CPUUtilization", dims).back(), 0);
}

TEST_F(UsageMetricsTest, ContainerInsightsWhenTheClusterTurnsItOn) {
  ASSERT_TRUE(h.ecs("CreateCluster", {{"clusterName", "insights"},
                                      {"settings", {{{"name", "containerInsights"}, {"value", "enabled"}}}}})
                  .ok());
  const std::string arn = start_service("insights");
  h.ecs_provider().tick(*manual_clock);
  answer(arn, 0, 100, 0);
  tick(std::chrono::seconds(15));
  answer(arn, 0.5, 100, 1);
  tick(std::chrono::seconds(45));
  const std::vector<std::pair<std::string, std::string>> dims{{"ClusterName", "insights"}, {"ServiceName", "web"}};
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "CpuUtilized", dims), std::vector<double>{512});
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "CpuReserved", dims), std::vector<double>{256});
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "MemoryReserved", dims), std::vector<double>{512});
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "RunningTaskCount", dims), std::vector<double>{1});
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "DesiredTaskCount", dims), std::vector<double>{1});
  EXPECT_EQ(sink.values("ECS/ContainerInsights", "ServiceCount", {{"ClusterName", "insights"}}), std::vector<double>{1});
  EXPECT_EQ(sink.values("AWS/ECS", "CPUUtilization", dims), std::vector<double>{200})
      << "a task over its size shows over 100 % (Fargate's limit is enforced by NanoCpus, not here)";
}

TEST_F(UsageMetricsTest, ATaskNotMeasuredYetIsLeftOut) {
  start_service();
  h.ecs_provider().tick(*manual_clock);
  ASSERT_EQ(sampler.pending.size(), 1u);
  sampler.pending.clear();  // the sampler never answers
  tick(std::chrono::seconds(60));
  EXPECT_TRUE(sink.values("AWS/ECS", "CPUUtilization", {{"ClusterName", "default"}, {"ServiceName", "web"}}).empty());
  EXPECT_TRUE(sampler.pending.empty()) << "no second sample while one is outstanding";
}

}  // namespace
}  // namespace ecslocal::api::ecs
