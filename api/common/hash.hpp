#pragma once
// FNV-1a over bytes, 64 bits: the stable (not secure) hash behind ids and names derived from a
// seed (VPC resource ids, container endpoint ids, Service Connect container names).
#include <cstdint>
#include <string_view>

namespace ecslocal::api {

inline constexpr std::uint64_t kFnv64Basis = 0xcbf29ce484222325ull;

// `basis`: FNV's offset basis, or another one to draw a second, independent value from a seed.
inline std::uint64_t fnv1a64(std::string_view text, std::uint64_t basis = kFnv64Basis) {
  std::uint64_t hash = basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace ecslocal::api
