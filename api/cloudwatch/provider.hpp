#pragma once
// Amazon CloudWatch (query protocol, 2010-08-01): metrics (PutMetricData, GetMetricStatistics,
// GetMetricData with MetricStat queries, ListMetrics) and metric alarms (PutMetricAlarm,
// DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState, DescribeAlarmHistory,
// Enable/DisableAlarmActions, tags), evaluated on the virtual clock as spec §6.4 describes.
// Handlers: metric_ops.cpp and alarm_ops.cpp; evaluation in evaluation.cpp.
//
// Ports: offers MetricSink (the AWS/* namespaces ELB and ECS publish) and ManagedAlarms
// (Application Auto Scaling's target-tracking alarms); uses Timers (one evaluation per alarm
// at each period end + the lag) and every AlarmActionTarget (actions of state changes).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/cloudwatch/model.hpp"
#include "api/ports/alarms.hpp"
#include "api/ports/metrics.hpp"
#include "api/ports/ports.hpp"
#include "api/service.hpp"

namespace ecslocal::api {
class Timers;
}

namespace ecslocal::api::cloudwatch {

class CloudWatchProvider : public Service, public MetricSink, public ManagedAlarms {
 public:
  explicit CloudWatchProvider(std::function<Clock::time_point()> clock = [] { return Clock::now(); });

  std::string_view name() const override { return "cloudwatch"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "InvalidParameterValue"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  void connect(Ports& ports) override;
  void tick(Clock::time_point now) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override;

  // ---- MetricSink ----
  void put_metrics(const std::string& account_id, const std::string& region, const std::string& name_space,
                   const std::vector<MetricDatum>& data) override;

  // ---- ManagedAlarms ----
  std::string put_alarm(const std::string& account_id, const std::string& region, const Json& put_metric_alarm,
                        Clock::time_point now) override;
  void delete_alarms(const std::string& account_id, const std::string& region,
                     const std::vector<std::string>& names) override;
  std::optional<AlarmStateInfo> alarm_state(const std::string& account_id, const std::string& region,
                                            const std::string& name) const override;

  CloudWatchState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  CloudWatchStore& store() { return store_; }
  Clock::time_point now() const { return clock_(); }

  // ---- alarms (alarm_ops.cpp, evaluation.cpp) ----
  // Validates and stores the alarm `input` describes (PutMetricAlarm); returns its ARN.
  std::string store_alarm(const std::string& account, const std::string& region, Json input, Clock::time_point now);
  void remove_alarm(const std::string& account, const std::string& region, const std::string& name);
  // Sets the state (history, actions if it changed); `reinvoke`: run autoscaling actions again
  // although the state stayed (each evaluation while in that state).
  void set_state(const std::string& account, const std::string& region, Alarm& alarm, const std::string& value,
                 const std::string& reason, Json reason_data, double now, bool reinvoke,
                 const std::vector<std::pair<double, double>>& datapoints = {});
  void add_history(CloudWatchState& state, const std::string& alarm, const std::string& type, std::string summary,
                   Json data, double now);
  // Arms the alarm's next evaluation (period end + lag after `after`).
  void schedule(const std::string& account, const std::string& region, Alarm& alarm, Clock::time_point after);
  void evaluate(const std::string& account, const std::string& region, const std::string& name,
                Clock::time_point due);

  std::chrono::seconds evaluation_lag{5};

 private:
  std::function<Clock::time_point()> clock_;
  CloudWatchStore store_;
  OperationTable table_;
  Timers* timers_ = nullptr;
  Ports* ports_ = nullptr;
};

void register_metric_operations(CloudWatchProvider& provider, OperationTable& table);
void register_alarm_operations(CloudWatchProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::cloudwatch
