// TaskRunner, Docker's side: container events routed to their task's ManagedTask (die, oom,
// health_status), and the resync after every (re)connection of the events stream: one listing
// of the runner's containers, handed to every task, which inspects what the listing says it may
// have missed.
#include <unordered_map>

#include "runtime/task/managed_task.hpp"
#include "runtime/task/task_runner.hpp"

namespace ecslocal::runtime {

void TaskRunner::on_docker_event(const ContainerEvent& event) {
  IdRef ref;
  {
    std::lock_guard lock(mutex_);
    auto it = ids_.find(event.id);
    if (it == ids_.end()) return;
    ref = it->second;
  }
  switch (event.action) {
    case ContainerAction::oom:
    case ContainerAction::die:
    case ContainerAction::health_status:
      ref.task->container_event(ref.index, event);
      return;
    default:
      return;
  }
}

void TaskRunner::on_resync(bool after_break) {
  {
    std::lock_guard lock(mutex_);
    if (tasks_.empty() || shutting_down_) return;
  }
  // The first connection matters too: launches may have begun before the stream was up.
  pool_.submit([this] { resync(); });
}

void TaskRunner::resync() {
  auto tasks = all_tasks();
  if (tasks.empty()) return;
  auto listed_from = std::chrono::steady_clock::now();
  auto listed = docker_.list_containers(ContainerListQuery{true, housekeeping_filters()});
  if (!listed) {
    warn("resync after the Docker events stream connected failed: " + listed.error().describe());
    return;
  }
  auto states = std::make_shared<std::unordered_map<std::string, std::string>>();  // id -> state
  for (const auto& container : *listed) (*states)[container.id] = container.state;
  for (const auto& task : tasks) task->resync(states, listed_from);
}

}  // namespace ecslocal::runtime
