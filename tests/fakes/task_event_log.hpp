#pragma once
// Records the TaskEvents a TaskRuntime reports, thread-safely, and waits for them: shared by the
// task runner's unit tests (fake Docker) and Docker tests (real daemon).
#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/task_runtime.hpp"

namespace ecslocal::runtime::test {

using namespace std::chrono_literals;

// Records every TaskEvent, thread-safely.
class EventLog {
 public:
  TaskEventSink sink() {
    return [this](TaskEvent event) {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
      received_.push_back(std::chrono::steady_clock::now());
    };
  }
  template <typename Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = 5s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      std::vector<TaskEvent> events;
      {
        std::lock_guard lock(mutex_);
        events = events_;
      }
      if (pred(events)) return true;  // unlocked: the predicate may use this log too
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
  bool wait_kind(const std::string& key, TaskEvent::Kind kind, std::chrono::milliseconds limit = 5s) {
    return wait_for([&](const std::vector<TaskEvent>& events) { return find_in(events, key, kind) != nullptr; },
                    limit);
  }
  bool wait_container(const std::string& key, TaskEvent::Kind kind, const std::string& container,
                      std::chrono::milliseconds limit = 5s) {
    return wait_for(
        [&](const std::vector<TaskEvent>& events) {
          return std::any_of(events.begin(), events.end(), [&](const TaskEvent& e) {
            return e.key == key && e.kind == kind && e.container == container;
          });
        },
        limit);
  }
  std::vector<TaskEvent> of(const std::string& key) {
    std::lock_guard lock(mutex_);
    std::vector<TaskEvent> out;
    for (const auto& e : events_) {
      if (e.key == key) out.push_back(e);
    }
    return out;
  }
  std::optional<TaskEvent> find(const std::string& key, TaskEvent::Kind kind) {
    std::lock_guard lock(mutex_);
    const TaskEvent* e = find_in(events_, key, kind);
    return e ? std::optional<TaskEvent>(*e) : std::nullopt;
  }
  // When the sink received the first such event.
  std::optional<std::chrono::steady_clock::time_point> received_at(const std::string& key, TaskEvent::Kind kind,
                                                                   const std::string& container = {}) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const auto& e = events_[i];
      if (e.key == key && e.kind == kind && (container.empty() || e.container == container)) return received_[i];
    }
    return std::nullopt;
  }
  int count(const std::string& key, TaskEvent::Kind kind) {
    auto events = of(key);
    return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const TaskEvent& e) { return e.kind == kind; }));
  }
  // "PullStarted PullStopped NetworkReady ContainerStarted:app ..."
  std::string trace(const std::string& key) {
    std::string out;
    for (const auto& e : of(key)) {
      if (!out.empty()) out += ' ';
      out += kind_name(e.kind);
      if (!e.container.empty()) out += ":" + e.container;
    }
    return out;
  }
  static const char* kind_name(TaskEvent::Kind kind) {
    switch (kind) {
      case TaskEvent::Kind::PullStarted: return "PullStarted";
      case TaskEvent::Kind::PullStopped: return "PullStopped";
      case TaskEvent::Kind::NetworkReady: return "NetworkReady";
      case TaskEvent::Kind::ContainerStarted: return "ContainerStarted";
      case TaskEvent::Kind::ContainerHealth: return "ContainerHealth";
      case TaskEvent::Kind::ContainerStopped: return "ContainerStopped";
      case TaskEvent::Kind::TaskFailed: return "TaskFailed";
      case TaskEvent::Kind::TaskStopped: return "TaskStopped";
    }
    return "?";
  }

 private:
  static const TaskEvent* find_in(const std::vector<TaskEvent>& events, const std::string& key, TaskEvent::Kind kind) {
    for (const auto& e : events) {
      if (e.key == key && e.kind == kind) return &e;
    }
    return nullptr;
  }
  std::mutex mutex_;
  std::vector<TaskEvent> events_;
  std::vector<std::chrono::steady_clock::time_point> received_;
};

}  // namespace ecslocal::runtime::test
