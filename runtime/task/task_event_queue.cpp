#include "runtime/task/task_event_queue.hpp"

namespace ecslocal::runtime {

TaskEventQueue::TaskEventQueue() : thread_([this] { run(); }) {}

TaskEventQueue::~TaskEventQueue() { stop(); }

void TaskEventQueue::set_sink(TaskEventSink sink) {
  {
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
  }
  ready_.notify_all();
}

void TaskEventQueue::push(TaskEvent event) {
  std::unique_lock lock(mutex_);
  if (finished_) {  // the thread is gone (shutdown): hand it over on the caller's thread
    TaskEventSink sink = sink_;
    lock.unlock();
    if (sink) deliver(sink, std::move(event));
    return;
  }
  queue_.push_back(std::move(event));
  lock.unlock();
  ready_.notify_one();
}

void TaskEventQueue::deliver(const TaskEventSink& sink, TaskEvent event) {
  try {
    sink(std::move(event));
  } catch (...) {
    // The sink's own failure; the runner goes on with the next event.
  }
}

void TaskEventQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void TaskEventQueue::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return (queue_.empty() || !sink_ || stopping_) && !delivering_; });
}

void TaskEventQueue::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_.wait(lock, [this] { return stopping_ || (sink_ && !queue_.empty()); });
    if (!sink_ || queue_.empty()) {
      if (stopping_) break;
      continue;
    }
    TaskEvent event = std::move(queue_.front());
    queue_.pop_front();
    TaskEventSink sink = sink_;
    delivering_ = true;
    lock.unlock();
    deliver(sink, std::move(event));
    lock.lock();
    delivering_ = false;
    idle_.notify_all();
  }
  delivering_ = false;
  finished_ = true;
  idle_.notify_all();
}

}  // namespace ecslocal::runtime
