#include "runtime/docker/docker_time.hpp"

#include <chrono>
#include <cstdio>

namespace ecslocal::runtime {
namespace {

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

// Reads ".123456789" at pos (if present) into nanoseconds; advances pos.
bool read_fraction(std::string_view text, std::size_t& pos, std::int64_t& nanos) {
  nanos = 0;
  if (pos >= text.size() || text[pos] != '.') return true;
  ++pos;
  int digits = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
    ++digits;
    ++pos;
  }
  if (digits == 0) return false;
  for (int i = digits; i < 9; ++i) nanos *= 10;
  return true;
}

// Reads "Z" or "+hh:mm" / "-hh:mm" at pos: the offset to subtract, in seconds.
bool read_zone(std::string_view text, std::size_t pos, std::int64_t& offset_s) {
  offset_s = 0;
  if (pos == text.size() - 1 && (text[pos] == 'Z' || text[pos] == 'z')) return true;
  if (pos + 6 != text.size() || (text[pos] != '+' && text[pos] != '-') || text[pos + 3] != ':') return false;
  int hours = 0, minutes = 0;
  if (!read_digits(text, pos + 1, 2, hours) || !read_digits(text, pos + 4, 2, minutes)) return false;
  offset_s = (hours * 3600 + minutes * 60) * (text[pos] == '-' ? -1 : 1);
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_docker_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) || !read_digits(text, 8, 2, day) ||
      !read_digits(text, 11, 2, hour) || !read_digits(text, 14, 2, minute) || !read_digits(text, 17, 2, second))
    return std::nullopt;
  if (year <= 1) return std::nullopt;  // Go's zero time: "never"
  std::size_t pos = 19;
  std::int64_t nanos = 0, offset_s = 0;
  if (!read_fraction(text, pos, nanos) || !read_zone(text, pos, offset_s)) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                   std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * 1000000000LL + nanos;
}

std::string format_docker_time(std::int64_t time_nano) {
  std::int64_t seconds = time_nano / 1000000000LL;
  std::int64_t nanos = time_nano % 1000000000LL;
  if (nanos < 0) {
    nanos += 1000000000LL;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%09lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60), static_cast<long long>(nanos));
  return buffer;
}

}  // namespace ecslocal::runtime
