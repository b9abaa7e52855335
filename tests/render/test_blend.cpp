// The crossfade loop used by the player on software canvases.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include <SDL.h>
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

namespace {

// What SDL's software blitter makes of a white glyph whose alpha is its
// coverage, colour- and alpha-modulated and blended over `dst` (the
// renderer's own text path), next to blend_coverage_row on the same pixels.
void compare_with_sdl(uint8_t r, uint8_t g, uint8_t b, uint8_t a, int& worst, size_t& differ) {
  const int n = 256;
  SDL_Surface* src = SDL_CreateRGBSurfaceWithFormat(0, n, 4, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Surface* dst = SDL_CreateRGBSurfaceWithFormat(0, n, 4, 32, SDL_PIXELFORMAT_ARGB8888);
  REQUIRE(src);
  REQUIRE(dst);
  std::vector<uint8_t> cov(static_cast<size_t>(n) * 4);
  std::vector<uint32_t> mine(static_cast<size_t>(n) * 4);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < n; ++x) {
      const size_t i = static_cast<size_t>(y * n + x);
      cov[i] = static_cast<uint8_t>(x);  // every coverage value
      static_cast<uint32_t*>(src->pixels)[y * src->pitch / 4 + x] =
          static_cast<uint32_t>(x) << 24 | 0xFFFFFFu;
      // Backgrounds: dark, light, saturated, half transparent.
      const uint32_t bg[4] = {0xFF141828u, 0xFFF4F0E6u, 0xFFB01C2Eu ^ static_cast<uint32_t>(x),
                              0x80406080u + static_cast<uint32_t>(x)};
      static_cast<uint32_t*>(dst->pixels)[y * dst->pitch / 4 + x] = bg[y];
      mine[i] = bg[y];
    }
  SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_BLEND);
  SDL_SetSurfaceColorMod(src, r, g, b);
  SDL_SetSurfaceAlphaMod(src, a);
  REQUIRE(SDL_BlitSurface(src, nullptr, dst, nullptr) == 0);
  for (int y = 0; y < 4; ++y)
    render::blend_coverage_row(mine.data() + y * n, cov.data() + y * n, static_cast<size_t>(n), r, g, b, a);
  worst = 0;
  differ = 0;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < n; ++x) {
      const uint32_t s = static_cast<const uint32_t*>(dst->pixels)[y * dst->pitch / 4 + x];
      const uint32_t m = mine[static_cast<size_t>(y * n + x)];
      differ += s != m;
      for (int sh = 0; sh < 32; sh += 8)
        worst =
            std::max(worst, std::abs(static_cast<int>(s >> sh & 0xFF) - static_cast<int>(m >> sh & 0xFF)));
    }
  SDL_FreeSurface(src);
  SDL_FreeSurface(dst);
}

}  // namespace

TEST_CASE("text blended from coverage agrees with SDL's blitter of a white glyph") {
  int worst = 0;
  size_t differ = 0;
  // Coloured text: SDL's modulated blend, the same integer steps: identical.
  compare_with_sdl(200, 30, 60, 255, worst, differ);
  CHECK(differ == 0);
  compare_with_sdl(240, 200, 120, 180, worst, differ);  // and at partial opacity
  CHECK(differ == 0);
  compare_with_sdl(0, 0, 0, 255, worst, differ);
  CHECK(differ == 0);
  // White text: SDL takes its per-pixel-alpha blitter instead (on x86-64
  // its MMX loop, which divides by 256 where the modulated one divides by
  // 255): within two units (seen: 2).
  compare_with_sdl(255, 255, 255, 255, worst, differ);
  INFO("white text: " << differ << " pixels differ, by at most " << worst);
  CHECK(worst <= 2);
}
