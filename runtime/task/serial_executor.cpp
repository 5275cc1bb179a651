#include "runtime/task/serial_executor.hpp"

namespace ecslocal::runtime {

void SerialExecutor::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    if (scheduled_) return;  // the running drain takes it
    scheduled_ = true;
  }
  auto self = shared_from_this();
  if (!pool_.submit([self] { self->drain(); })) self->drain();
}

void SerialExecutor::drain() {
  while (true) {
    std::function<void()> next;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) {
        scheduled_ = false;
        return;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next();
  }
}

}  // namespace ecslocal::runtime
