#include "api/ecs/usage_metrics.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "api/ecs/provider.hpp"
#include "api/ports/metrics.hpp"
#include "api/ports/task_usage.hpp"
#include "api/ports/timers.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr auto kSampleEvery = std::chrono::seconds(15);  // virtual time

std::int64_t epoch_seconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

int to_int(const std::optional<std::string>& s) {
  if (!s) return 0;
  try {
    return std::stoi(*s);
  } catch (const std::exception&) {
    return 0;
  }
}

// The task's CPU units and MiB: task-level sizes, else its containers' (soft limit before hard).
std::pair<double, double> reservation(const Task& task) {
  double cpu = to_int(task.cpu), memory = to_int(task.memory);
  if (cpu <= 0)
    for (const auto& c : task.containers) cpu += c.cpu;
  if (memory <= 0)
    for (const auto& c : task.containers) memory += c.memory_reservation.value_or(c.memory.value_or(0));
  if (cpu <= 0) cpu = 1024;  // no reservation: measured against one vCPU
  return {cpu, memory};
}

bool insights_enabled(const Cluster* cluster) {
  if (!cluster) return false;
  for (const auto& s : cluster->settings)
    if (s.name == "containerInsights") return s.value == "enabled" || s.value == "enhanced";
  return false;
}

struct Sums {
  double cpu_used = 0, cpu_reserved = 0, memory_used = 0, memory_reserved = 0;  // units, MiB
  int running = 0, pending = 0, desired = 0, tasks = 0, services = 0;
};

}  // namespace

void UsageMetrics::reset() {
  shared_->tasks.clear();
  last_sample_.reset();
}

void UsageMetrics::tick(EcsProvider& ecs, Clock::time_point now) {
  Ports* ports = ecs.ports();
  if (!ports) return;
  if (!timer_)
    if (Timers* timers = ports->find<Timers>()) {
      const auto next = (epoch_seconds(now) / 60 + 1) * 60;
      timer_ = timers->schedule(Clock::time_point{std::chrono::seconds(next)}, [this, &ecs](Clock::time_point due) {
        timer_ = 0;
        const auto end = epoch_seconds(due);
        publish(ecs, end - 60);
        tick(ecs, due);  // arms the next boundary
      });
    }
  UsageSampler* sampler = ports->find<UsageSampler>();
  if (!sampler || shared_->in_flight || (last_sample_ && now - *last_sample_ < kSampleEvery)) return;
  last_sample_ = now;
  shared_->in_flight = true;
  sampler->sample([shared = shared_](std::vector<TaskUsage> usage) {
    shared->in_flight = false;
    std::map<std::string, Measured> next;
    for (const auto& u : usage) {
      Measured m;
      if (auto it = shared->tasks.find(u.key); it != shared->tasks.end()) m = it->second;
      const auto at = u.at;
      const double dt = std::chrono::duration<double>(at - m.at).count();
      if (m.at != std::chrono::steady_clock::time_point{} && dt > 0.05 && u.cpu_total_ns >= m.cpu_ns) {
        m.cores = static_cast<double>(u.cpu_total_ns - m.cpu_ns) / 1e9 / dt;
        m.core_seconds += m.cores * dt;
        m.seconds += dt;
        m.has_rate = true;
      }
      m.cpu_ns = u.cpu_total_ns;
      m.at = at;
      m.memory_bytes = static_cast<double>(u.memory_bytes);
      m.memory_sum += m.memory_bytes;
      m.memory_count += 1;
      next[u.key] = m;
    }
    shared->tasks = std::move(next);  // tasks that are gone are forgotten
  });
}

