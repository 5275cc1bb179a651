#pragma once
// A TaskRuntime that only records: the specs it was asked to launch and the keys it was asked to
// stop. Tests drive the lifecycle themselves by feeding TaskEvents to EcsProvider::on_task_event
// (made with `event(...)`), as the server does on the state strand. Header-only.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "runtime/task_runtime.hpp"

namespace ecslocal::testing {

class FakeTaskRuntime : public runtime::TaskRuntime {
 public:
  void set_event_sink(runtime::TaskEventSink sink) override { sink_ = std::move(sink); }
  void launch(runtime::TaskSpec spec) override { launches.push_back(std::move(spec)); }
  void stop(const std::string& key) override { stops.push_back(key); }
  void remove_network(const std::string& name) override { removed_networks.push_back(name); }
  // Records the call and reports done at once (nothing really runs here).
  void stop_all(std::function<void()> done) override {
    ++stop_all_calls;
    if (done) done();
  }

  const runtime::TaskSpec* launched(const std::string& key) const {
    auto it = std::find_if(launches.begin(), launches.end(), [&](const runtime::TaskSpec& s) { return s.key == key; });
    return it == launches.end() ? nullptr : &*it;
  }
  size_t stop_count(const std::string& key) const { return static_cast<size_t>(std::count(stops.begin(), stops.end(), key)); }
  bool has_sink() const { return static_cast<bool>(sink_); }

  std::vector<runtime::TaskSpec> launches;
  std::vector<std::string> stops;
  std::vector<std::string> removed_networks;
  int stop_all_calls = 0;

 private:
  runtime::TaskEventSink sink_;
};

// A TaskEvent for the task `key`, happening at `at` (default: now).
inline runtime::TaskEvent event(runtime::TaskEvent::Kind kind, const std::string& key, const std::string& container = "",
                                std::optional<std::chrono::system_clock::time_point> at = std::nullopt) {
  runtime::TaskEvent e;
  e.kind = kind;
  e.key = key;
  e.container = container;
  e.at = at.value_or(std::chrono::system_clock::now());
  return e;
}

}  // namespace ecslocal::testing
