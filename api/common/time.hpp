#pragma once
// Timestamps on the JSON wire are epoch seconds with a millisecond fraction.
#include <chrono>

namespace ecslocal::api {

inline double epoch_seconds(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace ecslocal::api
