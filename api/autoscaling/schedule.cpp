// Schedule expressions of scheduled actions (spec §7.5): at(yyyy-mm-ddThh:mm:ss),
// rate(<n> minute(s)|hour(s)|day(s)) and cron(<minute> <hour> <day-of-month> <month>
// <day-of-week> <year>) with *, ?, lists, ranges, steps, month and day names (day-of-week 1-7 is
// SUN-SAT). at() and cron() read in `Timezone` (IANA names from the system's tzdata, through
// Howard Hinnant's date library; DST honoured), UTC without one.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <ctime>
#include <set>
#include <sstream>
#include <vector>

#include <date/tz.h>

#include "api/autoscaling/errors.hpp"
#include "api/autoscaling/model.hpp"

namespace ecslocal::api::autoscaling {
namespace {

[[noreturn]] void bad(const std::string& expression, const std::string& why) {
  throw ValidationException("Invalid schedule expression " + expression + ": " + why);
}

std::string inner(const std::string& e, const std::string& kind) {
  if (e.rfind(kind + "(", 0) != 0 || e.back() != ')') return {};
  return e.substr(kind.size() + 1, e.size() - kind.size() - 2);
}

// The zone, null for UTC; ValidationException for a name tzdata does not know.
const date::time_zone* zone_of(const std::string& tz) {
  static const std::set<std::string> kUtc{"", "UTC", "Etc/UTC", "Universal", "Etc/Universal", "Zulu"};
  if (kUtc.count(tz)) return nullptr;
  try {
    return date::locate_zone(tz);
  } catch (const std::exception&) {
    throw ValidationException("Invalid Timezone " + tz + ": it must be an IANA time zone name such as America/New_York");
  }
}

std::int64_t local_offset(const date::time_zone* zone, std::int64_t utc) {
  if (!zone) return 0;
  const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds(utc)});
  return info.offset.count();
}

std::optional<double> parse_at(const std::string& e, const date::time_zone* zone) {
  const auto text = inner(e, "at");
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail() || in.peek() != EOF) bad(e, "at() takes yyyy-mm-ddThh:mm:ss");
  const auto wall = static_cast<std::int64_t>(timegm(&tm));
  if (!zone) return static_cast<double>(wall);
  const date::local_seconds local{std::chrono::seconds(wall)};
  return static_cast<double>(zone->to_sys(local, date::choose::earliest).time_since_epoch().count());
}

double parse_rate(const std::string& e) {
  std::istringstream in(inner(e, "rate"));
  long long n = 0;
  std::string unit, rest;
  if (!(in >> n >> unit) || (in >> rest) || n <= 0) bad(e, "rate() takes a positive number and a unit");
  if ((n == 1) != (unit.back() != 's')) bad(e, "use minute, hour or day for 1 and minutes, hours or days otherwise");
  if (unit.back() == 's') unit.pop_back();
  if (unit == "minute") return static_cast<double>(n) * 60;
  if (unit == "hour") return static_cast<double>(n) * 3600;
  if (unit == "day") return static_cast<double>(n) * 86400;
  bad(e, "the unit must be minute(s), hour(s) or day(s)");
}

const std::array<const char*, 12> kMonths{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const std::array<const char*, 7> kDays{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

int field_value(const std::string& e, std::string text, int lo, int hi, bool months, bool days) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  if (months)
    for (size_t i = 0; i < kMonths.size(); ++i)
      if (text == kMonths[i]) return static_cast<int>(i) + 1;
  if (days)
    for (size_t i = 0; i < kDays.size(); ++i)
      if (text == kDays[i]) return static_cast<int>(i) + 1;
  if (text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit)) bad(e, "unsupported cron field value " + text);
  const int v = std::stoi(text);
  if (v < lo || v > hi) bad(e, "cron field value " + text + " is out of range");
  return v;
}

