// Test support: one-colour PNGs and counting their pixels in screenshots
// (SDL_image loads the PNGs paizi writes).
#pragma once

#include <SDL_image.h>
#include <catch2/catch.hpp>

#include "../feeds/feeds_test_support.h"
#include "platform/atomic_file.h"
#include "render/image.h"

namespace pl_test {

// A w x h PNG of one colour.
inline std::string png_bytes(const feeds_test::TempDir& tmp, uint8_t r, uint8_t g, uint8_t b, int w = 64,
                             int h = 48) {
  paizi::render::SurfacePtr s(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32));
  REQUIRE(s);
  SDL_FillRect(s.get(), nullptr, SDL_MapRGBA(s->format, r, g, b, 255));
  std::string err, bytes;
  const std::string path = tmp.path() + "/pic.png";
  REQUIRE(paizi::render::write_png(s.get(), path, err));
  REQUIRE(paizi::platform::read_whole_file(path, bytes));
  return bytes;
}

// Pixels of a PNG close to pure red (channel 0) or pure blue (channel 2).
inline size_t red_pixels(const std::string& png, int channel = 0) {
  paizi::render::SurfacePtr raw(IMG_Load(png.c_str()));
  if (!raw) return 0;
  paizi::render::SurfacePtr s(SDL_ConvertSurfaceFormat(raw.get(), SDL_PIXELFORMAT_RGBA32, 0));
  size_t n = 0;
  for (int y = 0; y < s->h; ++y) {
    const auto* row = static_cast<const uint8_t*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch;
    for (int x = 0; x < s->w; ++x) {
      const uint8_t* p = row + 4 * x;
      n += p[channel] > 200 && p[1] < 40 && p[2 - channel] < 40;
    }
  }
  return n;
}

}  // namespace pl_test
