#pragma once
// What the app hands every service when it builds them from the service list (api/services.cpp):
// the shared id source and clock, the one VPC state (api/vpc, owned here, reset by EC2), the
// port registry, and the settings that come from flags.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/common/clock.hpp"
#include "api/common/ids.hpp"
#include "api/common/timer_queue.hpp"
#include "api/ports/ports.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api {

struct ServiceSettings {
  std::chrono::seconds task_retention{3600};  // how long STOPPED tasks stay describable
  int breaker_minimum = 3;                    // deployment circuit breaker threshold floor
  std::chrono::seconds healthy_after{3};      // a RUNNING service task without checks is healthy after this
  std::string instance = "default";           // this ecslocal's name on the Docker daemon
};

struct Platform {
  std::shared_ptr<IdSource> ids = std::make_shared<IdSource>();
  // The virtual clock every AWS-level timer reads (real time unless --time-scale or manual).
  std::shared_ptr<VirtualClock> virtual_clock = std::make_shared<VirtualClock>(VirtualClock::real());
  std::function<Clock::time_point()> clock = [c = virtual_clock] { return c->now(); };
  // Timers on that clock (provided to the services as the Timers port; the app arms and runs them).
  TimerQueue timers;
  std::shared_ptr<vpc::VpcRegistry> networks;  // made by make_services when null
  ServiceSettings settings;
  Ports ports;
};

using ServiceFactory = std::shared_ptr<Service> (*)(Platform& platform);

struct ServiceEntry {
  const char* name;
  ServiceFactory make;
};

// Every service ecslocal serves, in the order the gateway tries them (one line each).
const std::vector<ServiceEntry>& service_list();

// Builds every service of the list on `platform` (not yet wired: Gateway::connect does that) and
// registers the platform's own ports (Timers).
std::vector<std::shared_ptr<Service>> make_services(Platform& platform);

}  // namespace ecslocal::api
