#pragma once
// A Service for gateway tests: a hand-made operation table on a real model, with a lifecycle that
// only counts what the gateway asked of it.
#include <string>

#include "api/service.hpp"

namespace ecslocal::testing {

class FakeService : public api::Service {
 public:
  const api::OperationTable& operations() const override { return table; }
  api::Json snapshot() const override { return api::Json::object(); }
  void restore(const api::Json&) override { ++restores; }
  api::Json state_view(const api::StateViewQuery&) const override { return api::Json::array(); }
  void on_reset() override { ++resets; }
  api::OperationTable table;
  int resets = 0, restores = 0;
};

}  // namespace ecslocal::testing
