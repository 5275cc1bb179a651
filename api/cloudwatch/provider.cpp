#include "api/cloudwatch/provider.hpp"

#include "api/ports/timers.hpp"

namespace ecslocal::api::cloudwatch {
namespace {

Json bucket_json(std::int64_t start, const Bucket& b) {
  return Json{{"t", start}, {"sum", b.sum}, {"n", b.count}, {"min", b.min}, {"max", b.max}, {"v", b.samples}};
}

Bucket bucket_from(const Json& j) {
  Bucket b;
  b.sum = j.at("sum").get<double>();
  b.count = j.at("n").get<double>();
  b.min = j.at("min").get<double>();
  b.max = j.at("max").get<double>();
  b.samples = j.value("v", std::vector<double>{});
  return b;
}

Json buckets_json(const std::map<std::string, std::map<std::int64_t, Bucket>>& by_unit) {
  Json out = Json::object();
  for (const auto& [unit, buckets] : by_unit) {
    Json list = Json::array();
    for (const auto& [t, b] : buckets) list.push_back(bucket_json(t, b));
    out[unit] = std::move(list);
  }
  return out;
}

void buckets_from(const Json& j, std::map<std::string, std::map<std::int64_t, Bucket>>& by_unit) {
  for (const auto& [unit, list] : j.items())
    for (const auto& b : list) by_unit[unit][b.at("t").get<std::int64_t>()] = bucket_from(b);
}

}  // namespace

CloudWatchProvider::CloudWatchProvider(std::function<Clock::time_point()> clock) : clock_(std::move(clock)) {
  register_metric_operations(*this, table_);
  register_alarm_operations(*this, table_);
}

const protocol::ServiceModel& CloudWatchProvider::model() const { return protocol::ServiceModel::get("cloudwatch"); }

void CloudWatchProvider::provide(Ports& ports) {
  ports.provide<MetricSink>(this);
  ports.provide<ManagedAlarms>(this);
}

void CloudWatchProvider::connect(Ports& ports) {
  ports_ = &ports;
  timers_ = ports.find<Timers>();
}

void CloudWatchProvider::tick(Clock::time_point now) {
  const auto t = static_cast<std::int64_t>(epoch_seconds(now));
  store_.for_each([&](const std::string&, const std::string&, CloudWatchState& state) { prune(state, t); });
}

void CloudWatchProvider::put_metrics(const std::string& account_id, const std::string& region,
                                     const std::string& name_space, const std::vector<MetricDatum>& data) {
  auto& state = store_.at(account_id, region);
  const double now = epoch_seconds(clock_());
  for (const MetricDatum& d : data) {
    Dimensions dims(d.dimensions.begin(), d.dimensions.end());
    std::sort(dims.begin(), dims.end());
    auto& series = state.metrics[MetricId{name_space, d.name, std::move(dims)}];
    series.last_put = static_cast<std::int64_t>(now);
    const double t = epoch_seconds(d.timestamp);
    if (d.value)
      put_value(series, d.unit, t, *d.value, 1.0, d.high_resolution);
    else if (d.sample_count > 0)
      put_set(series, d.unit, t, d.sum, d.sample_count, d.minimum, d.maximum, d.high_resolution);
  }
}

std::string CloudWatchProvider::put_alarm(const std::string& account_id, const std::string& region,
                                          const Json& put_metric_alarm, Clock::time_point now) {
  return store_alarm(account_id, region, put_metric_alarm, now);
}

void CloudWatchProvider::delete_alarms(const std::string& account_id, const std::string& region,
                                       const std::vector<std::string>& names) {
  for (const auto& n : names) remove_alarm(account_id, region, n);
}

void CloudWatchProvider::remove_alarm(const std::string& account, const std::string& region, const std::string& name) {
  CloudWatchState* state = store_.find(account, region);
  if (!state) return;
  auto it = state->alarms.find(name);
  if (it == state->alarms.end()) return;
  if (timers_ && it->second.timer) timers_->cancel(it->second.timer);
  add_history(*state, name, "ConfigurationUpdate", "Alarm \"" + name + "\" deleted",
              Json{{"version", "1.0"}, {"type", "Delete"}, {"deletedAlarm", alarm_json(it->second)}},
              epoch_seconds(clock_()));
  state->alarms.erase(it);
}

std::optional<AlarmStateInfo> CloudWatchProvider::alarm_state(const std::string& account_id, const std::string& region,
                                                              const std::string& name) const {
  const CloudWatchState* state = store_.find(account_id, region);
  if (!state) return std::nullopt;
  auto it = state->alarms.find(name);
  if (it == state->alarms.end()) return std::nullopt;
  return AlarmStateInfo{it->second.state, it->second.reason,
                        Clock::time_point{std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(it->second.state_updated))}};
}

