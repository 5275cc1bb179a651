#include "runtime/docker/docker_timeouts.hpp"

namespace ecslocal::runtime {

using std::chrono::minutes;
using std::chrono::seconds;

const char* to_string(DockerOp op) {
  switch (op) {
    case DockerOp::ping: return "ping";
    case DockerOp::version: return "version";
    case DockerOp::inspect_image: return "inspect_image";
    case DockerOp::pull_image: return "pull_image";
    case DockerOp::create_container: return "create_container";
    case DockerOp::start_container: return "start_container";
    case DockerOp::stop_container: return "stop_container";
    case DockerOp::kill_container: return "kill_container";
    case DockerOp::remove_container: return "remove_container";
    case DockerOp::inspect_container: return "inspect_container";
    case DockerOp::container_stats: return "container_stats";
    case DockerOp::list_containers: return "list_containers";
    case DockerOp::logs: return "logs";
    case DockerOp::events: return "events";
    case DockerOp::create_network: return "create_network";
    case DockerOp::remove_network: return "remove_network";
    case DockerOp::inspect_network: return "inspect_network";
    case DockerOp::list_networks: return "list_networks";
    case DockerOp::connect_network: return "connect_network";
    case DockerOp::import_image: return "import_image";
    case DockerOp::create_volume: return "create_volume";
    case DockerOp::remove_volume: return "remove_volume";
    case DockerOp::list_volumes: return "list_volumes";
    case DockerOp::count_: break;
  }
  return "unknown";
}

DockerTimeouts::DockerTimeouts() {
  auto& self = *this;
  self[DockerOp::ping] = seconds(5);
  self[DockerOp::version] = seconds(5);
  self[DockerOp::inspect_image] = seconds(10);
  self[DockerOp::pull_image] = minutes(15);
  self[DockerOp::create_container] = seconds(60);
  self[DockerOp::start_container] = seconds(60);
  self[DockerOp::stop_container] = seconds(30);  // margin on top of the stop timeout
  self[DockerOp::kill_container] = seconds(30);
  self[DockerOp::remove_container] = seconds(30);
  self[DockerOp::inspect_container] = seconds(10);
  self[DockerOp::container_stats] = seconds(10);
  self[DockerOp::list_containers] = seconds(30);
  self[DockerOp::logs] = minutes(5);
  self[DockerOp::events] = ms(0);
  self[DockerOp::create_network] = seconds(30);
  self[DockerOp::remove_network] = seconds(30);
  self[DockerOp::inspect_network] = seconds(10);
  self[DockerOp::list_networks] = seconds(30);
  self[DockerOp::connect_network] = seconds(30);
  self[DockerOp::import_image] = minutes(2);
  self[DockerOp::create_volume] = seconds(30);
  self[DockerOp::remove_volume] = seconds(30);
  self[DockerOp::list_volumes] = seconds(30);
}

DockerTimeouts::ms DockerTimeouts::stop_limit(std::chrono::seconds stop_timeout) const {
  if (stop_timeout < seconds(0)) stop_timeout = seconds(0);
  return std::chrono::duration_cast<ms>(stop_timeout) + (*this)[DockerOp::stop_container];
}

}  // namespace ecslocal::runtime
