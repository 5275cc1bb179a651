#pragma once
// The metric queries of GetMetricData and of metric math alarms (spec §6.2): MetricStat queries
// measured period by period from the store, expressions (metric_math.hpp) evaluated over them on
// demand, each once, in whatever order they reference each other; ids, periods, statistics and
// expressions checked as AWS checks them.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/cloudwatch/metric_math.hpp"
#include "api/cloudwatch/model.hpp"

namespace ecslocal::api::cloudwatch {

extern const std::set<std::string> kStatistics;  // SampleCount, Average, Sum, Minimum, Maximum

// `in`'s Period: 1, 5, 10, 30 or a multiple of 60 (`where` names it in errors).
std::int64_t check_period(const Json& in, const std::string& where);
const Series* find_series(const CloudWatchState& state, const std::string& ns, const std::string& name,
                          const Json& dimensions);
// Period starts aligned to the period (from the epoch), those that begin in [start, end).
std::vector<std::int64_t> period_starts(double start, double end, std::int64_t period);
// The period a query of `queries` is spaced by: its MetricStat's, an expression's own Period, else
// the smallest of the MetricStat queries (60 without any). Reads the queries only, parses nothing.
std::int64_t query_period(const Json& queries, const Json& query);
// One MetricStat query's points, period by period over [start, end).
math::TimeSeries metric_stat_series(const CloudWatchState* state, const Json& stat, double start, double end,
                                    std::int64_t period);

// The queries of a GetMetricData call (or a metric math alarm), checked; MetricStat ones measured
// and expressions evaluated on demand, each once, in whatever order they reference each other.
class QuerySet {
 public:
  QuerySet(const Json& queries, const std::string& list_name);

  // The data the queries read, and the time range [start, end) they cover.
  void measure(const CloudWatchState* state, double start, double end) {
    state_ = state;
    start_ = start;
    end_ = end;
  }

  const Json& query(size_t i) const { return queries_[i]; }
  size_t size() const { return queries_.size(); }

  // A query's result (several series for an expression over an array); throws AwsError.
  math::Value value_of(const std::string& id);
  // The period a query's points are spaced by: its MetricStat's, an expression's own, else the
  // smallest of the MetricStat queries. 0 for an unknown id.
  std::int64_t period(const std::string& id) const;

 private:
  Json queries_;
  std::string list_;
  std::map<std::string, size_t> index_;
  std::map<std::string, math::Expression> expressions_;
  std::map<std::string, math::Value> values_;
  std::set<std::string> evaluating_;
  const CloudWatchState* state_ = nullptr;
  double start_ = 0, end_ = 0;
};

}  // namespace ecslocal::api::cloudwatch
