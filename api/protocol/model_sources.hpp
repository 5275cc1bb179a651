#pragma once
// The compact AWS API models embedded at build time (see gen_model.py).
#include <string_view>
#include <vector>

namespace ecslocal::api::protocol {

struct ModelSource {
  std::string_view service;  // "ecs", "logs", ...
  std::string_view json;     // compact model document
};

const std::vector<ModelSource>& model_sources();

}  // namespace ecslocal::api::protocol
