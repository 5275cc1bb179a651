#pragma once
// One container event of Docker's /events stream, and its parser.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/docker_types.hpp"

namespace ecslocal::runtime {

enum class ContainerAction {
  create,
  start,
  die,
  kill,
  stop,
  destroy,
  oom,
  health_status,  // health_status: healthy | unhealthy | starting
  pause,
  unpause,
  restart,
  rename,
  other,  // attach, exec_*, commit, export, top, resize, update, ...
};

const char* to_string(ContainerAction action);

struct ContainerEvent {
  std::string id;
  ContainerAction action = ContainerAction::other;
  std::string raw_action;     // Docker's text, e.g. "health_status: healthy"
  std::string health_status;  // for health_status events: healthy | unhealthy | starting
  std::optional<int> exit_code;  // die
  std::string signal;            // kill (e.g. "9", "15")
  std::string image;
  std::string name;
  Labels labels;  // the container's labels (Docker's attributes without image/name/exitCode/...)
  std::int64_t time_nano = 0;
};

// Parses one JSON line of /events. Returns nothing for non-container events and for lines that
// are not a usable event (bad JSON, no id): the stream goes on.
std::optional<ContainerEvent> parse_container_event(std::string_view json_line);

}  // namespace ecslocal::runtime
