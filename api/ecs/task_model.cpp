#include "api/ecs/task_model.hpp"

#include <algorithm>

namespace ecslocal::api::ecs {

const ContainerOverride* TaskOverrides::find(const std::string& name) const {
  for (const auto& o : containers)
    if (o.name == name) return &o;
  return nullptr;
}

Container* Task::find_container(const std::string& name) {
  for (auto& c : containers)
    if (c.name == name) return &c;
  return nullptr;
}

const Container* Task::find_container(const std::string& name) const {
  for (const auto& c : containers)
    if (c.name == name) return &c;
  return nullptr;
}

std::optional<TaskBucket> usage_bucket(const Task& task) {
  if (task.stopped()) return std::nullopt;
  return task.started_at ? TaskBucket::Running : TaskBucket::Pending;
}

Task& TaskRegistry::add(Task task) {
  task.sequence = next_sequence_++;
  auto owned = std::make_unique<Task>(std::move(task));
  Task& stored = *owned;
  tasks_.push_back(std::move(owned));
  by_arn_[stored.arn] = &stored;
  return stored;
}

Task* TaskRegistry::find_by_arn(const std::string& arn) {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : it->second;
}

const Task* TaskRegistry::find_by_arn(const std::string& arn) const {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : it->second;
}

std::vector<Task*> TaskRegistry::all() {
  std::vector<Task*> out;
  out.reserve(tasks_.size());
  for (auto& t : tasks_) out.push_back(t.get());
  return out;
}

std::vector<const Task*> TaskRegistry::all() const {
  std::vector<const Task*> out;
  out.reserve(tasks_.size());
  for (const auto& t : tasks_) out.push_back(t.get());
  return out;
}

void TaskRegistry::restore(std::vector<Task> tasks, std::uint64_t next_sequence) {
  tasks_.clear();
  by_arn_.clear();
  for (auto& task : tasks) {
    tasks_.push_back(std::make_unique<Task>(std::move(task)));
    by_arn_[tasks_.back()->arn] = tasks_.back().get();
  }
  next_sequence_ = next_sequence;
}

std::vector<std::unique_ptr<Task>> TaskRegistry::prune(TimePoint now, Clock::duration retention) {
  std::vector<std::unique_ptr<Task>> pruned;
  std::vector<std::unique_ptr<Task>> kept;
  for (auto& t : tasks_) {
    if (t->stopped() && t->stopped_at && *t->stopped_at + retention <= now) {
      by_arn_.erase(t->arn);
      pruned.push_back(std::move(t));
    } else {
      kept.push_back(std::move(t));
    }
  }
  tasks_ = std::move(kept);
  return pruned;
}

}  // namespace ecslocal::api::ecs
