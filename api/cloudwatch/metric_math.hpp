#pragma once
// CloudWatch metric math, the part the console, users' alarms and customized target tracking use:
//   numbers, query ids, + - * / ^ and unary minus, parentheses;
//   SUM, AVG, MIN, MAX (of one series: a scalar over its points; of several: a series, point by
//   point); METRICS() and METRICS("text") (the MetricStat queries, those whose label contains
//   the text); FILL(x, number | REPEAT | LINEAR); ABS.
// Series are aligned by timestamp: an operation between two series keeps the timestamps both
// have; a series and a scalar combine point by point. Other functions (SEARCH, ANOMALY_DETECTION_BAND,
// RATE, ...) are refused with a clear not-implemented error, a bad expression with AWS's
// InvalidParameterValue naming the query.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ecslocal::api::cloudwatch::math {

struct TimeSeries {
  std::string id, label;
  std::map<std::int64_t, double> points;  // period start (epoch seconds) → value
};

struct Value {
  bool scalar = false;
  double number = 0;
  std::vector<TimeSeries> series;  // one, or several (METRICS())
};

struct Node;
using Expression = std::shared_ptr<const Node>;

// The parsed expression; throws std::invalid_argument with what is wrong (the caller names the query).
Expression parse(const std::string& text);

// Ids the expression names (for ordering and cycles).
std::vector<std::string> references(const Expression& expression);

struct Context {
  std::function<Value(const std::string& id)> resolve;   // another query's result (throws for an unknown id)
  std::function<std::vector<TimeSeries>()> metric_stats;  // METRICS(): every MetricStat query
  std::vector<std::int64_t> timeline;                     // every period start in range (FILL)
};

// Throws std::invalid_argument (bad use: a scalar where a series goes) or NotImplemented.
Value evaluate(const Expression& expression, const Context& context);

struct NotImplemented : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ecslocal::api::cloudwatch::math
