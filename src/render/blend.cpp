#include "render/blend.h"

#include <algorithm>
#include <cmath>

namespace paizi::render {

// Written per byte so that the compiler vectorises it (16-bit lanes); this
// file is compiled with -O3 (src/render/CMakeLists.txt).
void crossfade_row(const uint32_t* a, const uint32_t* b, uint32_t* out, size_t n, int t256) {
  const auto* __restrict pa = reinterpret_cast<const uint8_t*>(a);
  const auto* __restrict pb = reinterpret_cast<const uint8_t*>(b);
  auto* __restrict po = reinterpret_cast<uint8_t*>(out);
  const int t = std::clamp(t256, 0, 256);
  const size_t bytes = n * 4;
  for (size_t i = 0; i < bytes; ++i) {
    // Rounds towards a; never leaves the range between a and b.
    const int d = (static_cast<int>(pb[i]) - static_cast<int>(pa[i])) * t;
    po[i] = static_cast<uint8_t>(static_cast<int>(pa[i]) + (d >> 8));
  }
}

int crossfade_weight(float p) { return static_cast<int>(std::lround(std::clamp(p, 0.f, 1.f) * 256.f)); }

}  // namespace paizi::render
