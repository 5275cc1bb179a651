#pragma once
// CloudWatch behind a real Gateway (strict shapes), called with query-protocol form bodies as the
// AWS CLI sends them, on a manual clock whose timer queue runs the alarm evaluations. A recording
// AlarmActionTarget stands in for Application Auto Scaling. Replies are XML text.
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/cloudwatch/provider.hpp"
#include "api/common/timer_queue.hpp"
#include "api/gateway.hpp"
#include "api/ports/alarms.hpp"
#include "tests/fakes/gateway_calls.hpp"
#include "tests/fakes/test_clock.hpp"
#include "tests/unit/api/elbv2/elb_harness.hpp"

namespace ecslocal::testing {

using CwReply = ElbReply;

// Records the scaling actions CloudWatch invokes; throws `fail` when set.
class RecordingActions : public api::AlarmActionTarget {
 public:
  bool handles_action(const std::string& arn) const override { return arn.rfind("arn:aws:autoscaling:", 0) == 0; }
  void invoke_action(const api::AlarmInvocation& call) override {
    calls.push_back(call);
    if (!fail.empty()) throw std::runtime_error(fail);
  }
  std::vector<api::AlarmInvocation> calls;
  std::string fail;
};

class CwHarness {
 public:
  CwHarness() : gateway_(strict_gateway_options(&now)) {
    cw_ = std::make_shared<api::cloudwatch::CloudWatchProvider>([this] { return now; });
    gateway_.add(cw_);
    ports_.provide<api::Timers>(&timers);
    ports_.provide<api::AlarmActionTarget>(&actions);
    gateway_.connect(ports_);
  }

  CwReply call(const std::string& action, const Params& params = {}) {
    auto r = form_call(gateway_, action, "2010-08-01", params, {"monitoring", "test", ""});
    return {r.status, r.body, r.error_type};
  }

  // ISO 8601 text of now + offset seconds.
  std::string iso(double offset = 0) const {
    const auto t = static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() + static_cast<long long>(offset));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  // One datum of `value` at now + offset for metric `name` in namespace "App" (dimension Service=web);
  // `extra` replaces or adds members ("" leaves one out).
  CwReply put(const std::string& name, double value, double offset = 0, const Params& extra = {}) {
    return call("PutMetricData", merged({{"Namespace", "App"},
                                         {"MetricData.member.1.MetricName", name},
                                         {"MetricData.member.1.Value", std::to_string(value)},
                                         {"MetricData.member.1.Timestamp", iso(offset)},
                                         {"MetricData.member.1.Dimensions.member.1.Name", "Service"},
                                         {"MetricData.member.1.Dimensions.member.1.Value", "web"}},
                                        extra));
  }

  // An alarm on App/<metric> (Service=web), Average, 60 s periods; `extra` as for put().
  CwReply alarm(const std::string& name, const std::string& metric, double threshold, int periods,
                const Params& extra = {}) {
    return call("PutMetricAlarm", merged({{"AlarmName", name},
                                          {"Namespace", "App"},
                                          {"MetricName", metric},
                                          {"Dimensions.member.1.Name", "Service"},
                                          {"Dimensions.member.1.Value", "web"},
                                          {"Statistic", "Average"},
                                          {"Period", "60"},
                                          {"EvaluationPeriods", std::to_string(periods)},
                                          {"Threshold", std::to_string(threshold)},
                                          {"ComparisonOperator", "GreaterThanThreshold"}},
                                         extra));
  }

  static Params merged(Params p, const Params& extra) {
    for (const auto& [k, v] : extra) {
      bool replaced = false;
      for (auto& [pk, pv] : p)
        if (pk == k) pv = v, replaced = true;
      if (!replaced) p.emplace_back(k, v);
    }
    std::erase_if(p, [](const auto& kv) { return kv.second.empty(); });
    return p;
  }

  // XML text with its five entities decoded.
  static std::string unescape(std::string s) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
      for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    }
    return s;
  }

  std::string state(const std::string& alarm) {
    return call("DescribeAlarms", {{"AlarmNames.member.1", alarm}}).text("StateValue");
  }
  std::string reason(const std::string& alarm) {
    return unescape(call("DescribeAlarms", {{"AlarmNames.member.1", alarm}}).text("StateReason"));
  }

  void advance(std::chrono::seconds by) { advance_clock(now, timers, by); }

  api::cloudwatch::CloudWatchProvider& provider() { return *cw_; }

  // 2023-11-14T22:13:00Z: a minute boundary.
  api::Clock::time_point now = api::Clock::time_point(std::chrono::seconds(1700000000 - 1700000000 % 60));
  api::TimerQueue timers;
  RecordingActions actions;

 private:
  api::Ports ports_;
  api::Gateway gateway_;
  std::shared_ptr<api::cloudwatch::CloudWatchProvider> cw_;
};

}  // namespace ecslocal::testing
