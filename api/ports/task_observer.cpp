#include "api/ports/task_observer.hpp"

namespace ecslocal::api {

const char* to_string(TaskChange change) {
  switch (change) {
    case TaskChange::Running: return "Running";
    case TaskChange::HealthChanged: return "HealthChanged";
    case TaskChange::Stopping: return "Stopping";
    case TaskChange::Stopped: return "Stopped";
  }
  return "?";
}

}  // namespace ecslocal::api
