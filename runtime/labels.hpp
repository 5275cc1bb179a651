#pragma once
// The labels ecslocal puts on everything it makes in Docker (containers, networks, volumes), so
// it can find, adopt and clean up its own objects: after a restart, at shutdown, in tests.
// Values that name ECS objects are set by the layer that knows them; the runtime only filters.
#include <string>
#include <string_view>

namespace ecslocal::runtime::labels {

// On every object ecslocal creates, with value "true".
inline constexpr std::string_view managed = "ecslocal.managed";
inline constexpr std::string_view managed_value = "true";

// Which ecslocal process made it (lets two instances share one daemon).
inline constexpr std::string_view instance = "ecslocal.instance";

// Containers.
inline constexpr std::string_view task_arn = "ecslocal.task-arn";
inline constexpr std::string_view cluster = "ecslocal.cluster";
inline constexpr std::string_view container = "ecslocal.container";  // container name in the task
inline constexpr std::string_view role = "ecslocal.role";            // role_pause | role_container
inline constexpr std::string_view role_pause = "pause";
inline constexpr std::string_view role_container = "container";
inline constexpr std::string_view role_lock = "lock";  // the instance lock (runtime/task/instance_lock.hpp)
inline constexpr std::string_view role_pause_pool = "pause-pool";  // a warm pause container (runtime/task/pause_pool.hpp)
inline constexpr std::string_view role_endpoints = "endpoints";  // the task endpoints relay (runtime/task/endpoints_relay.hpp)
inline constexpr std::string_view endpoints_dir = "ecslocal.endpoints-dir";  // the host folder the relay mounts
inline constexpr std::string_view lock_holder = "ecslocal.lock-holder";  // "pid <n> on <host>"
inline constexpr std::string_view task_definition = "ecslocal.task-definition";
inline constexpr std::string_view service = "ecslocal.service";
inline constexpr std::string_view account = "ecslocal.account";
inline constexpr std::string_view region = "ecslocal.region";

// Networks (one per VPC) and the subnet a task's address came from.
inline constexpr std::string_view network = "ecslocal.network";
// On every network ecslocal makes, with value "true", instead of an instance label: a network
// is found by its name, so every ecslocal process on the daemon may use it (every default VPC
// is the one bridge ecslocal-default-vpc). Whoever sees it without containers may remove it.
inline constexpr std::string_view shared = "ecslocal.shared";
inline constexpr std::string_view shared_value = "true";
inline constexpr std::string_view vpc = "ecslocal.vpc";
inline constexpr std::string_view subnet = "ecslocal.subnet";

// Set by the Docker tests on everything they create, with a value unique to the run.
inline constexpr std::string_view test = "ecslocal.test";

// "key=value" as Docker's label filters take it.
inline std::string filter(std::string_view key, std::string_view value) {
  std::string out(key);
  out += '=';
  out += value;
  return out;
}

// The filter that selects everything ecslocal manages.
inline std::string managed_filter() { return filter(managed, managed_value); }

}  // namespace ecslocal::runtime::labels