// The values a field allows (empty set: any).
std::set<int> cron_field(const std::string& e, const std::string& field, int lo, int hi, bool months = false,
                         bool days = false) {
  std::set<int> out;
  if (field == "*" || field == "?") return out;
  std::stringstream parts(field);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      step = field_value(e, part.substr(slash + 1), 1, hi, false, false);
      part = part.substr(0, slash);
    }
    int from = lo, to = hi;
    if (part != "*") {
      if (auto dash = part.find('-'); dash != std::string::npos) {
        from = field_value(e, part.substr(0, dash), lo, hi, months, days);
        to = field_value(e, part.substr(dash + 1), lo, hi, months, days);
      } else {
        from = field_value(e, part, lo, hi, months, days);
        to = step > 1 ? hi : from;
      }
    }
    if (from > to) bad(e, "cron range " + part + " runs backwards");
    for (int v = from; v <= to; v += step) out.insert(v);
  }
  return out;
}

struct Cron {
  std::set<int> minute, hour, dom, month, dow, year;
};

Cron parse_cron(const std::string& e) {
  std::istringstream in(inner(e, "cron"));
  std::vector<std::string> f;
  for (std::string s; in >> s;) f.push_back(s);
  if (f.size() != 6) bad(e, "cron() takes six fields: minute hour day-of-month month day-of-week year");
  if ((f[2] == "?") == (f[4] == "?"))
    bad(e, "exactly one of day-of-month and day-of-week must be ? (L, W and # are not supported by ecslocal yet)");
  return Cron{cron_field(e, f[0], 0, 59), cron_field(e, f[1], 0, 23), cron_field(e, f[2], 1, 31),
              cron_field(e, f[3], 1, 12, true), cron_field(e, f[4], 1, 7, false, true),
              cron_field(e, f[5], 1970, 2199)};
}

bool allows(const std::set<int>& s, int v) { return s.empty() || s.count(v); }

// Minutes are tried in UTC and read as the zone's wall clock.
std::optional<double> next_cron(const Cron& c, double after, const date::time_zone* zone) {
  auto t = static_cast<std::time_t>(std::floor(after / 60) * 60 + 60);
  const std::time_t limit = t + 10LL * 366 * 86400;
  while (t < limit) {
    const std::time_t local = t + static_cast<std::time_t>(local_offset(zone, t));
    std::tm tm{};
    gmtime_r(&local, &tm);
    if (!allows(c.year, tm.tm_year + 1900) || !allows(c.month, tm.tm_mon + 1) || !allows(c.dom, tm.tm_mday) ||
        !allows(c.dow, tm.tm_wday + 1)) {
      // Towards the next local midnight (an hour short of it: a DST change may move it).
      t += std::max<std::time_t>(60, 86400 - (tm.tm_hour * 3600 + tm.tm_min * 60) - (zone ? 3600 : 0));
      continue;
    }
    if (!allows(c.hour, tm.tm_hour)) {
      t += 3600 - tm.tm_min * 60;
      continue;
    }
    if (!allows(c.minute, tm.tm_min)) {
      t += 60;
      continue;
    }
    return static_cast<double>(t);
  }
  return std::nullopt;
}

}  // namespace

void check_schedule(const std::string& expression, const std::string& timezone) {
  const date::time_zone* zone = zone_of(timezone);
  if (expression.rfind("at(", 0) == 0) parse_at(expression, zone);
  else if (expression.rfind("rate(", 0) == 0) parse_rate(expression);
  else if (expression.rfind("cron(", 0) == 0) parse_cron(expression);
  else bad(expression, "it must be at(...), rate(...) or cron(...)");
}

std::optional<double> next_run(const std::string& expression, const std::string& timezone, double after,
                               double created, std::optional<double> start, std::optional<double> end) {
  check_schedule(expression, timezone);
  const date::time_zone* zone = zone_of(timezone);
  std::optional<double> at;
  if (expression.rfind("at(", 0) == 0) {
    at = parse_at(expression, zone);
    if (*at <= after || (start && *at < *start)) at.reset();  // runs once
  } else if (expression.rfind("rate(", 0) == 0) {
    // Runs at base + k × interval: from StartTime (k >= 0) when given, else from creation (k >= 1).
    const double interval = parse_rate(expression), base = start.value_or(created);
    const double k = std::max(start ? 0.0 : 1.0, std::floor((after - base) / interval) + 1);
    at = base + k * interval;
  } else {
    at = next_cron(parse_cron(expression), start ? std::max(after, *start - 60) : after, zone);
  }
  if (at && end && *at > *end) return std::nullopt;
  return at;
}

}  // namespace ecslocal::api::autoscaling