void UsageMetrics::publish(EcsProvider& ecs, std::int64_t minute_start) {
  Ports* ports = ecs.ports();
  MetricSink* sink = ports ? ports->find<MetricSink>() : nullptr;
  if (!sink) return;
  const Clock::time_point stamp{std::chrono::seconds(minute_start + 30)};
  ecs.store().for_each([&](const std::string& account, const std::string& region, EcsState& state) {
    std::map<std::string, std::vector<MetricDatum>> by_namespace;
    auto datum = [&](const char* ns, const char* name, std::vector<std::pair<std::string, std::string>> dims,
                     double value, const char* unit) {
      MetricDatum d;
      d.name = name;
      d.dimensions = std::move(dims);
      d.timestamp = stamp;
      d.unit = unit;
      d.value = value;
      by_namespace[ns].push_back(std::move(d));
    };
    // The four resource figures Container Insights gives per service and per cluster.
    auto resources = [&](const std::vector<std::pair<std::string, std::string>>& dims, const Sums& sums) {
      datum("ECS/ContainerInsights", "CpuUtilized", dims, sums.cpu_used, "None");
      datum("ECS/ContainerInsights", "CpuReserved", dims, sums.cpu_reserved, "None");
      datum("ECS/ContainerInsights", "MemoryUtilized", dims, sums.memory_used, "Megabytes");
      datum("ECS/ContainerInsights", "MemoryReserved", dims, sums.memory_reserved, "Megabytes");
    };
    std::map<std::string, Sums> clusters;
    for (const EcsService* service : state.services.all()) {
      if (!service->active()) continue;
      const Cluster* cluster = state.clusters.find(service->cluster_name);
      const bool insights = insights_enabled(cluster);
      Sums s;
      s.desired = service->desired_count;
      for (const Task* task : state.tasks.all()) {
        if (task->cluster_name != service->cluster_name || task->service_name != service->name) continue;
        if (task->last_status == TaskStatus::Pending || task->last_status == TaskStatus::Provisioning ||
            task->last_status == TaskStatus::Activating)
          ++s.pending;
        if (task->last_status != TaskStatus::Running) continue;
        ++s.running;
        auto m = shared_->tasks.find(task->arn);
        if (m == shared_->tasks.end() || !m->second.has_rate) continue;  // not measured yet
        const auto [cpu_reserved, memory_reserved] = reservation(*task);
        const double cores = m->second.seconds > 0 ? m->second.core_seconds / m->second.seconds : m->second.cores;
        const double memory = m->second.memory_count > 0 ? m->second.memory_sum / m->second.memory_count
                                                         : m->second.memory_bytes;
        const double units = cores * 1024, mib = memory / (1024.0 * 1024.0);
        const std::vector<std::pair<std::string, std::string>> dims{{"ClusterName", service->cluster_name},
                                                                    {"ServiceName", service->name}};
        const std::vector<std::pair<std::string, std::string>> cluster_dims{{"ClusterName", service->cluster_name}};
        datum("AWS/ECS", "CPUUtilization", dims, units / cpu_reserved * 100, "Percent");
        datum("AWS/ECS", "CPUUtilization", cluster_dims, units / cpu_reserved * 100, "Percent");
        if (memory_reserved > 0) {
          datum("AWS/ECS", "MemoryUtilization", dims, mib / memory_reserved * 100, "Percent");
          datum("AWS/ECS", "MemoryUtilization", cluster_dims, mib / memory_reserved * 100, "Percent");
        }
        s.cpu_used += units;
        s.cpu_reserved += cpu_reserved;
        s.memory_used += mib;
        s.memory_reserved += memory_reserved;
      }
      if (!insights) continue;
      const std::vector<std::pair<std::string, std::string>> dims{{"ClusterName", service->cluster_name},
                                                                  {"ServiceName", service->name}};
      resources(dims, s);
      datum("ECS/ContainerInsights", "RunningTaskCount", dims, s.running, "Count");
      datum("ECS/ContainerInsights", "PendingTaskCount", dims, s.pending, "Count");
      datum("ECS/ContainerInsights", "DesiredTaskCount", dims, s.desired, "Count");
      Sums& c = clusters[service->cluster_name];
      c.cpu_used += s.cpu_used;
      c.cpu_reserved += s.cpu_reserved;
      c.memory_used += s.memory_used;
      c.memory_reserved += s.memory_reserved;
      c.tasks += s.running + s.pending;
      c.services += 1;
    }
    for (const auto& [name, c] : clusters) {
      const std::vector<std::pair<std::string, std::string>> dims{{"ClusterName", name}};
      resources(dims, c);
      datum("ECS/ContainerInsights", "TaskCount", dims, c.tasks, "Count");
      datum("ECS/ContainerInsights", "ServiceCount", dims, c.services, "Count");
    }
    for (auto& [ns, data] : by_namespace) sink->put_metrics(account, region, ns, data);
  });
  for (auto& [key, m] : shared_->tasks) m.core_seconds = m.seconds = m.memory_sum = m.memory_count = 0;
}

}  // namespace ecslocal::api::ecs
