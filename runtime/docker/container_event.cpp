#include "runtime/docker/container_event.hpp"

#include <array>
#include <cstdlib>
#include <utility>

#include "runtime/docker/docker_json.hpp"

namespace ecslocal::runtime {
namespace {

using docker_json::get_object;
using docker_json::get_string;

constexpr std::array<std::pair<const char*, ContainerAction>, 12> action_names{{
    {"create", ContainerAction::create},
    {"start", ContainerAction::start},
    {"die", ContainerAction::die},
    {"kill", ContainerAction::kill},
    {"stop", ContainerAction::stop},
    {"destroy", ContainerAction::destroy},
    {"oom", ContainerAction::oom},
    {"health_status", ContainerAction::health_status},
    {"pause", ContainerAction::pause},
    {"unpause", ContainerAction::unpause},
    {"restart", ContainerAction::restart},
    {"rename", ContainerAction::rename},
}};

// Attributes Docker adds to a container's labels in an event's Actor.
bool is_event_attribute(const std::string& key) {
  return key == "image" || key == "name" || key == "exitCode" || key == "signal" || key == "execID" ||
         key == "oldName" || key == "container";
}

void set_action(ContainerEvent& event) {
  std::string_view raw = event.raw_action;
  auto colon = raw.find(':');
  std::string_view verb = raw.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view detail = raw.substr(colon + 1);
    while (!detail.empty() && detail.front() == ' ') detail.remove_prefix(1);
    if (verb == "health_status") event.health_status = std::string(detail);
  }
  for (const auto& [name, action] : action_names) {
    if (verb == name) {
      event.action = action;
      return;
    }
  }
  event.action = ContainerAction::other;
}

}  // namespace

const char* to_string(ContainerAction action) {
  for (const auto& [name, value] : action_names) {
    if (value == action) return name;
  }
  return "other";
}

std::optional<ContainerEvent> parse_container_event(std::string_view json_line) {
  auto doc = nlohmann::json::parse(json_line, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  std::string type = get_string(doc, "Type");
  if (type.empty()) type = "container";  // very old daemons sent no Type
  if (type != "container") return std::nullopt;
  ContainerEvent event;
  const auto& actor = get_object(doc, "Actor");
  event.id = get_string(actor, "ID");
  if (event.id.empty()) event.id = get_string(doc, "id");
  if (event.id.empty()) return std::nullopt;
  event.raw_action = get_string(doc, "Action");
  if (event.raw_action.empty()) event.raw_action = get_string(doc, "status");
  set_action(event);
  for (const auto& [key, value] : get_object(actor, "Attributes").items()) {
    if (!value.is_string()) continue;
    const auto& text = value.get_ref<const std::string&>();
    if (key == "exitCode") {
      event.exit_code = std::atoi(text.c_str());
    } else if (key == "signal") {
      event.signal = text;
    } else if (key == "image") {
      event.image = text;
    } else if (key == "name") {
      event.name = text;
    }
    if (!is_event_attribute(key)) event.labels[key] = text;
  }
  event.time_nano = docker_json::get_int(doc, "timeNano");
  if (event.time_nano == 0) event.time_nano = docker_json::get_int(doc, "time") * 1000000000LL;
  return event;
}

}  // namespace ecslocal::runtime
