#pragma once
// dependsOn rules of a task, as pure functions: validation of the graph, whether a dependency's
// condition is met, can still be met or never will, and the shutdown order (the reverse: a
// container stops only after every container that depends on it has stopped).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "runtime/task_spec.hpp"

namespace ecslocal::runtime::task_deps {

const char* to_string(DependencyCondition condition);  // START | COMPLETE | SUCCESS | HEALTHY

// Unknown container names, a container depending on itself, cycles: the reason, else nothing.
std::optional<std::string> validate(const std::vector<TaskContainerSpec>& containers);

// What the runner knows of a dependency when it decides.
struct DependencyView {
  bool started = false;           // its start succeeded
  bool exited = false;            // it has stopped since
  int exit_code = 0;
  std::string health;             // "", starting, healthy, unhealthy
  bool has_health_check = false;  // its create spec defines one (and not NONE)
};

enum class Readiness { waiting, satisfied, impossible };

// For `impossible`, `why` says what went wrong (e.g. "dependency db exited with code 1").
Readiness evaluate(const ContainerDependency& dependency, const DependencyView& view, std::string& why);

// Groups of container indexes, in the order they are stopped; the members of one group may
// stop in parallel. Every index appears exactly once (on a cycle, the rest form a last group).
std::vector<std::vector<std::size_t>> stop_waves(const std::vector<TaskContainerSpec>& containers);

// Index of the container named `name`, if any.
std::optional<std::size_t> find_container(const std::vector<TaskContainerSpec>& containers, const std::string& name);

}  // namespace ecslocal::runtime::task_deps
