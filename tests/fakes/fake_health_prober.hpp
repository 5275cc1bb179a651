#pragma once
// A HealthProber for unit tests: answers each probe at once with the outcome set for its
// address:port (default: HTTP 200), or holds it until answer_held() when hold is on. Records
// every probe it was asked for.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/ports/target_groups.hpp"

namespace ecslocal::testing {

class FakeHealthProber : public api::HealthProber {
 public:
  void probe(const api::HealthProbe& probe, std::function<void(const api::ProbeOutcome&)> done) override {
    probes.push_back(probe);
    if (hold) {
      held.emplace_back(probe, std::move(done));
      return;
    }
    done(outcome_for(probe));
  }
  api::ProbeOutcome outcome_for(const api::HealthProbe& probe) const {
    auto it = outcomes.find(probe.address + ":" + std::to_string(probe.port));
    if (it != outcomes.end()) return it->second;
    return {api::ProbeOutcome::Kind::Response, 200, ""};
  }
  void set_status(const std::string& address_port, int status) {
    outcomes[address_port] = {api::ProbeOutcome::Kind::Response, status, ""};
  }
  void set_outcome(const std::string& address_port, api::ProbeOutcome::Kind kind) { outcomes[address_port] = {kind, 0, ""}; }
  void answer_held() {
    auto pending = std::move(held);
    held.clear();
    for (auto& [probe, done] : pending) done(outcome_for(probe));
  }

  bool hold = false;
  std::map<std::string, api::ProbeOutcome> outcomes;  // by "address:port"
  std::vector<api::HealthProbe> probes;
  std::vector<std::pair<api::HealthProbe, std::function<void(const api::ProbeOutcome&)>>> held;
};

}  // namespace ecslocal::testing
