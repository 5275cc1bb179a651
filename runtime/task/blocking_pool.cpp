#include "runtime/task/blocking_pool.hpp"

namespace ecslocal::runtime {

BlockingPool::BlockingPool(std::size_t workers, std::function<void(const std::string&)> on_exception)
    : worker_count_(workers == 0 ? 1 : workers), on_exception_(std::move(on_exception)) {
  threads_.reserve(worker_count_);
  worker_ids_.reserve(worker_count_);
}

BlockingPool::~BlockingPool() { shutdown(); }

bool BlockingPool::submit(Job job) {
  if (!job) return false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
    // Every started worker busy (or already claimed by a queued job): one more, up to the limit.
    if (idle_ < queue_.size() && threads_.size() < worker_count_) {
      threads_.emplace_back([this] { work_loop(); });
      worker_ids_.push_back(threads_.back().get_id());
    }
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
  {
    std::lock_guard lock(mutex_);  // no worker starts once stopping_ is set
    for (const auto& id : worker_ids_) {
      if (id == std::this_thread::get_id()) return;
    }
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

std::size_t BlockingPool::started() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

std::size_t BlockingPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void BlockingPool::work_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    // Busy to idle in one step: a submit in between would start a worker it does not need.
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping and drained
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    run_job(job);
    job = nullptr;  // what it holds goes before the worker waits again
    lock.lock();
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
