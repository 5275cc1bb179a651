#pragma once
// Runs posted functions one at a time, in the order posted, on a BlockingPool's workers: the
// serial executor of one ManagedTask. It holds no worker while it has nothing to run. When the
// pool takes no more jobs (shutdown), post runs the queue on the caller's thread instead, so
// nothing posted is ever lost. Made with make_shared: a running drain keeps it alive.
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "runtime/task/blocking_pool.hpp"

namespace ecslocal::runtime {

class SerialExecutor : public std::enable_shared_from_this<SerialExecutor> {
 public:
  explicit SerialExecutor(BlockingPool& pool) : pool_(pool) {}
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  void post(std::function<void()> fn);

 private:
  void drain();

  BlockingPool& pool_;
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
  bool scheduled_ = false;  // a drain runs or is queued on the pool
};

}  // namespace ecslocal::runtime
