#pragma once
// CloudWatch's state per account and region: the metric store and the alarms.
//
// Metrics (spec §6.2, §9): a series per identity (namespace, name, sorted dimension set); each
// keeps, per unit, one bucket per minute and, for StorageResolution 1 data, one per second (the
// minute buckets hold those too). A bucket is a statistic set (sum, count, min, max) plus a
// bounded sample of raw values for percentiles. Retention: seconds 3 h, minutes 15 days.
//
// Alarms keep the PutMetricAlarm document they were made from (what DescribeAlarms answers, with
// the state beside it), their state, and their history (2 weeks).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"
#include "api/service.hpp"

namespace ecslocal::api::cloudwatch {

using Dimensions = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct MetricId {
  std::string name_space, name;
  Dimensions dimensions;
  auto operator<=>(const MetricId&) const = default;
};

struct Bucket {
  double sum = 0, count = 0, min = 0, max = 0;
  std::vector<double> samples;  // raw values (bounded), for percentiles
  void add(double value, double weight = 1);
  void add_set(double sum, double count, double min, double max);
  void merge(const Bucket& other);
};

constexpr std::size_t kMaxSamples = 1000;
constexpr std::int64_t kSecondRetention = 3 * 3600;
constexpr std::int64_t kMinuteRetention = 15 * 86400;

struct Series {
  // unit → epoch second of the bucket start → bucket
  std::map<std::string, std::map<std::int64_t, Bucket>> minutes, seconds;
  std::int64_t last_put = 0;  // epoch seconds (virtual), for ListMetrics' RecentlyActive
};

// What a statistic reads from a period: nullopt when the period has no data.
struct PeriodValue {
  std::int64_t start = 0;
  Bucket bucket;
  std::string unit;
};

struct HistoryItem {
  std::int64_t sequence = 0;
  double timestamp = 0;  // epoch seconds
  std::string type;      // ConfigurationUpdate | StateUpdate | Action
  std::string summary;
  Json data;             // HistoryData, as a document (sent as JSON text)
};

struct Alarm {
  Json config;  // the PutMetricAlarm input, Tags removed
  std::string arn;
  std::string state = "INSUFFICIENT_DATA";
  std::string reason = "Unchecked: Initial alarm creation";
  Json reason_data;  // StateReasonData document, null when none
  double state_updated = 0, state_transitioned = 0, config_updated = 0;
  std::vector<std::pair<std::string, std::string>> tags;
  std::uint64_t timer = 0;  // the next evaluation's Timers id (0: none)
};

struct CloudWatchState {
  std::map<MetricId, Series> metrics;
  std::map<std::string, Alarm> alarms;  // by name
  std::vector<HistoryItem> history;     // oldest first
  std::int64_t history_sequence = 0;
};

using CloudWatchStore = AccountRegionStore<CloudWatchState>;

// ---- metric store (store.cpp) ----
double epoch_seconds(Clock::time_point t);
std::string iso_time(double epoch_seconds);  // 2026-09-07T06:15:02.213+0000, as HistoryData writes times
Dimensions read_dimensions(const Json& list);  // [{"Name", "Value"}] → sorted pairs
Json dimensions_json(const Dimensions& dimensions);
// Adds one value (weight: its count) or a statistic set to the series at `timestamp`.
void put_value(Series& series, const std::string& unit, double timestamp, double value, double weight,
               bool high_resolution);
void put_set(Series& series, const std::string& unit, double timestamp, double sum, double count, double min,
             double max, bool high_resolution);
// The data of [start, start + period) merged (unit: "" = any), nullopt when there is none.
std::optional<PeriodValue> period_value(const Series& series, std::int64_t start, std::int64_t period,
                                        const std::string& unit);
// SampleCount | Average | Sum | Minimum | Maximum | pNN(.NN); nullopt when not computable.
std::optional<double> statistic(const Bucket& bucket, const std::string& name);
bool is_percentile(const std::string& name);
void prune(CloudWatchState& state, std::int64_t now);

// ---- alarms (alarms.cpp) ----
std::string alarm_arn(const std::string& account, const std::string& region, const std::string& name);
Json alarm_json(const Alarm& alarm);

}  // namespace ecslocal::api::cloudwatch
