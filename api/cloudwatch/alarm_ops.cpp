// Metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms,
// SetAlarmState, DescribeAlarmHistory, Enable/DisableAlarmActions, tags (spec §6.3).
#include <algorithm>
#include <set>

#include "api/cloudwatch/errors.hpp"
#include "api/cloudwatch/metric_queries.hpp"
#include "api/cloudwatch/provider.hpp"
#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"

namespace ecslocal::api::cloudwatch {

using namespace json_read;

std::string alarm_arn(const std::string& account, const std::string& region, const std::string& name) {
  return "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + name;
}

Json alarm_json(const Alarm& a) {
  Json out = a.config;
  out["AlarmArn"] = a.arn;
  if (!out.contains("ActionsEnabled")) out["ActionsEnabled"] = true;
  for (const char* list : {"OKActions", "AlarmActions", "InsufficientDataActions"})
    if (!out.contains(list)) out[list] = Json::array();
  if (!out.contains("Metrics") && !out.contains("Dimensions")) out["Dimensions"] = Json::array();
  out["AlarmConfigurationUpdatedTimestamp"] = a.config_updated;
  out["StateValue"] = a.state;
  out["StateReason"] = a.reason;
  if (!a.reason_data.is_null()) out["StateReasonData"] = a.reason_data.dump();
  out["StateUpdatedTimestamp"] = a.state_updated;
  out["StateTransitionedTimestamp"] = a.state_transitioned;
  return out;
}

namespace {

const std::set<std::string> kOperators{"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                                       "LessThanOrEqualToThreshold"};

void check_alarm(const Json& in) {
  const auto name = string_or_empty(in, "AlarmName");
  if (name.empty()) throw MissingRequiredParameterException("The parameter AlarmName is required.");
  const auto op = string_or_empty(in, "ComparisonOperator");
  if (op.empty()) throw MissingRequiredParameterException("The parameter ComparisonOperator is required.");
  if (!kOperators.count(op))
    throw AwsError("NotImplementedException", "ecslocal does not evaluate anomaly detection alarms (" + op + ") yet.", 501, false);
  const auto evaluations = optional_long(in, "EvaluationPeriods");
  if (!evaluations) throw MissingRequiredParameterException("The parameter EvaluationPeriods is required.");
  if (*evaluations < 1) throw InvalidParameterValueException("The parameter EvaluationPeriods must be at least 1.");
  if (auto m = optional_long(in, "DatapointsToAlarm"); m && (*m < 1 || *m > *evaluations))
    throw InvalidParameterValueException("DatapointsToAlarm must be between 1 and EvaluationPeriods (" +
                                         std::to_string(*evaluations) + ").");
  if (!in.contains("Threshold")) {
    if (in.contains("ThresholdMetricId"))
      throw AwsError("NotImplementedException", "ecslocal does not evaluate anomaly detection alarms yet.", 501, false);
    throw MissingRequiredParameterException("The parameter Threshold is required.");
  }
  if (auto t = string_or_empty(in, "TreatMissingData"); !t.empty() && t != "breaching" && t != "notBreaching" &&
                                                        t != "ignore" && t != "missing")
    throw InvalidParameterValueException("The value " + t + " for parameter TreatMissingData is invalid: it must be "
                                         "breaching, notBreaching, ignore or missing.");
  long long period = 0;
  if (in.contains("Metrics")) {
    for (const char* f : {"MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"})
      if (in.contains(f))
        throw InvalidParameterCombinationException(std::string("The parameter ") + f +
                                                   " must not be specified together with Metrics.");
    const auto& metrics = in["Metrics"];
    QuerySet queries(metrics, "Metrics");  // ids, periods, statistics and expressions as GetMetricData checks them
    std::string returned_id;
    int returned = 0;
    for (const auto& q : metrics)
      if (q.value("ReturnData", true)) {
        ++returned;
        returned_id = string_or_empty(q, "Id");
      }
    if (returned != 1)
      throw InvalidParameterValueException("Metrics list must contain exactly one metric with ReturnData set to true.");
    period = queries.period(returned_id);
    // Evaluated once over nothing: an expression ecslocal cannot evaluate is refused now, not at
    // every period end.
    queries.measure(nullptr, 0, static_cast<double>(period));
    queries.value_of(returned_id);
  } else {
    if (string_or_empty(in, "MetricName").empty())
      throw MissingRequiredParameterException("The parameter MetricName is required.");
    if (string_or_empty(in, "Namespace").empty())
      throw MissingRequiredParameterException("The parameter Namespace is required.");
    const bool stat = in.contains("Statistic"), extended = in.contains("ExtendedStatistic");
    if (stat == extended)
      throw InvalidParameterCombinationException("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.");
    if (extended && !is_percentile(in["ExtendedStatistic"].get<std::string>()))
      throw InvalidParameterValueException("The value " + in["ExtendedStatistic"].get<std::string>() +
                                           " for parameter ExtendedStatistic is invalid.");
    const auto p = optional_long(in, "Period");
    if (!p) throw MissingRequiredParameterException("The parameter Period is required.");
    period = *p;
  }
  if (period < 10 || (period != 10 && period != 30 && period % 60 != 0))
    throw InvalidParameterValueException("The parameter Period must be 10, 30 or a multiple of 60.");
  const long long limit = period >= 3600 ? 7 * 86400 : 86400;
  if (period * *evaluations > limit)
    throw InvalidParameterValueException("The evaluation period (Period × EvaluationPeriods) must not exceed " +
                                         std::string(period >= 3600 ? "7 days" : "1 day") + ".");
}

Alarm& find_alarm(CloudWatchProvider& p, const RequestContext& ctx, const std::string& name) {
  auto& alarms = p.state(ctx).alarms;
  auto it = alarms.find(name);
  if (it == alarms.end()) throw ResourceNotFound("Could not find alarm " + name + ".");
  return it->second;
}

Json put_metric_alarm(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  p.store_alarm(ctx.account_id, ctx.region, in, ctx.now);
  return Json::object();
}

bool has_action_prefix(const Json& config, const std::string& prefix) {
  for (const char* list : {"OKActions", "AlarmActions", "InsufficientDataActions"})
    for (const auto& a : config.value(list, Json::array()))
      if (a.get<std::string>().rfind(prefix, 0) == 0) return true;
  return false;
}

Json describe_alarms(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const Json names = in.value("AlarmNames", Json::array());
  const auto prefix = optional_string(in, "AlarmNamePrefix");
  if (!names.empty() && prefix)
    throw InvalidParameterCombinationException("AlarmNames and AlarmNamePrefix are mutually exclusive.");
  if (names.size() > 100) throw InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.");
  const Json types = in.value("AlarmTypes", Json::array());
  const bool metric_alarms = types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  const auto state_value = optional_string(in, "StateValue");
  const auto action_prefix = optional_string(in, "ActionPrefix");
  std::vector<const Alarm*> matches;
  std::vector<std::string> keys;
  if (metric_alarms)
    for (const auto& [name, alarm] : p.state(ctx).alarms) {
      if (!names.empty() && std::find(names.begin(), names.end(), name) == names.end()) continue;
      if (prefix && name.rfind(*prefix, 0) != 0) continue;
      if (state_value && alarm.state != *state_value) continue;
      if (action_prefix && !has_action_prefix(alarm.config, *action_prefix)) continue;
      matches.push_back(&alarm);
      keys.push_back(name);
    }
  PageRequest request{optional_string(in, "NextToken"), optional_long(in, "MaxRecords"), 50, 100,
                      InvalidNextToken::kCode};
  const Page page = paginate(keys, request);
  Json out_alarms = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) out_alarms.push_back(alarm_json(*matches[i]));
  Json out{{"MetricAlarms", std::move(out_alarms)}, {"CompositeAlarms", Json::array()}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json describe_alarms_for_metric(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto ns = string_or_empty(in, "Namespace"), name = string_or_empty(in, "MetricName");
  if (name.empty()) throw MissingRequiredParameterException("The parameter MetricName is required.");
  if (ns.empty()) throw MissingRequiredParameterException("The parameter Namespace is required.");
  const auto dims = in.contains("Dimensions") ? std::optional(read_dimensions(in["Dimensions"])) : std::nullopt;
  Json out = Json::array();
  for (const auto& [n, alarm] : p.state(ctx).alarms) {
    const auto& c = alarm.config;
    if (c.value("Namespace", "") != ns || c.value("MetricName", "") != name) continue;
    if (dims && read_dimensions(c.value("Dimensions", Json::array())) != *dims) continue;
    bool keep = true;
    for (const char* f : {"Statistic", "ExtendedStatistic", "Unit"})
      if (in.contains(f) && c.value(f, "") != in[f].get<std::string>()) keep = false;
    if (in.contains("Period") && c.value("Period", 0LL) != in["Period"].get<long long>()) keep = false;
    if (keep) out.push_back(alarm_json(alarm));
  }
  return Json{{"MetricAlarms", std::move(out)}};
}

Json delete_alarms(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const Json names = in.value("AlarmNames", Json::array());
  if (names.size() > 100) throw InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.");
  for (const auto& n : names) p.remove_alarm(ctx.account_id, ctx.region, n.get<std::string>());
  return Json::object();
}

Json set_alarm_state(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto name = string_or_empty(in, "AlarmName"), value = string_or_empty(in, "StateValue");
  Alarm& alarm = find_alarm(p, ctx, name);
  Json data;
  if (auto text = optional_string(in, "StateReasonData")) {
    data = Json::parse(*text, nullptr, false);
    if (data.is_discarded() || !data.is_object())
      throw InvalidFormatFault("The value of StateReasonData is not a valid JSON object.");
  }
  p.set_state(ctx.account_id, ctx.region, alarm, value, string_or_empty(in, "StateReason"), std::move(data),
              epoch_seconds(ctx.now), false);
  return Json::object();
}

Json describe_alarm_history(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const auto name = optional_string(in, "AlarmName"), type = optional_string(in, "HistoryItemType");
  const Json types = in.value("AlarmTypes", Json::array());
  const bool metric_alarms = types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  const double start = in.value("StartDate", 0.0), end = in.value("EndDate", 1e18);
  const bool descending = in.value("ScanBy", "TimestampDescending") != "TimestampAscending";
  const auto& history = p.state(ctx).history;
  std::vector<const HistoryItem*> matches;
  std::vector<std::string> keys;
  auto consider = [&](const HistoryItem& h) {
    if (!metric_alarms || (type && h.type != *type) || h.timestamp < start || h.timestamp > end) return;
    if (name && h.data.value("alarmName", "") != *name) return;
    matches.push_back(&h);
    keys.push_back(sequence_key(static_cast<std::uint64_t>(h.sequence)));
  };
  if (descending)
    for (auto it = history.rbegin(); it != history.rend(); ++it) consider(*it);
  else
    for (const auto& h : history) consider(h);
  PageRequest request{optional_string(in, "NextToken"), optional_long(in, "MaxRecords"), 100, 100,
                      InvalidNextToken::kCode, descending};
  const Page page = paginate(keys, request);
  Json items = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    const HistoryItem& h = *matches[i];
    Json data = h.data;
    data.erase("alarmName");
    items.push_back({{"AlarmName", h.data.value("alarmName", "")}, {"AlarmType", "MetricAlarm"}, {"Timestamp", h.timestamp},
                     {"HistoryItemType", h.type}, {"HistorySummary", h.summary}, {"HistoryData", data.dump()}});
  }
  Json out{{"AlarmHistoryItems", std::move(items)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json set_actions_enabled(CloudWatchProvider& p, const RequestContext& ctx, Json& in, bool enabled) {
  for (const auto& n : in.value("AlarmNames", Json::array())) {
    auto& alarms = p.state(ctx).alarms;
    if (auto it = alarms.find(n.get<std::string>()); it != alarms.end()) it->second.config["ActionsEnabled"] = enabled;
  }
  return Json::object();
}
Json enable_alarm_actions(CloudWatchProvider& p, const RequestContext& ctx, Json& in) { return set_actions_enabled(p, ctx, in, true); }
Json disable_alarm_actions(CloudWatchProvider& p, const RequestContext& ctx, Json& in) { return set_actions_enabled(p, ctx, in, false); }

Alarm& alarm_by_arn(CloudWatchProvider& p, const RequestContext& ctx, const std::string& arn) {
  const std::string prefix = alarm_arn(ctx.account_id, ctx.region, "");
  auto& alarms = p.state(ctx).alarms;
  auto it = arn.rfind(prefix, 0) == 0 ? alarms.find(arn.substr(prefix.size())) : alarms.end();
  if (it == alarms.end()) throw ResourceNotFoundException("The resource " + arn + " does not exist.");
  return it->second;
}

Json tag_resource(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  Alarm& alarm = alarm_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  for (const auto& t : in.value("Tags", Json::array())) {
    const auto key = string_or_empty(t, "Key"), value = string_or_empty(t, "Value");
    auto it = std::find_if(alarm.tags.begin(), alarm.tags.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != alarm.tags.end()) it->second = value; else alarm.tags.emplace_back(key, value);
  }
  if (alarm.tags.size() > 50) throw InvalidParameterValueException("An alarm can have at most 50 tags.");
  return Json::object();
}

Json untag_resource(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  Alarm& alarm = alarm_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  for (const auto& k : in.value("TagKeys", Json::array()))
    std::erase_if(alarm.tags, [&](const auto& kv) { return kv.first == k.get<std::string>(); });
  return Json::object();
}

Json list_tags_for_resource(CloudWatchProvider& p, const RequestContext& ctx, Json& in) {
  const Alarm& alarm = alarm_by_arn(p, ctx, string_or_empty(in, "ResourceARN"));
  Json tags = Json::array();
  for (const auto& [k, v] : alarm.tags) tags.push_back({{"Key", k}, {"Value", v}});
  return Json{{"Tags", std::move(tags)}};
}

}  // namespace

std::string CloudWatchProvider::store_alarm(const std::string& account, const std::string& region, Json input,
                                            Clock::time_point now) {
  check_alarm(input);
  const auto name = input["AlarmName"].get<std::string>();
  auto& state = store_.at(account, region);
  auto [it, created] = state.alarms.try_emplace(name);
  Alarm& alarm = it->second;
  const double t = epoch_seconds(now);
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& tag : input.value("Tags", Json::array())) tags.emplace_back(string_or_empty(tag, "Key"), string_or_empty(tag, "Value"));
  input.erase("Tags");
  alarm.config = std::move(input);
  alarm.arn = alarm_arn(account, region, name);
  alarm.config_updated = t;
  if (created) {
    alarm.state_updated = alarm.state_transitioned = t;
    alarm.tags = std::move(tags);  // tags are set on creation only (TagResource afterwards)
  }
  Json shown = alarm_json(alarm);  // HistoryData writes its times as text
  for (const char* key : {"AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp", "StateTransitionedTimestamp"})
    if (shown.contains(key)) shown[key] = iso_time(shown[key].get<double>());
  add_history(state, name, "ConfigurationUpdate", "Alarm \"" + name + "\" " + (created ? "created" : "updated"),
              Json{{"version", "1.0"}, {"type", created ? "Create" : "Update"},
                   {created ? "createdAlarm" : "updatedAlarm", std::move(shown)}},
              t);
  schedule(account, region, alarm, now);
  return alarm.arn;
}

void CloudWatchProvider::add_history(CloudWatchState& state, const std::string& alarm, const std::string& type,
                                     std::string summary, Json data, double now) {
  data["alarmName"] = alarm;  // the filter key; not part of HistoryData
  state.history.push_back({++state.history_sequence, now, type, std::move(summary), std::move(data)});
}

void register_alarm_operations(CloudWatchProvider& provider, OperationTable& table) {
  bind_operation(table, "PutMetricAlarm", provider, &put_metric_alarm);
  bind_operation(table, "DescribeAlarms", provider, &describe_alarms);
  bind_operation(table, "DescribeAlarmsForMetric", provider, &describe_alarms_for_metric);
  bind_operation(table, "DeleteAlarms", provider, &delete_alarms);
  bind_operation(table, "SetAlarmState", provider, &set_alarm_state);
  bind_operation(table, "DescribeAlarmHistory", provider, &describe_alarm_history);
  bind_operation(table, "EnableAlarmActions", provider, &enable_alarm_actions);
  bind_operation(table, "DisableAlarmActions", provider, &disable_alarm_actions);
  bind_operation(table, "TagResource", provider, &tag_resource);
  bind_operation(table, "UntagResource", provider, &untag_resource);
  bind_operation(table, "ListTagsForResource", provider, &list_tags_for_resource);
}

}  // namespace ecslocal::api::cloudwatch
