#include "runtime/task/task_runner_deps.hpp"

#include <functional>

namespace ecslocal::runtime::task_deps {

const char* to_string(DependencyCondition condition) {
  switch (condition) {
    case DependencyCondition::Start: return "START";
    case DependencyCondition::Complete: return "COMPLETE";
    case DependencyCondition::Success: return "SUCCESS";
    case DependencyCondition::Healthy: return "HEALTHY";
  }
  return "START";
}

std::optional<std::size_t> find_container(const std::vector<TaskContainerSpec>& containers, const std::string& name) {
  for (std::size_t i = 0; i < containers.size(); ++i) {
    if (containers[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::string> validate(const std::vector<TaskContainerSpec>& containers) {
  for (const auto& container : containers) {
    for (const auto& dependency : container.depends_on) {
      if (dependency.container == container.name) return "container " + container.name + " depends on itself";
      if (!find_container(containers, dependency.container)) {
        return "container " + container.name + " depends on unknown container " + dependency.container;
      }
    }
  }
  // Depth-first search for a cycle: 0 unvisited, 1 on the current path, 2 done.
  std::vector<int> mark(containers.size(), 0);
  std::optional<std::string> cycle;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    mark[i] = 1;
    for (const auto& dependency : containers[i].depends_on) {
      std::size_t next = *find_container(containers, dependency.container);
      if (mark[next] == 1 && !cycle) cycle = "containers " + containers[i].name + " and " + containers[next].name +
                                             " depend on each other (dependency cycle)";
      if (mark[next] == 0) visit(next);
    }
    mark[i] = 2;
  };
  for (std::size_t i = 0; i < containers.size() && !cycle; ++i) {
    if (mark[i] == 0) visit(i);
  }
  return cycle;
}

Readiness evaluate(const ContainerDependency& dependency, const DependencyView& view, std::string& why) {
  const std::string& name = dependency.container;
  std::string code = std::to_string(view.exit_code);
  switch (dependency.condition) {
    case DependencyCondition::Start:
      return view.started ? Readiness::satisfied : Readiness::waiting;
    case DependencyCondition::Complete:
      return view.exited ? Readiness::satisfied : Readiness::waiting;
    case DependencyCondition::Success:
      if (!view.exited) return Readiness::waiting;
      if (view.exit_code == 0) return Readiness::satisfied;
      why = "dependency " + name + " exited with code " + code;
      return Readiness::impossible;
    case DependencyCondition::Healthy:
      if (!view.has_health_check) {
        why = "dependency " + name + " has no health check, so it can never be HEALTHY";
        return Readiness::impossible;
      }
      if (view.exited) {
        why = "dependency " + name + " exited with code " + code + " before it was HEALTHY";
        return Readiness::impossible;
      }
      if (view.health == "healthy") return Readiness::satisfied;
      if (view.health == "unhealthy") {
        why = "dependency " + name + " is UNHEALTHY";
        return Readiness::impossible;
      }
      return Readiness::waiting;
  }
  return Readiness::waiting;
}

std::vector<std::vector<std::size_t>> stop_waves(const std::vector<TaskContainerSpec>& containers) {
  std::size_t n = containers.size();
  // dependents[i]: how many containers not yet stopped depend on container i.
  std::vector<std::size_t> dependents(n, 0);
  std::vector<std::vector<std::size_t>> depends_on(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& dependency : containers[i].depends_on) {
      auto target = find_container(containers, dependency.container);
      if (!target || *target == i) continue;
      depends_on[i].push_back(*target);
      ++dependents[*target];
    }
  }
  std::vector<bool> placed(n, false);
  std::vector<std::vector<std::size_t>> waves;
  std::size_t left = n;
  while (left > 0) {
    std::vector<std::size_t> wave;
    for (std::size_t i = 0; i < n; ++i) {
      if (!placed[i] && dependents[i] == 0) wave.push_back(i);
    }
    if (wave.empty()) {  // a cycle: stop the rest together
      for (std::size_t i = 0; i < n; ++i) {
        if (!placed[i]) wave.push_back(i);
      }
    }
    for (std::size_t i : wave) {
      placed[i] = true;
      --left;
      for (std::size_t target : depends_on[i]) {
        if (dependents[target] > 0) --dependents[target];
      }
    }
    waves.push_back(std::move(wave));
  }
  return waves;
}

}  // namespace ecslocal::runtime::task_deps
