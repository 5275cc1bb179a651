#pragma once
// Hands TaskEvents to the sink on one thread of its own, in the order they were pushed. The
// runner pushes while it holds a task's lock, which fixes the order per task (ContainerStarted
// before that container's ContainerStopped, TaskStopped last); the sink runs without any of the
// runner's locks, so it may call back into the runner (stop, launch) safely.
// Events pushed before a sink is set wait for it; events pushed after stop() are delivered on the
// pushing thread.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "runtime/task_runtime.hpp"

namespace ecslocal::runtime {

class TaskEventQueue {
 public:
  TaskEventQueue();
  ~TaskEventQueue();  // stop()
  TaskEventQueue(const TaskEventQueue&) = delete;
  TaskEventQueue& operator=(const TaskEventQueue&) = delete;

  void set_sink(TaskEventSink sink);
  void push(TaskEvent event);
  // Delivers what is queued (when a sink is set), then ends the thread. Idempotent.
  void stop();
  // Waits until every event pushed so far was delivered (or no sink is set); for tests.
  void drain();

 private:
  void run();
  static void deliver(const TaskEventSink& sink, TaskEvent event);

  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::deque<TaskEvent> queue_;
  TaskEventSink sink_;
  bool delivering_ = false;
  bool stopping_ = false;
  bool finished_ = false;  // the delivery thread has ended
  std::thread thread_;
};

}  // namespace ecslocal::runtime
