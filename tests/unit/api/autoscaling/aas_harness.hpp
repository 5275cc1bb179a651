#pragma once
// Application Auto Scaling and the real CloudWatch behind one Gateway (strict shapes) on a manual
// clock: target-tracking alarms are real CloudWatch alarms evaluated by the timer queue. ECS's
// DesiredCount and ELBv2's TargetGroupDirectory are small fakes that record what they are asked.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/autoscaling/provider.hpp"
#include "api/cloudwatch/provider.hpp"
#include "api/common/timer_queue.hpp"
#include "api/gateway.hpp"
#include "api/ports/desired_count.hpp"
#include "api/ports/metrics.hpp"
#include "api/ports/target_groups.hpp"
#include "tests/fakes/gateway_calls.hpp"
#include "tests/fakes/test_clock.hpp"

namespace ecslocal::testing {

class FakeEcsServices : public api::DesiredCount {
 public:
  std::optional<api::ServiceCapacity> capacity(const api::ServiceRef& s) const override {
    auto it = services.find(s.cluster + "/" + s.service);
    if (it == services.end()) return std::nullopt;
    return it->second;
  }
  void set_desired_count(const api::ServiceRef& s, int desired, const std::string& cause,
                         std::chrono::system_clock::time_point) override {
    auto it = services.find(s.cluster + "/" + s.service);
    if (it == services.end()) throw std::runtime_error("ServiceNotFoundException");
    it->second.desired = desired;
    changes.push_back({s.cluster + "/" + s.service, desired, cause});
  }
  struct Change {
    std::string service;
    int desired;
    std::string cause;
  };
  std::map<std::string, api::ServiceCapacity> services;  // "cluster/service"
  std::vector<Change> changes;
};

inline const std::string kTgArn =
    "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/ui/0123456789abcdef";
inline const std::string kLbArn =
    "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/retail/fedcba9876543210";
inline const std::string kLabel = "app/retail/fedcba9876543210/targetgroup/ui/0123456789abcdef";

class FakeTargetGroups : public api::TargetGroupDirectory {
 public:
  std::optional<api::TargetGroupInfo> find_target_group(const std::string&, const std::string&,
                                                        const std::string& arn) const override {
    if (arn != kTgArn) return std::nullopt;
    api::TargetGroupInfo info;
    info.arn = arn;
    info.name = "ui";
    info.has_load_balancer = true;
    info.load_balancer_arns = {kLbArn};
    return info;
  }
  std::optional<api::TargetHealthInfo> target_health(const std::string&, const std::string&, const std::string&,
                                                     const std::string&, int) const override {
    return std::nullopt;
  }
};

class AasHarness {
 public:
  AasHarness() : gateway_(strict_gateway_options(&now)) {
    cw_ = std::make_shared<api::cloudwatch::CloudWatchProvider>([this] { return now; });
    aas_ = std::make_shared<api::autoscaling::AutoScalingProvider>(std::make_shared<api::IdSource>(7),
                                                                   [this] { return now; });
    gateway_.add(cw_);
    gateway_.add(aas_);
    ports_.provide<api::Timers>(&timers);
    ports_.provide<api::DesiredCount>(&ecs);
    ports_.provide<api::TargetGroupDirectory>(&target_groups);
    gateway_.connect(ports_);
    api::ServiceCapacity ui;
    ui.desired = 2;
    ui.running = 2;
    ui.status = "ACTIVE";
    ui.target_group_arns = {kTgArn};
    ecs.services["retail/ui"] = ui;
  }

  CallResult call(const std::string& operation, const api::Json& input = api::Json::object()) {
    return json_call(gateway_, "AnyScaleFrontendService." + operation, input, {"application-autoscaling", "test", ""});
  }
  api::Json ok(const std::string& operation, const api::Json& input = api::Json::object()) {
    auto r = call(operation, input);
    EXPECT_TRUE(r.ok()) << operation << ": " << r.body.dump();
    return r.body;
  }
  std::string fails(const std::string& operation, const api::Json& input) {
    auto r = call(operation, input);
    EXPECT_FALSE(r.ok()) << operation << " succeeded: " << r.body.dump();
    return r.error_type() + ": " + r.body.value("message", r.body.value("Message", ""));
  }

  static api::Json key(const std::string& resource = "service/retail/ui") {
    return {{"ServiceNamespace", "ecs"}, {"ResourceId", resource}, {"ScalableDimension", "ecs:service:DesiredCount"}};
  }
  static api::Json with(api::Json a, const api::Json& b) {
    a.update(b);
    return a;
  }
  void register_target(int min = 2, int max = 10) {
    ok("RegisterScalableTarget", with(key(), {{"MinCapacity", min}, {"MaxCapacity", max}}));
  }

  // One RequestCountPerTarget datum (as ELBv2 publishes it) at now + offset.
  void publish_requests(double per_target, double offset = 5) {
    api::MetricDatum d;
    d.name = "RequestCountPerTarget";
    d.dimensions = {{"LoadBalancer", "app/retail/fedcba9876543210"}, {"TargetGroup", "targetgroup/ui/0123456789abcdef"}};
    d.timestamp = now + std::chrono::seconds(static_cast<long long>(offset));
    d.unit = "None";
    d.value = per_target;
    static_cast<api::MetricSink&>(*cw_).put_metrics("000000000000", "us-east-1", "AWS/ApplicationELB", {d});
  }
  // Minutes of `per_target` load: one datum a minute, the clock moved a minute each.
  void minutes_of(double per_target, int minutes) {
    for (int i = 0; i < minutes; ++i) {
      publish_requests(per_target);
      advance(std::chrono::seconds(60));
    }
  }

  std::string alarm_state(const std::string& name) {
    auto s = static_cast<api::ManagedAlarms&>(*cw_).alarm_state("000000000000", "us-east-1", name);
    return s ? s->value : "";
  }

  void advance(std::chrono::seconds by) { advance_clock(now, timers, by); }
  int desired() { return ecs.services["retail/ui"].desired; }

  api::Clock::time_point now = api::Clock::time_point(std::chrono::seconds(1700000000 - 1700000000 % 60));
  api::TimerQueue timers;
  FakeEcsServices ecs;
  FakeTargetGroups target_groups;
  api::cloudwatch::CloudWatchProvider& cloudwatch() { return *cw_; }
  api::autoscaling::AutoScalingProvider& provider() { return *aas_; }

 private:
  api::Ports ports_;
  api::Gateway gateway_;
  std::shared_ptr<api::cloudwatch::CloudWatchProvider> cw_;
  std::shared_ptr<api::autoscaling::AutoScalingProvider> aas_;
};

}  // namespace ecslocal::testing
