#include "api/common/ids.hpp"

namespace ecslocal::api {

std::string IdSource::hex(size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  while (out.size() < digits) {
    uint64_t r = rng_();
    for (int i = 0; i < 16 && out.size() < digits; ++i, r >>= 4) out.push_back(kHex[r & 0xf]);
  }
  return out;
}

std::string IdSource::uuid() {
  std::string h = hex(32);
  h[12] = '4';
  h[16] = "89ab"[static_cast<unsigned char>(h[16]) % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace ecslocal::api
