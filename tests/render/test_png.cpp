// write_png: paizi's own PNG writer (bands deflated in parallel, joined into
// one zlib stream). Read back with SDL2_image (libpng), every pixel must be
// the one written.
#include <cstdio>
#include <random>
#include <string>

#include <SDL_image.h>
#include <catch2/catch.hpp>

#include "render/image.h"

using namespace paizi;

namespace {

render::SurfacePtr noise(int w, int h, Uint32 fmt, bool opaque, unsigned seed) {
  render::SurfacePtr s(SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, fmt));
  REQUIRE(s);
  std::mt19937 rng(seed);
  for (int y = 0; y < h; ++y) {
    // Rows of a 32-bit surface are 4-byte aligned (through void*: -Wcast-align on armhf).
    auto* row = static_cast<Uint32*>(
        static_cast<void*>(static_cast<unsigned char*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch));
    for (int x = 0; x < w; ++x) {
      // Runs of one colour (as on a slide) mixed with noise (as in text).
      const Uint32 v = (x / 7 + y / 5) % 3 == 0 ? 0x123456u * static_cast<Uint32>(y % 9) : rng();
      row[x] = opaque ? (v | s->format->Amask) : v;
    }
  }
  return s;
}

void round_trip(int w, int h, Uint32 fmt, bool opaque) {
  INFO(w << "x" << h << " " << SDL_GetPixelFormatName(fmt) << (opaque ? " opaque" : " with alpha"));
  const auto src = noise(w, h, fmt, opaque, static_cast<unsigned>(w * 31 + h));
  const std::string path = "test_png_" + std::to_string(w) + "x" + std::to_string(h) + ".png";
  std::string err;
  REQUIRE(render::write_png(src.get(), path, err));
  CHECK(err.empty());
  render::SurfacePtr back(IMG_Load(path.c_str()));
  REQUIRE(back);
  // An opaque frame is written as RGB (24 bits), otherwise RGBA.
  CHECK(back->format->BytesPerPixel == (opaque ? 3 : 4));
  render::SurfacePtr conv(SDL_ConvertSurfaceFormat(back.get(), fmt, 0));
  REQUIRE(conv);
  REQUIRE(conv->w == w);
  REQUIRE(conv->h == h);
  size_t bad = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const auto at = [&](const SDL_Surface* s) {
        const void* row = static_cast<const unsigned char*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch;
        return static_cast<const Uint32*>(row)[x];
      };
      bad += at(src.get()) != at(conv.get());
    }
  CHECK(bad == 0);
  std::remove(path.c_str());
}

}  // namespace

TEST_CASE("write_png writes every pixel exactly, whatever the size and format") {
  for (Uint32 fmt : {SDL_PIXELFORMAT_ARGB8888, SDL_PIXELFORMAT_RGBA32})
    for (bool opaque : {true, false}) {
      round_trip(1, 1, fmt, opaque);
      round_trip(3, 70, fmt, opaque);     // two bands of odd heights
      round_trip(333, 517, fmt, opaque);  // several bands
      round_trip(1920, 1080, fmt, opaque);
    }
}

TEST_CASE("write_png fails with a reason, and leaves no file, when it cannot write") {
  const auto src = noise(8, 8, SDL_PIXELFORMAT_ARGB8888, true, 1);
  std::string err;
  CHECK_FALSE(render::write_png(src.get(), "/nonexistent-dir/x.png", err));
  CHECK(err.find("/nonexistent-dir/x.png") != std::string::npos);
  render::SurfacePtr rgb(SDL_CreateRGBSurfaceWithFormat(0, 4, 4, 24, SDL_PIXELFORMAT_RGB24));
  err.clear();
  CHECK_FALSE(render::write_png(rgb.get(), "unsupported.png", err));
  CHECK(err.find("unsupported pixel format") != std::string::npos);
  CHECK(std::fopen("unsupported.png", "rb") == nullptr);
}
