// TaskEventQueue: delivery in push order on its own thread, events held until a sink is set, a
// sink that pushes again (re-entrancy), draining on stop, delivery on the caller after stop.
#include "runtime/task/task_event_queue.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace ecslocal::runtime {
namespace {

TaskEvent keyed(const std::string& key) {
  TaskEvent event;
  event.key = key;
  return event;
}

struct Keys {
  std::mutex mutex;
  std::vector<std::string> seen;
  std::vector<std::thread::id> threads;
  TaskEventSink sink() {
    return [this](TaskEvent event) {
      std::lock_guard lock(mutex);
      seen.push_back(event.key);
      threads.push_back(std::this_thread::get_id());
    };
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

TEST(TaskEventQueue, DeliversInPushOrderOnItsOwnThread) {
  Keys keys;
  TaskEventQueue queue;
  queue.set_sink(keys.sink());
  for (int i = 0; i < 100; ++i) queue.push(keyed(std::to_string(i)));
  queue.drain();
  auto seen = keys.get();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], std::to_string(i));
  EXPECT_NE(keys.threads.front(), std::this_thread::get_id());
}

TEST(TaskEventQueue, HoldsEventsUntilASinkIsSet) {
  Keys keys;
  TaskEventQueue queue;
  queue.push(keyed("early"));
  queue.drain();  // no sink: nothing to wait for
  EXPECT_TRUE(keys.get().empty());
  queue.set_sink(keys.sink());
  queue.push(keyed("late"));
  queue.drain();
  EXPECT_EQ(keys.get(), (std::vector<std::string>{"early", "late"}));
}

TEST(TaskEventQueue, ASinkMayPushAgain) {
  Keys keys;
  TaskEventQueue queue;
  auto record = keys.sink();
  // Both are queued before the sink is set, so the sink's own push lands behind "second" (pushed
  // after a sink was set, the delivery thread could take "first" before "second" was pushed).
  queue.push(keyed("first"));
  queue.push(keyed("second"));
  queue.set_sink([&](TaskEvent event) {
    if (event.key == "first") queue.push(keyed("from-the-sink"));
    record(std::move(event));
  });
  queue.drain();  // the sink's push happens while "first" is being delivered, before idle
  EXPECT_EQ(keys.get(), (std::vector<std::string>{"first", "second", "from-the-sink"}));
}

TEST(TaskEventQueue, StopDeliversWhatIsQueuedThenLaterEventsGoInline) {
  Keys keys;
  TaskEventQueue queue;
  queue.set_sink(keys.sink());
  for (int i = 0; i < 10; ++i) queue.push(keyed("q" + std::to_string(i)));
  queue.stop();
  EXPECT_EQ(keys.get().size(), 10u);
  queue.push(keyed("after"));
  EXPECT_EQ(keys.get().back(), "after");
  EXPECT_EQ(keys.threads.back(), std::this_thread::get_id());
  queue.stop();  // idempotent
}

TEST(TaskEventQueue, AThrowingSinkDoesNotStopDelivery) {
  Keys keys;
  TaskEventQueue queue;
  auto record = keys.sink();
  queue.set_sink([&](TaskEvent event) {
    if (event.key == "bad") throw std::runtime_error("sink failed");
    record(std::move(event));
  });
  queue.push(keyed("bad"));
  queue.push(keyed("good"));
  queue.drain();
  EXPECT_EQ(keys.get(), std::vector<std::string>{"good"});
}

}  // namespace
}  // namespace ecslocal::runtime
