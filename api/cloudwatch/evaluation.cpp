// Alarm evaluation (spec §6.4): at each period end + the lag, the last N of an evaluation range of
// R = N + max(2, N/3) complete periods decide the state, with DatapointsToAlarm (M) and
// TreatMissingData; on a change the state's actions run (autoscaling actions also at every later
// evaluation while the state persists).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include "api/cloudwatch/metric_queries.hpp"
#include "api/cloudwatch/provider.hpp"
#include "api/common/json_read.hpp"
#include "api/ports/timers.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::cloudwatch {

using namespace json_read;
namespace {

struct Query {
  std::string name_space, name, statistic, unit;
  Json dimensions;
  std::int64_t period = 60;
  std::string expression_id;  // a metric math alarm: the Metrics query whose result is alarmed on
};

Query alarm_query(const Json& c) {
  if (c.contains("Metrics") && !c["Metrics"].empty()) {
    const Json* returned = &c["Metrics"][0];
    for (const auto& q : c["Metrics"])
      if (q.value("ReturnData", true)) returned = &q;
    if (returned->contains("Expression")) {
      Query math;
      math.expression_id = string_or_empty(*returned, "Id");
      math.period = query_period(c["Metrics"], *returned);  // no parse: this runs at every scheduling
      return math;
    }
    const auto& stat = returned->value("MetricStat", Json::object());
    const auto& metric = stat.value("Metric", Json::object());
    return {string_or_empty(metric, "Namespace"), string_or_empty(metric, "MetricName"), string_or_empty(stat, "Stat"),
            string_or_empty(stat, "Unit"), metric.value("Dimensions", Json::array()), stat.value("Period", 60LL), {}};
  }
  return {string_or_empty(c, "Namespace"), string_or_empty(c, "MetricName"),
          c.contains("ExtendedStatistic") ? c["ExtendedStatistic"].get<std::string>() : string_or_empty(c, "Statistic"),
          string_or_empty(c, "Unit"), c.value("Dimensions", Json::array()), c.value("Period", 60LL), {}};
}

bool breaches(const std::string& op, double value, double threshold) {
  if (op == "GreaterThanThreshold") return value > threshold;
  if (op == "GreaterThanOrEqualToThreshold") return value >= threshold;
  if (op == "LessThanThreshold") return value < threshold;
  return value <= threshold;  // LessThanOrEqualToThreshold
}

std::string op_words(const std::string& op) {
  if (op == "GreaterThanThreshold") return "greater than";
  if (op == "GreaterThanOrEqualToThreshold") return "greater than or equal to";
  if (op == "LessThanThreshold") return "less than";
  return "less than or equal to";
}

// As CloudWatch prints doubles: 6012.0, 0.25, 1.0E7.
std::string number(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e7) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string reason_time(double t) {  // dd/MM/yy HH:mm:ss, UTC
  const std::time_t s = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%y %H:%M:%S", &tm);
  return buf;
}

struct Point {
  double start, value;
  bool breaching;
};

std::string point_list(const std::vector<Point>& points) {
  std::string out = "[";
  for (size_t i = 0; i < points.size(); ++i)
    out += (i ? ", " : "") + number(points[i].value) + " (" + reason_time(points[i].start) + ")";
  return out + "]";
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

void CloudWatchProvider::schedule(const std::string& account, const std::string& region, Alarm& alarm,
                                  Clock::time_point after) {
  if (!timers_) return;
  if (alarm.timer) timers_->cancel(alarm.timer);
  const auto period = std::chrono::seconds(alarm_query(alarm.config).period);
  const auto base = (after - evaluation_lag).time_since_epoch();
  const auto boundary = (std::chrono::duration_cast<std::chrono::seconds>(base) / period + 1) * period;
  const Clock::time_point at{std::chrono::duration_cast<Clock::duration>(boundary + evaluation_lag)};
  const std::string name = alarm.config.value("AlarmName", "");
  alarm.timer = timers_->schedule(at, [this, account, region, name](Clock::time_point due) {
    evaluate(account, region, name, due);
  });
}

void CloudWatchProvider::evaluate(const std::string& account, const std::string& region, const std::string& name,
                                  Clock::time_point due) {
  CloudWatchState* state = store_.find(account, region);
  if (!state) return;
  auto it = state->alarms.find(name);
  if (it == state->alarms.end()) return;
  Alarm& alarm = it->second;
  alarm.timer = 0;
  const Json& c = alarm.config;
  const Query q = alarm_query(c);
  const auto n = static_cast<size_t>(c.value("EvaluationPeriods", 1LL));
  const auto m = static_cast<size_t>(c.value("DatapointsToAlarm", static_cast<long long>(n)));
  const size_t range = n + std::max<size_t>(2, n / 3);
  const double threshold = c.value("Threshold", 0.0);
  const std::string op = c.value("ComparisonOperator", "GreaterThanThreshold");
  const std::string treat = c.value("TreatMissingData", "missing");
  const double now = epoch_seconds(due);
  const auto boundary =
      (static_cast<std::int64_t>(epoch_seconds(due - evaluation_lag)) / q.period) * q.period;  // end of the newest period

  // The evaluation range, newest first; a slot without data is missing.
  std::vector<std::optional<Point>> slots;
  auto series = state->metrics.find(MetricId{q.name_space, q.name, read_dimensions(q.dimensions)});
  std::map<std::int64_t, double> computed;  // a metric math alarm's expression, over the range
  if (!q.expression_id.empty()) {
    QuerySet queries(c["Metrics"], "Metrics");
    queries.measure(state, static_cast<double>(boundary - static_cast<std::int64_t>(range) * q.period),
                    static_cast<double>(boundary));
    try {
      auto value = queries.value_of(q.expression_id);
      if (!value.series.empty()) computed = std::move(value.series[0].points);
    } catch (const AwsError&) {  // checked at PutMetricAlarm: nothing to evaluate is missing data
    }
  }
  for (size_t i = 0; i < range; ++i) {
    const std::int64_t start = boundary - static_cast<std::int64_t>(i + 1) * q.period;
    std::optional<Point> slot;
    if (!q.expression_id.empty()) {
      if (auto it = computed.find(start); it != computed.end())
        slot = Point{static_cast<double>(start), it->second, breaches(op, it->second, threshold)};
    } else if (series != state->metrics.end()) {
      if (auto v = period_value(series->second, start, q.period, q.unit))
        if (auto value = statistic(v->bucket, q.statistic))
          slot = Point{static_cast<double>(start), *value, breaches(op, *value, threshold)};
    }
    slots.push_back(slot);
  }
  std::vector<Point> present;
  for (const auto& s : slots)
    if (s) present.push_back(*s);

  std::string next = alarm.state, reason;
  std::vector<Point> evaluated;
  const std::string from = alarm.state;
  auto crossed = [&](const std::string& to, const std::vector<Point>& shown, size_t total, bool breaching) {
    const size_t k = shown.size();
    reason = "Threshold Crossed: " + std::to_string(k) + " out of the last " + std::to_string(total) + " datapoints " +
             point_list(shown) + (k == 1 ? " was " : " were ") + (breaching ? "" : "not ") + op_words(op) +
             " the threshold (" + number(threshold) + ") (minimum " + plural(to == "ALARM" ? m : 1, "datapoint") +
             " for " + from + " -> " + to + " transition).";
    next = to;
  };
  auto split = [](const std::vector<Point>& pts, bool breaching) {
    std::vector<Point> out;
    std::copy_if(pts.begin(), pts.end(), std::back_inserter(out), [&](const Point& p) { return p.breaching == breaching; });
    return out;
  };
  if (present.empty()) {
    if (treat == "missing") {
      next = "INSUFFICIENT_DATA";
      reason = "Insufficient Data: " + plural(range, "datapoint") + (range == 1 ? " was" : " were") + " unknown.";
    } else if (treat == "breaching" || treat == "notBreaching") {
      next = treat == "breaching" ? "ALARM" : "OK";
      reason = "Threshold Crossed: no datapoints were received for " + plural(range, "period") +
               " and " + plural(range, "missing datapoint") + (treat == "breaching" ? " were treated as [Breaching]."
                                                                                    : " were treated as [NonBreaching].");
    }
  } else if (treat == "breaching" || treat == "notBreaching") {
    evaluated.assign(present.begin(), present.begin() + std::min(n, present.size()));
    const size_t filled = n - evaluated.size();
    const auto bad = split(evaluated, true);
    const size_t b = bad.size() + (treat == "breaching" ? filled : 0);
    if (b >= m) crossed("ALARM", bad, n, true);
    else crossed("OK", split(evaluated, false), n, false);
  } else {
    evaluated.assign(present.begin(), present.begin() + std::min(n, present.size()));
    const auto bad = split(evaluated, true), good = split(evaluated, false);
    if (bad.size() >= m) {
      crossed("ALARM", bad, evaluated.size(), true);
    } else if (!good.empty()) {
      crossed("OK", good, evaluated.size(), false);
    } else {
      // Only breaching points, fewer than M: ALARM once the oldest is M periods old ("premature").
      const double oldest = bad.back().start;
      const auto age = static_cast<size_t>((static_cast<double>(boundary) - oldest) / static_cast<double>(q.period));
      if (age >= m) crossed("ALARM", bad, evaluated.size(), true);
      else if (treat == "missing") {
        next = "INSUFFICIENT_DATA";
        const size_t unknown = n - evaluated.size();
        reason = "Insufficient Data: " + plural(unknown, "datapoint") + (unknown == 1 ? " was" : " were") + " unknown.";
      }
    }
  }
  Json recent = Json::array(), points = Json::array();
  for (auto p = present.rbegin(); p != present.rend(); ++p) recent.push_back(p->value);
  for (const auto& p : evaluated) points.push_back({{"timestamp", iso_time(p.start)}, {"value", p.value}});
  Json data{{"version", "1.0"}, {"queryDate", iso_time(now)},
            {"startDate", iso_time(static_cast<double>(boundary - static_cast<std::int64_t>(range) * q.period))},
            {"period", q.period}, {"recentDatapoints", std::move(recent)},
            {"threshold", threshold}, {"evaluatedDatapoints", std::move(points)}};
  if (!q.statistic.empty()) data["statistic"] = q.statistic;  // none for a metric math alarm
  if (!q.unit.empty()) data["unit"] = q.unit;
  std::vector<std::pair<double, double>> datapoints;
  for (const auto& p : evaluated) datapoints.emplace_back(p.start, p.value);
  set_state(account, region, alarm, next, reason.empty() ? alarm.reason : reason, std::move(data), now, true, datapoints);
  schedule(account, region, alarm, due);
}

void CloudWatchProvider::set_state(const std::string& account, const std::string& region, Alarm& alarm,
                                   const std::string& value, const std::string& reason, Json reason_data, double now,
                                   bool reinvoke, const std::vector<std::pair<double, double>>& datapoints) {
  CloudWatchState& state = store_.at(account, region);
  const std::string name = alarm.config.value("AlarmName", "");
  const std::string previous = alarm.state;
  const bool changed = previous != value;
  if (changed) {
    Json old_state{{"stateValue", previous}, {"stateReason", alarm.reason}};
    alarm.state = value;
    alarm.reason = reason;
    alarm.reason_data = std::move(reason_data);
    alarm.state_updated = alarm.state_transitioned = now;
    Json new_state{{"stateValue", value}, {"stateReason", reason}};
    if (!alarm.reason_data.is_null()) new_state["stateReasonData"] = alarm.reason_data;
    add_history(state, name, "StateUpdate", "Alarm updated from " + previous + " to " + value,
                Json{{"version", "1.0"}, {"oldState", std::move(old_state)}, {"newState", std::move(new_state)}}, now);
  }
  if (!changed && !reinvoke) return;
  if (!alarm.config.value("ActionsEnabled", true)) return;
  const char* list = value == "ALARM" ? "AlarmActions" : value == "OK" ? "OKActions" : "InsufficientDataActions";
  for (const auto& a : alarm.config.value(list, Json::array())) {
    const std::string arn = a.get<std::string>();
    const bool scaling = arn.rfind("arn:aws:autoscaling:", 0) == 0;
    if (!changed && !scaling) continue;  // only scaling actions run again while the state persists
    AlarmActionTarget* target = nullptr;
    if (ports_)
      for (auto* t : ports_->all<AlarmActionTarget>())
        if (t->handles_action(arn)) {
          target = t;
          break;
        }
    Json data{{"actionState", "Succeeded"}, {"notificationResource", arn}, {"stateUpdateTimestamp", static_cast<std::int64_t>(alarm.state_updated * 1000)}};
    std::string summary;
    if (!target) {
      data["actionState"] = "Accepted";
      summary = "Action " + arn + " recorded; ecslocal delivers only Application Auto Scaling actions";
    } else {
      AlarmInvocation call;
      call.account_id = account;
      call.region = region;
      call.alarm_name = name;
      call.alarm_arn = alarm.arn;
      call.action_arn = arn;
      call.state = value;
      call.previous_state = previous;
      call.transition = changed;
      call.comparison_operator = alarm.config.value("ComparisonOperator", "");
      call.threshold = alarm.config.value("Threshold", 0.0);
      call.statistic = alarm_query(alarm.config).statistic;
      for (const auto& [start, v] : datapoints)
        call.datapoints.emplace_back(Clock::time_point{std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(start))}, v);
      call.now = Clock::time_point{std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(now))};
      try {
        target->invoke_action(call);
        summary = "Successfully executed action " + arn;
      } catch (const std::exception& e) {
        data["actionState"] = "Failed";
        data["error"] = e.what();
        summary = "Failed to execute action " + arn + ". Received error: \"" + e.what() + "\"";
      }
    }
    if (changed || data["actionState"] == "Failed") add_history(state, name, "Action", summary, std::move(data), now);
  }
}

}  // namespace ecslocal::api::cloudwatch
