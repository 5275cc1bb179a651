// PutMetricData, GetMetricStatistics, GetMetricData (MetricStat queries and metric math), ListMetrics (spec §6.2).
#include <algorithm>
#include <cmath>
#include <set>

#include "api/cloudwatch/errors.hpp"
#include "api/cloudwatch/metric_queries.hpp"
#include "api/cloudwatch/provider.hpp"
#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/protocol/timestamp.hpp"

namespace ecslocal::api::cloudwatch {

using namespace json_read;
namespace {

std::string member(const std::string& list, size_t index, const std::string& field) {
  return list + ".member." + std::to_string(index + 1) + "." + field;
}

double finite(const Json& v, const std::string& where) {
  const double d = v.get<double>();
  if (!std::isfinite(d))
    throw InvalidParameterValueException("The value " + v.dump() + " for parameter " + where +
                                         " is invalid: values must be finite numbers.");
  return d;
}

void check_dimensions(const Json& dims, const std::string& where) {
  if (!dims.is_array()) return;
  if (dims.size() > 30)
    throw InvalidParameterValueException("The collection " + where + " must not have a size greater than 30.");
  std::set<std::string> names;
  for (size_t i = 0; i < dims.size(); ++i) {
    const auto name = string_or_empty(dims[i], "Name");
    if (name.empty()) throw MissingRequiredParameterException("The parameter " + member(where, i, "Name") + " is required.");
    if (!dims[i].contains("Value"))
      throw MissingRequiredParameterException("The parameter " + member(where, i, "Value") + " is required.");
    if (!names.insert(name).second)
      throw InvalidParameterValueException("No Metric may specify the same dimension name twice (" + name + ").");
  }
}

// Puts the datum `d` (MetricData.member.<i+1>) into `state`.
void put_datum(CloudWatchState& state, const std::string& ns, const Json& d, size_t i, double now) {
  const std::string where = "MetricData.member." + std::to_string(i + 1);
  const auto name = string_or_empty(d, "MetricName");
  if (name.empty()) throw MissingRequiredParameterException("The parameter " + where + ".MetricName is required.");
  check_dimensions(d.value("Dimensions", Json::array()), where + ".Dimensions");
  const bool has_value = d.contains("Value"), has_set = d.contains("StatisticValues"), has_values = d.contains("Values");
  if (int(has_value) + int(has_set) + int(has_values) > 1)
    throw InvalidParameterCombinationException("The parameters " + where + ".Value, " + where + ".StatisticValues and " +
                                               where + ".Values are mutually exclusive and you have specified more than one.");
  if (d.contains("Counts") && !has_values)
    throw InvalidParameterCombinationException("The parameter " + where + ".Counts must be used with " + where + ".Values.");
  const double t = d.contains("Timestamp") ? d["Timestamp"].get<double>() : now;
  if (t < now - 14 * 86400)
    throw InvalidParameterValueException("The parameter " + where + ".Timestamp must specify a time no more than two weeks in the past.");
  if (t > now + 2 * 3600)
    throw InvalidParameterValueException("The parameter " + where + ".Timestamp must specify a time no more than two hours in the future.");
  const int resolution = d.value("StorageResolution", 60);
  if (resolution != 1 && resolution != 60)
    throw InvalidParameterValueException("The parameter " + where + ".StorageResolution must be 1 or 60.");
  const bool high = resolution == 1;
  const std::string unit = d.value("Unit", "None");
  auto& series = state.metrics[MetricId{ns, name, read_dimensions(d.value("Dimensions", Json::array()))}];
  series.last_put = static_cast<std::int64_t>(now);
  if (has_set) {
    const auto& s = d["StatisticValues"];
    for (const char* f : {"SampleCount", "Sum", "Minimum", "Maximum"})
      if (!s.contains(f))
        throw MissingRequiredParameterException("The parameter " + where + ".StatisticValues." + f + " is required.");
    const double count = finite(s["SampleCount"], where + ".StatisticValues.SampleCount");
    const double lo = finite(s["Minimum"], where + ".StatisticValues.Minimum");
    const double hi = finite(s["Maximum"], where + ".StatisticValues.Maximum");
    if (count <= 0 || lo > hi)
      throw InvalidParameterValueException("The parameter " + where + ".StatisticValues must have SampleCount > 0 and Minimum <= Maximum.");
    put_set(series, unit, t, finite(s["Sum"], where + ".StatisticValues.Sum"), count, lo, hi, high);
  } else if (has_values) {
    const auto& values = d["Values"];
    const Json counts = d.value("Counts", Json::array());
    if (!counts.empty() && counts.size() != values.size())
      throw InvalidParameterValueException("The parameters " + where + ".Values and " + where + ".Counts must be of the same size.");
    if (values.size() > 150)
      throw InvalidParameterValueException("The collection " + where + ".Values must not have a size greater than 150.");
    for (size_t k = 0; k < values.size(); ++k)
      put_value(series, unit, t, finite(values[k], where + ".Values"), counts.empty() ? 1.0 : counts[k].get<double>(), high);
  } else {
    if (!has_value)
      throw InvalidParameterCombinationException("The parameters " + where + ".Value, " + where + ".StatisticValues and " +
                                                 where + ".Values: one of them must be specified.");
    put_value(series, unit, t, finite(d["Value"], where + ".Value"), 1.0, high);
  }
}

Json put_metric_data(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto ns = string_or_empty(in, "Namespace");
  if (ns.empty()) throw MissingRequiredParameterException("The parameter Namespace is required.");
  if (ns.rfind("AWS/", 0) == 0)
    throw InvalidParameterValueException("The value " + ns + " for parameter Namespace is invalid.");
  const Json data = in.value("MetricData", Json::array());
  if (data.empty()) throw MissingRequiredParameterException("The parameter MetricData is required.");
  if (data.size() > 1000)
    throw InvalidParameterValueException("The collection MetricData must not have a size greater than 1000.");
  // Checked as a whole first: a bad datum stores nothing of the call.
  CloudWatchState scratch;
  const double now = epoch_seconds(ctx.now);
  for (size_t i = 0; i < data.size(); ++i) put_datum(scratch, ns, data[i], i, now);
  auto& state = p.state(ctx);
  for (size_t i = 0; i < data.size(); ++i) put_datum(state, ns, data[i], i, now);
  return Json::object();
}

std::pair<double, double> time_range(const Json& in) {
  if (!in.contains("StartTime")) throw MissingRequiredParameterException("The parameter StartTime is required.");
  if (!in.contains("EndTime")) throw MissingRequiredParameterException("The parameter EndTime is required.");
  const double start = in["StartTime"].get<double>(), end = in["EndTime"].get<double>();
  if (start >= end)
    throw InvalidParameterValueException("The parameter StartTime must be less than the parameter EndTime.");
  return {start, end};
}

Json get_metric_statistics(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto ns = string_or_empty(in, "Namespace"), name = string_or_empty(in, "MetricName");
  const auto [start, end] = time_range(in);
  const auto period = check_period(in, "Period");
  const Json stats = in.value("Statistics", Json::array()), extended = in.value("ExtendedStatistics", Json::array());
  if (stats.empty() && extended.empty())
    throw MissingRequiredParameterException("Must specify either Statistics or ExtendedStatistics.");
  if (!stats.empty() && !extended.empty())
    throw InvalidParameterCombinationException("The parameters Statistics and ExtendedStatistics are mutually exclusive.");
  for (const auto& s : stats)
    if (!kStatistics.count(s.get<std::string>()))
      throw InvalidParameterValueException("The parameter Statistics contains an invalid value: " + s.get<std::string>());
  for (const auto& s : extended)
    if (!is_percentile(s.get<std::string>()))
      throw InvalidParameterValueException("The parameter ExtendedStatistics contains an invalid value: " + s.get<std::string>());
  const auto starts = period_starts(start, end, period);
  if (starts.size() > 1440)
    throw InvalidParameterCombinationException("You have requested up to " + std::to_string(starts.size()) +
                                               " datapoints, which exceeds the limit of 1,440. You may reduce the "
                                               "datapoints requested by increasing Period, or decreasing the time range.");
  check_dimensions(in.value("Dimensions", Json::array()), "Dimensions");
  Json points = Json::array();
  const CloudWatchState* state = p.store().find(ctx.account_id, ctx.region);
  const Series* series = state ? find_series(*state, ns, name, in.value("Dimensions", Json::array())) : nullptr;
  const std::string unit = in.value("Unit", "");
  if (series)
    for (auto t : starts) {
      auto v = period_value(*series, t, period, unit);
      if (!v) continue;
      Json point{{"Timestamp", static_cast<double>(t)}, {"Unit", v->unit}};
      for (const auto& s : stats)
        if (auto value = statistic(v->bucket, s.get<std::string>())) point[s.get<std::string>()] = *value;
      if (!extended.empty()) {
        Json ext = Json::object();
        for (const auto& s : extended)
          if (auto value = statistic(v->bucket, s.get<std::string>())) ext[s.get<std::string>()] = *value;
        point["ExtendedStatistics"] = std::move(ext);
      }
      points.push_back(std::move(point));
    }
  return Json{{"Label", name}, {"Datapoints", std::move(points)}};
}

Json get_metric_data(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto [start, end] = time_range(in);
  const Json queries = in.value("MetricDataQueries", Json::array());
  if (queries.empty()) throw MissingRequiredParameterException("The parameter MetricDataQueries is required.");
  if (queries.size() > 500)
    throw InvalidParameterValueException("The collection MetricDataQueries must not have a size greater than 500.");
  const bool descending = in.value("ScanBy", "TimestampDescending") != "TimestampAscending";
  QuerySet set(queries, "MetricDataQueries");
  set.measure(p.store().find(ctx.account_id, ctx.region), start, end);
  Json results = Json::array();
  for (size_t i = 0; i < set.size(); ++i) {
    const auto& q = set.query(i);
    if (!q.value("ReturnData", true)) continue;
    for (const auto& series : set.value_of(q["Id"].get<std::string>()).series) {
      Json stamps = Json::array(), values = Json::array();
      auto add = [&](const auto& point) {
        stamps.push_back(static_cast<double>(point.first));
        values.push_back(point.second);
      };
      if (descending) std::for_each(series.points.rbegin(), series.points.rend(), add);
      else std::for_each(series.points.begin(), series.points.end(), add);
      results.push_back({{"Id", series.id}, {"Label", series.label}, {"Timestamps", std::move(stamps)},
                         {"Values", std::move(values)}, {"StatusCode", "Complete"}});
    }
  }
  return Json{{"MetricDataResults", std::move(results)}, {"Messages", Json::array()}};
}

std::string metric_key(const MetricId& id) {
  std::string key = id.name_space + '\x1f' + id.name;
  for (const auto& [n, v] : id.dimensions) key += '\x1f' + n + '=' + v;
  return key;
}

Json list_metrics(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto ns = optional_string(in, "Namespace"), name = optional_string(in, "MetricName");
  const Json filters = in.value("Dimensions", Json::array());
  const bool recent = in.value("RecentlyActive", "") == "PT3H";
  const double now = epoch_seconds(ctx.now);
  std::vector<const MetricId*> matches;
  std::vector<std::string> keys;
  if (const CloudWatchState* state = p.store().find(ctx.account_id, ctx.region))
    for (const auto& [id, series] : state->metrics) {
      if ((ns && id.name_space != *ns) || (name && id.name != *name)) continue;
      if (recent && static_cast<double>(series.last_put) < now - 3 * 3600) continue;
      const bool all = std::all_of(filters.begin(), filters.end(), [&](const Json& f) {
        const auto n = string_or_empty(f, "Name");
        return std::any_of(id.dimensions.begin(), id.dimensions.end(), [&](const auto& d) {
          return d.first == n && (!f.contains("Value") || d.second == f["Value"].get<std::string>());
        });
      });
      if (!all) continue;
      matches.push_back(&id);
      keys.push_back(metric_key(id));
    }
  // ListMetrics' model names no InvalidNextToken: a bad token is a bad parameter value.
  PageRequest request{optional_string(in, "NextToken"), std::nullopt, 500, 500, InvalidParameterValueException::kCode};
  const Page page = paginate(keys, request);
  Json metrics = Json::array();
  for (size_t i = page.begin; i < page.end; ++i)
    metrics.push_back({{"Namespace", matches[i]->name_space}, {"MetricName", matches[i]->name},
                       {"Dimensions", dimensions_json(matches[i]->dimensions)}});
  Json out{{"Metrics", std::move(metrics)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace

void register_metric_operations(CloudWatchProvider& provider, OperationTable& table) {
  bind_operation(table, "PutMetricData", provider, &put_metric_data);
  bind_operation(table, "GetMetricStatistics", provider, &get_metric_statistics);
  bind_operation(table, "GetMetricData", provider, &get_metric_data);
  bind_operation(table, "ListMetrics", provider, &list_metrics);
}

}  // namespace ecslocal::api::cloudwatch
