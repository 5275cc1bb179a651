#include "api/ecs/task_stats.hpp"

#include <cctype>

namespace ecslocal::api::ecs {
namespace {

// Days from 1970-01-01 to the civil date (proleptic Gregorian).
std::int64_t days_since_epoch(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool read_number(const std::string& s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::uint64_t interface_bytes(const Json& interface, const char* name) {
  auto it = interface.find(name);
  return it != interface.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// Docker leaves precpu_stats zero in a one-shot sample: no system_cpu_usage (or 0) in it.
bool empty_precpu(const Json& doc) {
  auto pre = doc.find("precpu_stats");
  if (pre == doc.end() || !pre->is_object()) return true;
  auto system = pre->find("system_cpu_usage");
  return system == pre->end() || !system->is_number() || system->get<double>() == 0;
}

}  // namespace

bool parse_docker_time(const std::string& text, std::int64_t& ns) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  auto at_is = [&](std::size_t i, char c) { return i < text.size() && text[i] == c; };
  const bool shape = read_number(text, 0, 4, year) && at_is(4, '-') && read_number(text, 5, 2, month) && at_is(7, '-') &&
                     read_number(text, 8, 2, day) && (at_is(10, 'T') || at_is(10, 't')) &&
                     read_number(text, 11, 2, hour) && at_is(13, ':') && read_number(text, 14, 2, minute) &&
                     at_is(16, ':') && read_number(text, 17, 2, second);
  if (!shape || year <= 1 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return false;  // year 1: Docker's zero time
  std::size_t at = 19;
  std::int64_t fraction = 0;  // nanoseconds
  if (at_is(at, '.')) {
    ++at;
    int places = 0;
    for (; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {
      if (places == 9) continue;  // finer than nanoseconds: dropped
      fraction = fraction * 10 + (text[at] - '0');
      ++places;
    }
    if (places == 0) return false;
    for (; places < 9; ++places) fraction *= 10;
  }
  std::int64_t offset_s = 0;
  if (at_is(at, 'Z') || at_is(at, 'z')) {
    ++at;
  } else if (at_is(at, '+') || at_is(at, '-')) {
    int oh = 0, om = 0;
    if (!read_number(text, at + 1, 2, oh) || !at_is(at + 3, ':') || !read_number(text, at + 4, 2, om)) return false;
    offset_s = (oh * 3600 + om * 60) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return false;
  }
  if (at != text.size()) return false;
  const std::int64_t days = days_since_epoch(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  ns = (days * 86400 + hour * 3600 + minute * 60 + second - offset_s) * 1000000000 + fraction;
  return true;
}

Json ContainerStatsShaper::shape(const std::string& docker_id, Json docker, const std::string& task_interface,
                                 bool with_rates, Clock::time_point now) {
  for (auto it = previous_.begin(); it != previous_.end();)
    it = now - it->second.seen > kForgetAfter ? previous_.erase(it) : std::next(it);
  if (!docker.is_object()) docker = Json::object();

  // The task's interface as Fargate names the ENI; ecslocal's own interfaces left out.
  auto networks = docker.find("networks");
  if (!task_interface.empty() && networks != docker.end() && networks->is_object()) {
    auto task_network = networks->find(task_interface);
    Json only = Json::object();
    if (task_network != networks->end()) only[kStatsTaskInterface] = *task_network;
    *networks = std::move(only);
  }

  Sample sample;
  sample.seen = now;
  if (auto read = docker.find("read"); read != docker.end() && read->is_string()) sample.read = read->get<std::string>();
  if (!parse_docker_time(sample.read, sample.read_ns))
    sample.read_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  if (auto cpu = docker.find("cpu_stats"); cpu != docker.end()) sample.cpu_stats = *cpu;
  networks = docker.find("networks");
  if (networks != docker.end() && networks->is_object()) {
    sample.has_network = true;
    for (const auto& [name, interface] : networks->items()) {
      sample.rx_bytes += interface_bytes(interface, "rx_bytes");
      sample.tx_bytes += interface_bytes(interface, "tx_bytes");
    }
  }

  auto before = previous_.find(docker_id);
  const Sample* previous = before == previous_.end() ? nullptr : &before->second;
  if (previous && empty_precpu(docker) && !previous->cpu_stats.is_null() && previous->read_ns < sample.read_ns) {
    docker["precpu_stats"] = previous->cpu_stats;
    docker["preread"] = previous->read;
  }
  if (previous && sample.has_network && previous->has_network) {
    const std::int64_t elapsed_ns = sample.read_ns - previous->read_ns;
    if (elapsed_ns > 0) {
      auto rate = [&](std::uint64_t now_bytes, std::uint64_t then_bytes) {
        return now_bytes > then_bytes ? static_cast<double>(now_bytes - then_bytes) * 1e9 / static_cast<double>(elapsed_ns)
                                      : 0.0;
      };
      sample.rx_per_sec = rate(sample.rx_bytes, previous->rx_bytes);
      sample.tx_per_sec = rate(sample.tx_bytes, previous->tx_bytes);
    } else {  // the same sample again: the rates it had (as the agent does on a repeated timestamp)
      sample.rx_per_sec = previous->rx_per_sec;
      sample.tx_per_sec = previous->tx_per_sec;
    }
  }
  if (with_rates && sample.has_network)
    docker["network_rate_stats"] = Json{{"rx_bytes_per_sec", sample.rx_per_sec}, {"tx_bytes_per_sec", sample.tx_per_sec}};
  previous_[docker_id] = std::move(sample);
  return docker;
}

}  // namespace ecslocal::api::ecs
