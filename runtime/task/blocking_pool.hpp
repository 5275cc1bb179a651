#pragma once
// A small pool of threads for blocking work (every Docker call): a FIFO queue, up to N workers,
// started on demand (a job that finds no idle worker starts one), so an idle ecslocal holds none.
// The owner hands a job and, optionally, a completion that receives the job's result on the
// worker thread — the server's completion posts it onto its state strand. The pool knows no
// executor. Exceptions never leave a worker: one escaping a job is reported to on_exception and
// the worker goes on (runtime jobs return values; this is a safety net, not a channel).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace ecslocal::runtime {

class BlockingPool {
 public:
  using Job = std::function<void()>;

  explicit BlockingPool(std::size_t workers, std::function<void(const std::string&)> on_exception = {});
  ~BlockingPool();  // shutdown()
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // False (and the job is dropped) once shutdown has begun.
  bool submit(Job job);

  // Runs work() on a worker, then done(result) on the same worker.
  template <typename Work, typename Done>
  bool submit(Work work, Done done) {
    return submit([work = std::move(work), done = std::move(done)]() mutable {
      if constexpr (std::is_void_v<std::invoke_result_t<Work&>>) {
        work();
        done();
      } else {
        done(work());
      }
    });
  }

  // Stops taking jobs, runs every job already queued, joins the workers. Idempotent. Called
  // from a job it only stops the intake; the owner's shutdown or the destructor joins.
  void shutdown();

  std::size_t workers() const { return worker_count_; }  // the most it starts
  std::size_t started() const;                           // workers started so far
  std::size_t queued() const;  // jobs waiting for a worker
  std::size_t busy() const;    // jobs running now

 private:
  void work_loop();
  void run_job(Job& job);

  const std::size_t worker_count_;
  std::mutex shutdown_mutex_;  // one shutdown joins at a time
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> worker_ids_;  // grows with threads_, under mutex_; fixed once stopping_
  std::function<void(const std::string&)> on_exception_;
  std::size_t busy_ = 0;
  std::size_t idle_ = 0;  // workers waiting for a job
  bool stopping_ = false;
};

}  // namespace ecslocal::runtime
