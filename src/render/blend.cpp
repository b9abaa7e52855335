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

void crossfade_row_inplace(uint32_t* a, const uint32_t* b, size_t n, int t256) {
  auto* __restrict pa = reinterpret_cast<uint8_t*>(a);
  const auto* __restrict pb = reinterpret_cast<const uint8_t*>(b);
  const int t = std::clamp(t256, 0, 256);
  const size_t bytes = n * 4;
  for (size_t i = 0; i < bytes; ++i) {
    const int d = (static_cast<int>(pb[i]) - static_cast<int>(pa[i])) * t;
    pa[i] = static_cast<uint8_t>(static_cast<int>(pa[i]) + (d >> 8));
  }
}

void blend_coverage_row(uint32_t* dst, const uint8_t* cov, size_t n, uint8_t r, uint8_t g, uint8_t b,
                        uint8_t a) {
  const uint32_t cr = r, cg = g, cb = b, ca = a;
  const uint32_t solid = 0xFF000000u | cr << 16 | cg << 8 | cb;
  for (size_t i = 0; i < n; ++i) {
    if (cov[i] == 0) continue;
    const uint32_t sa = ca == 255 ? cov[i] : cov[i] * ca / 255;
    if (sa == 255) {
      dst[i] = solid;
      continue;
    }
    if (sa == 0) continue;
    const uint32_t d = dst[i], keep = 255 - sa;
    const uint32_t dr = d >> 16 & 0xFF, dg = d >> 8 & 0xFF, db = d & 0xFF, da = d >> 24;
    dst[i] = (sa + keep * da / 255) << 24 | (cr * sa / 255 + keep * dr / 255) << 16 |
             (cg * sa / 255 + keep * dg / 255) << 8 | (cb * sa / 255 + keep * db / 255);
  }
}

int crossfade_weight(float p) { return static_cast<int>(std::lround(std::clamp(p, 0.f, 1.f) * 256.f)); }

}  // namespace paizi::render
