#include "api/cloudwatch/metric_queries.hpp"

#include <cmath>

#include "api/cloudwatch/errors.hpp"
#include "api/common/json_read.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::cloudwatch {

using namespace json_read;

const std::set<std::string> kStatistics{"SampleCount", "Average", "Sum", "Minimum", "Maximum"};

std::int64_t check_period(const Json& in, const std::string& where) {
  const auto period = optional_long(in, "Period");
  if (!period) throw MissingRequiredParameterException("The parameter " + where + " is required.");
  if (*period <= 0 || (*period >= 60 ? *period % 60 != 0 : !(*period == 1 || *period == 5 || *period == 10 || *period == 30)))
    throw InvalidParameterValueException("The parameter " + where +
                                         " must be 1, 5, 10, 30, or any multiple of 60.");
  return *period;
}

const Series* find_series(const CloudWatchState& state, const std::string& ns, const std::string& name,
                          const Json& dimensions) {
  auto it = state.metrics.find(MetricId{ns, name, read_dimensions(dimensions)});
  return it == state.metrics.end() ? nullptr : &it->second;
}

std::vector<std::int64_t> period_starts(double start, double end, std::int64_t period) {
  std::vector<std::int64_t> out;
  auto first = static_cast<std::int64_t>(std::ceil(start / static_cast<double>(period))) * period;
  for (auto t = first; static_cast<double>(t) < end; t += period) out.push_back(t);
  return out;
}

math::TimeSeries metric_stat_series(const CloudWatchState* state, const Json& stat, double start, double end,
                                    std::int64_t period) {
  math::TimeSeries out;
  const auto& metric = stat.value("Metric", Json::object());
  const Series* series = state ? find_series(*state, string_or_empty(metric, "Namespace"), string_or_empty(metric, "MetricName"),
                                             metric.value("Dimensions", Json::array()))
                               : nullptr;
  if (!series) return out;
  const auto stat_name = string_or_empty(stat, "Stat");
  for (auto t : period_starts(start, end, period))
    if (auto v = period_value(*series, t, period, stat.value("Unit", "")))
      if (auto value = statistic(v->bucket, stat_name)) out.points[t] = *value;
  return out;
}

QuerySet::QuerySet(const Json& queries, const std::string& list_name) : queries_(queries), list_(list_name) {
    std::set<std::string> ids;
    for (size_t i = 0; i < queries.size(); ++i) {
      const auto& q = queries[i];
      const std::string where = list_ + ".member." + std::to_string(i + 1);
      const auto id = string_or_empty(q, "Id");
      if (id.empty() || !std::islower(static_cast<unsigned char>(id[0])) ||
          !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        throw InvalidParameterValueException("The value " + id + " for parameter " + where + ".Id is invalid: it must start "
                                             "with a lowercase letter and contain only letters, numbers and underscores.");
      if (!ids.insert(id).second)
        throw InvalidParameterValueException("The value " + id + " for parameter " + where + ".Id is not unique.");
      const bool has_expression = q.contains("Expression"), has_stat = q.contains("MetricStat");
      if (has_expression == has_stat)
        throw InvalidParameterCombinationException(where + " must specify either Expression or MetricStat" +
                                                   (has_stat ? ", not both." : "."));
      if (has_stat) {
        const auto& stat = q["MetricStat"];
        check_period(stat, where + ".MetricStat.Period");
        const auto stat_name = string_or_empty(stat, "Stat");
        if (!kStatistics.count(stat_name) && !is_percentile(stat_name))
          throw InvalidParameterValueException("The value " + stat_name + " for parameter " + where + ".MetricStat.Stat is invalid.");
      } else {
        try {
          expressions_[id] = math::parse(q["Expression"].get<std::string>());
        } catch (const std::invalid_argument& e) {
          throw InvalidParameterValueException("The value of " + where + ".Expression (" + q["Expression"].get<std::string>() +
                                               ") is not valid metric math: " + e.what() + ".");
        }
      }
      index_[id] = i;
    }
  }

math::Value QuerySet::value_of(const std::string& id) {
    if (auto done = values_.find(id); done != values_.end()) return done->second;
    auto at = index_.find(id);
    if (at == index_.end()) throw InvalidParameterValueException("The metric math expression names " + id + ", which is no Id of " + list_ + ".");
    const Json& q = queries_[at->second];
    math::Value v;
    if (q.contains("MetricStat")) {
      const auto& stat = q["MetricStat"];
      math::TimeSeries series = metric_stat_series(state_, stat, start_, end_, stat.value("Period", 60));
      series.id = id;
      series.label = q.value("Label", string_or_empty(stat.value("Metric", Json::object()), "MetricName"));
      v.series.push_back(std::move(series));
    } else {
      if (!evaluating_.insert(id).second)
        throw InvalidParameterValueException("The metric math expressions of " + list_ + " refer to each other in a circle (through " + id + ").");
      math::Context ctx;
      ctx.resolve = [this](const std::string& other) { return value_of(other); };
      ctx.metric_stats = [this] {
        std::vector<math::TimeSeries> all;
        for (size_t i = 0; i < queries_.size(); ++i)
          if (queries_[i].contains("MetricStat"))
            for (auto& s : value_of(queries_[i]["Id"].get<std::string>()).series) all.push_back(std::move(s));
        return all;
      };
      ctx.timeline = period_starts(start_, end_, query_period(queries_, q));
      try {
        v = math::evaluate(expressions_.at(id), ctx);
      } catch (const math::NotImplemented& e) {
        throw AwsError("NotImplementedException", std::string(e.what()) + " (query " + id + ").", 501, false);
      } catch (const std::invalid_argument& e) {
        throw InvalidParameterValueException("Error in the metric math expression of " + id + ": " + e.what() + ".");
      }
      if (v.scalar) {  // a number: the same value at every period
        math::TimeSeries flat;
        for (auto t : ctx.timeline) flat.points[t] = v.number;
        v = math::Value{};
        v.series.push_back(std::move(flat));
      }
      for (auto& s : v.series) {
        s.id = id;
        s.label = q.value("Label", v.series.size() == 1 ? id : (s.label.empty() ? id : s.label));
      }
      evaluating_.erase(id);
    }
    values_[id] = v;
    return v;
  }

std::int64_t QuerySet::period(const std::string& id) const {
  auto at = index_.find(id);
  return at == index_.end() ? 0 : query_period(queries_, queries_[at->second]);
}

std::int64_t query_period(const Json& queries, const Json& query) {
  if (query.contains("MetricStat")) return query["MetricStat"].value("Period", 60LL);
  if (query.contains("Period")) return query["Period"].get<std::int64_t>();
  std::int64_t smallest = 0;
  for (const auto& other : queries)
    if (other.contains("MetricStat")) {
      const std::int64_t p = other["MetricStat"].value("Period", 60LL);
      if (smallest == 0 || p < smallest) smallest = p;
    }
  return smallest == 0 ? 60 : smallest;
}

}  // namespace ecslocal::api::cloudwatch
