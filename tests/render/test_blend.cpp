// The crossfade loop used by the player on software canvases.
#include <vector>

#include <catch2/catch.hpp>

#include "render/blend.h"
#include "render/glyph_color.h"

using namespace paizi;

TEST_CASE("crossfade_row mixes every byte by the weight and keeps the ends exact") {
  // Odd length, so a vectorised loop's remainder is exercised too.
  const size_t n = 37;
  std::vector<uint32_t> a(n), b(n), out(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = 0xFF000000u | static_cast<uint32_t>(i * 7) << 16 | 0x00FF00u | static_cast<uint32_t>(255 - i);
    b[i] = 0xFF000000u | 0xC80000u | static_cast<uint32_t>(i * 3) << 8 | static_cast<uint32_t>(i);
  }
  for (int t : {0, 1, 64, 128, 200, 255, 256}) {
    render::crossfade_row(a.data(), b.data(), out.data(), n, t);
    for (size_t i = 0; i < n; ++i)
      for (int s = 0; s < 32; s += 8) {
        const int ca = static_cast<int>(a[i] >> s & 0xFF), cb = static_cast<int>(b[i] >> s & 0xFF);
        const int co = static_cast<int>(out[i] >> s & 0xFF);
        const double want = ca + (cb - ca) * t / 256.0;
        INFO("t " << t << " pixel " << i << " shift " << s << ": " << ca << " -> " << cb << " got " << co);
        CHECK(co >= std::min(ca, cb));
        CHECK(co <= std::max(ca, cb));
        CHECK(std::abs(co - want) < 1.0);
      }
    if (t == 0) CHECK(out == a);
    if (t == 256) CHECK(out == b);
  }
}

TEST_CASE("crossfade_weight maps progress to 0..256") {
  CHECK(render::crossfade_weight(0.f) == 0);
  CHECK(render::crossfade_weight(0.5f) == 128);
  CHECK(render::crossfade_weight(1.f) == 256);
  CHECK(render::crossfade_weight(-1.f) == 0);
  CHECK(render::crossfade_weight(2.f) == 256);
}

TEST_CASE(
    "colour glyph scaling averages premultiplied colour: an emoji's edge stays its colour, not darker") {
  // FreeType BGRA, premultiplied: opaque red beside transparent, to one pixel.
  const uint8_t src[8] = {0, 0, 255, 255, 0, 0, 0, 0};
  const auto half = render::scale_bgra(src, 2, 1, 8, 1, 1);
  REQUIRE(half.size() == 1);
  CHECK((half[0] >> 24) == 128);           // half covered
  CHECK(((half[0] >> 16) & 0xFF) == 255);  // still full red (straight alpha)
  CHECK((half[0] & 0xFFFF) == 0);
  // Enlarging keeps the colours too, and the size asked for.
  const auto big = render::scale_bgra(src, 2, 1, 8, 8, 4);
  REQUIRE(big.size() == 32);
  CHECK(big[0] == 0xFFFF0000u);
  CHECK((big[7] >> 24) == 0);
}