Json CloudWatchProvider::snapshot() const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const CloudWatchState& s) {
    Json metrics = Json::array(), alarms = Json::array(), history = Json::array();
    for (const auto& [id, series] : s.metrics)
      metrics.push_back({{"namespace", id.name_space}, {"name", id.name}, {"dimensions", dimensions_json(id.dimensions)},
                         {"lastPut", series.last_put}, {"minutes", buckets_json(series.minutes)},
                         {"seconds", buckets_json(series.seconds)}});
    for (const auto& [name, a] : s.alarms)
      alarms.push_back({{"config", a.config}, {"state", a.state}, {"reason", a.reason}, {"reasonData", a.reason_data},
                        {"stateUpdated", a.state_updated}, {"stateTransitioned", a.state_transitioned},
                        {"configUpdated", a.config_updated}, {"tags", a.tags}});
    for (const auto& h : s.history)
      history.push_back({{"seq", h.sequence}, {"t", h.timestamp}, {"type", h.type}, {"summary", h.summary}, {"data", h.data}});
    out.push_back({{"account", account}, {"region", region}, {"metrics", std::move(metrics)}, {"alarms", std::move(alarms)},
                   {"history", std::move(history)}, {"historySequence", s.history_sequence}});
  });
  return out;
}

void CloudWatchProvider::restore(const Json& snapshot) {
  CloudWatchStore restored;
  try {
    for (const auto& entry : snapshot) {
      CloudWatchState s;
      for (const auto& m : entry.at("metrics")) {
        Series series;
        series.last_put = m.at("lastPut").get<std::int64_t>();
        buckets_from(m.at("minutes"), series.minutes);
        buckets_from(m.at("seconds"), series.seconds);
        s.metrics[MetricId{m.at("namespace").get<std::string>(), m.at("name").get<std::string>(),
                           read_dimensions(m.at("dimensions"))}] = std::move(series);
      }
      const auto account = entry.at("account").get<std::string>(), region = entry.at("region").get<std::string>();
      for (const auto& a : entry.at("alarms")) {
        Alarm alarm;
        alarm.config = a.at("config");
        alarm.arn = alarm_arn(account, region, alarm.config.at("AlarmName").get<std::string>());
        alarm.state = a.at("state").get<std::string>();
        alarm.reason = a.at("reason").get<std::string>();
        alarm.reason_data = a.at("reasonData");
        alarm.state_updated = a.at("stateUpdated").get<double>();
        alarm.state_transitioned = a.at("stateTransitioned").get<double>();
        alarm.config_updated = a.at("configUpdated").get<double>();
        alarm.tags = a.at("tags").get<std::vector<std::pair<std::string, std::string>>>();
        s.alarms[alarm.config.at("AlarmName").get<std::string>()] = std::move(alarm);
      }
      for (const auto& h : entry.at("history"))
        s.history.push_back({h.at("seq").get<std::int64_t>(), h.at("t").get<double>(), h.at("type").get<std::string>(),
                             h.at("summary").get<std::string>(), h.at("data")});
      s.history_sequence = entry.at("historySequence").get<std::int64_t>();
      restored.put(account, region, std::move(s));
    }
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("cloudwatch snapshot: ") + e.what());
  }
  on_reset();
  store_ = std::move(restored);
  const auto now = clock_();
  store_.for_each([&](const std::string& account, const std::string& region, CloudWatchState& s) {
    for (auto& [name, alarm] : s.alarms) schedule(account, region, alarm, now);
  });
}

Json CloudWatchProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const CloudWatchState& s) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json metrics = Json::array(), alarms = Json::array();
    for (const auto& [id, series] : s.metrics)
      metrics.push_back({{"Namespace", id.name_space}, {"MetricName", id.name}, {"Dimensions", dimensions_json(id.dimensions)}});
    for (const auto& [name, a] : s.alarms) alarms.push_back(alarm_json(a));
    out.push_back({{"account", account}, {"region", region}, {"metrics", std::move(metrics)}, {"metricAlarms", std::move(alarms)}});
  });
  return out;
}

void CloudWatchProvider::on_reset() {
  if (timers_)
    store_.for_each([&](const std::string&, const std::string&, CloudWatchState& s) {
      for (auto& [name, alarm] : s.alarms)
        if (alarm.timer) timers_->cancel(alarm.timer);
    });
  store_.clear();
}

}  // namespace ecslocal::api::cloudwatch
