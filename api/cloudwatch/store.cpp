// The metric store: buckets per minute (and per second for high-resolution data), statistics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "api/cloudwatch/model.hpp"

namespace ecslocal::api::cloudwatch {

double epoch_seconds(Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

std::string iso_time(double t) {  // 2026-09-07T06:15:02.213+0000
  const std::time_t s = static_cast<std::time_t>(std::floor(t));
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[72];
  std::snprintf(out, sizeof out, "%s.%03d+0000", buf, static_cast<int>((t - std::floor(t)) * 1000));
  return out;
}

Dimensions read_dimensions(const Json& list) {
  Dimensions out;
  if (list.is_array())
    for (const auto& d : list) out.emplace_back(d.value("Name", ""), d.value("Value", ""));
  std::sort(out.begin(), out.end());
  return out;
}

Json dimensions_json(const Dimensions& dimensions) {
  Json out = Json::array();
  for (const auto& [name, value] : dimensions) out.push_back({{"Name", name}, {"Value", value}});
  return out;
}

void Bucket::add(double value, double weight) {
  if (count == 0) {
    min = max = value;
  } else {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  sum += value * weight;
  count += weight;
  // A value sent with a count stands for that many samples (at least one), up to the bound.
  const auto copies = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(std::min(weight, 1e6))));
  for (std::size_t i = 0; i < copies && samples.size() < kMaxSamples; ++i) samples.push_back(value);
}

void Bucket::add_set(double s, double c, double lo, double hi) {
  if (count == 0) {
    min = lo;
    max = hi;
  } else {
    min = std::min(min, lo);
    max = std::max(max, hi);
  }
  sum += s;
  count += c;
}

void Bucket::merge(const Bucket& other) {
  if (other.count == 0) return;
  add_set(other.sum, other.count, other.min, other.max);
  for (double v : other.samples)
    if (samples.size() < kMaxSamples) samples.push_back(v);
}

namespace {

std::int64_t floor_to(double t, std::int64_t step) {
  return static_cast<std::int64_t>(std::floor(t / static_cast<double>(step))) * step;
}

template <typename F>
void each_bucket(Series& series, const std::string& unit, double timestamp, bool high_resolution, F&& f) {
  f(series.minutes[unit][floor_to(timestamp, 60)]);
  if (high_resolution) f(series.seconds[unit][floor_to(timestamp, 1)]);
}

}  // namespace

void put_value(Series& series, const std::string& unit, double timestamp, double value, double weight,
               bool high_resolution) {
  each_bucket(series, unit, timestamp, high_resolution, [&](Bucket& b) { b.add(value, weight); });
}

void put_set(Series& series, const std::string& unit, double timestamp, double sum, double count, double min,
             double max, bool high_resolution) {
  each_bucket(series, unit, timestamp, high_resolution, [&](Bucket& b) { b.add_set(sum, count, min, max); });
}

std::optional<PeriodValue> period_value(const Series& series, std::int64_t start, std::int64_t period,
                                        const std::string& unit) {
  // Periods under a minute read the per-second buckets (high-resolution data only); others the minutes.
  const auto& by_unit = period < 60 ? series.seconds : series.minutes;
  PeriodValue out;
  out.start = start;
  bool found = false;
  for (const auto& [u, buckets] : by_unit) {
    if (!unit.empty() && u != unit) continue;
    for (auto it = buckets.lower_bound(start); it != buckets.end() && it->first < start + period; ++it) {
      if (it->second.count == 0) continue;
      if (!found) out.unit = u;
      out.bucket.merge(it->second);
      found = true;
    }
  }
  if (!found) return std::nullopt;
  return out;
}

bool is_percentile(const std::string& name) {
  if (name.size() < 2 || name[0] != 'p') return false;
  char* end = nullptr;
  const double p = std::strtod(name.c_str() + 1, &end);
  return end && *end == '\0' && p >= 0 && p <= 100;
}

std::optional<double> statistic(const Bucket& b, const std::string& name) {
  if (b.count == 0) return std::nullopt;
  if (name == "SampleCount") return b.count;
  if (name == "Sum") return b.sum;
  if (name == "Average") return b.sum / b.count;
  if (name == "Minimum") return b.min;
  if (name == "Maximum") return b.max;
  if (is_percentile(name)) {
    if (b.samples.empty()) return std::nullopt;  // statistic sets carry no values
    std::vector<double> v = b.samples;
    std::sort(v.begin(), v.end());
    const double p = std::strtod(name.c_str() + 1, nullptr) / 100.0;
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
  }
  return std::nullopt;
}

void prune(CloudWatchState& state, std::int64_t now) {
  for (auto it = state.metrics.begin(); it != state.metrics.end();) {
    Series& series = it->second;
    for (auto& [unit, buckets] : series.seconds) buckets.erase(buckets.begin(), buckets.lower_bound(now - kSecondRetention));
    for (auto& [unit, buckets] : series.minutes) buckets.erase(buckets.begin(), buckets.lower_bound(now - kMinuteRetention));
    const bool empty = std::all_of(series.minutes.begin(), series.minutes.end(), [](const auto& u) { return u.second.empty(); });
    it = empty && series.last_put < now - kMinuteRetention ? state.metrics.erase(it) : std::next(it);
  }
  const double oldest = static_cast<double>(now - 14 * 86400);
  auto& h = state.history;
  h.erase(h.begin(), std::find_if(h.begin(), h.end(), [&](const HistoryItem& i) { return i.timestamp >= oldest; }));
}

}  // namespace ecslocal::api::cloudwatch
