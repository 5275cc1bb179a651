#include "runtime/task/blocking_pool.hpp"

namespace ecslocal::runtime {

BlockingPool::BlockingPool(std::size_t workers, std::function<void(const std::string&)> on_exception)
    : worker_count_(workers == 0 ? 1 : workers), on_exception_(std::move(on_exception)) {
  threads_.reserve(worker_count_);
  for (std::size_t i = 0; i < worker_count_; ++i) {
    threads_.emplace_back([this] { work_loop(); });
    worker_ids_.push_back(threads_.back().get_id());
  }
}

BlockingPool::~BlockingPool() { shutdown(); }

bool BlockingPool::submit(Job job) {
  if (!job) return false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void BlockingPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  // A job cannot wait for its own worker: from a worker, shutdown only stops the intake and the
  // owner's own shutdown (or the destructor) joins.
  for (const auto& id : worker_ids_) {
    if (id == std::this_thread::get_id()) return;
  }
  std::lock_guard join_lock(shutdown_mutex_);
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t BlockingPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t BlockingPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void BlockingPool::work_loop() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    run_job(job);
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

void BlockingPool::run_job(Job& job) {
  try {
    job();
  } catch (const std::exception& error) {
    if (on_exception_) on_exception_(error.what());
  } catch (...) {
    if (on_exception_) on_exception_("unknown exception");
  }
}

}  // namespace ecslocal::runtime
