#pragma once
// Id source seam: random in production, seeded (deterministic) in tests.
#include <cstdint>
#include <memory>
#include <random>
#include <string>

namespace ecslocal::api {

class IdSource {
 public:
  explicit IdSource(uint64_t seed = std::random_device{}()) : rng_(seed) {}
  std::string hex(size_t digits);  // lowercase hex, e.g. 32 for task ids
  std::string uuid();              // RFC 4122 version 4 text form

 private:
  std::mt19937_64 rng_;
};

}  // namespace ecslocal::api
