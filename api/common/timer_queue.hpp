#pragma once
// The Timers port as a plain queue (std only, no I/O): the app asks next_due() to arm its one real
// timer and calls run_due(now) when it fires (or when a manual clock advances). Entries run in
// time order, those of the same time in scheduling order; a callback may schedule or cancel.
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "api/ports/timers.hpp"

namespace ecslocal::api {

class TimerQueue final : public Timers {
 public:
  Id schedule(TimePoint at, std::function<void(TimePoint)> fn) override {
    const Id id = next_id_++;
    auto it = queue_.emplace(std::make_pair(at, id), std::move(fn)).first;
    by_id_.emplace(id, it);
    if (it == queue_.begin() && on_earliest_changed_) on_earliest_changed_();
    return id;
  }
  // Called (on the scheduling thread) when an entry becomes the earliest: the app re-arms its
  // real timer.
  void set_on_earliest_changed(std::function<void()> fn) { on_earliest_changed_ = std::move(fn); }
  void cancel(Id id) override {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return;
    queue_.erase(it->second);
    by_id_.erase(it);
  }
  std::optional<TimePoint> next_due() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first.first;
  }
  // Runs every entry due at `now`, earliest first, each with its own due time; returns how many ran.
  size_t run_due(TimePoint now) {
    size_t ran = 0;
    while (!queue_.empty() && queue_.begin()->first.first <= now) {
      auto node = queue_.extract(queue_.begin());
      by_id_.erase(node.key().second);
      node.mapped()(node.key().first);
      ++ran;
    }
    return ran;
  }
  size_t size() const { return queue_.size(); }
  void clear() {
    queue_.clear();
    by_id_.clear();
  }

 private:
  using Queue = std::map<std::pair<TimePoint, Id>, std::function<void(TimePoint)>>;
  Queue queue_;
  std::unordered_map<Id, Queue::iterator> by_id_;
  Id next_id_ = 1;
  std::function<void()> on_earliest_changed_;
};

}  // namespace ecslocal::api
