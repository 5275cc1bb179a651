#include "runtime/task/runtime_timers.hpp"

namespace ecslocal::runtime {

RuntimeTimers::~RuntimeTimers() { stop(); }

RuntimeTimers::Id RuntimeTimers::schedule(Clock::time_point when, std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (stopping_) return 0;
  Id id = next_id_++;
  due_.emplace(std::make_pair(when, id), std::move(fn));
  when_[id] = when;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  changed_.notify_one();
  return id;
}

bool RuntimeTimers::cancel(Id id) {
  std::lock_guard lock(mutex_);
  auto it = when_.find(id);
  if (it == when_.end()) return false;
  due_.erase(std::make_pair(it->second, id));
  when_.erase(it);
  changed_.notify_one();
  return true;
}

std::size_t RuntimeTimers::pending() const {
  std::lock_guard lock(mutex_);
  return due_.size();
}

void RuntimeTimers::stop() {
  std::thread joining;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    due_.clear();
    when_.clear();
    joining = std::move(thread_);
  }
  changed_.notify_all();
  if (joining.joinable() && joining.get_id() != std::this_thread::get_id()) joining.join();
  if (joining.joinable()) joining.detach();  // stop() from a timer function: the loop ends by itself
}

void RuntimeTimers::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (Clock::now() < first->first.first) {
      changed_.wait_until(lock, first->first.first);
      continue;
    }
    auto fn = std::move(first->second);
    when_.erase(first->first.second);
    due_.erase(first);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace ecslocal::runtime
