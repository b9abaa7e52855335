// Fuzz target: the picture decoders paizi runs on downloaded files itself,
// before SDL2_image would: decode_png (libpng, its rows halved as they are
// decoded, a cascade of held rows) and decode_jpeg (libjpeg-turbo, scaled in
// its DCT). Input: one option byte (its low two bits the PNG's halvings, the
// rest the JPEG's cover box), then the file.
// Contract: no read or write outside a buffer (ASan), no leak; a decoded
// PNG has the size its header declares, halved `halvings` times (the size
// load_texture plans with); a decoded JPEG is no larger than its header
// says; a file not decoded says why, unless it is one handed to SDL_image
// (an interlaced PNG).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "render/image.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 262144) return 0;
  fuzz::Input in(data, size);
  const uint8_t option = in.byte();
  const std::string_view file = in.rest();
  const render::ImageHeader header = render::read_image_header(file);
  // Sizes load_texture would refuse, or too slow to fuzz, are not decoded.
  if (header.w <= 0 || header.h <= 0 || header.w > 65536 || header.h > 65536 ||
      header.w * header.h > 4'000'000)
    return 0;
  std::string err;
  if (header.format == render::ImageFormat::png) {
    const int halvings = option & 3;
    const render::SurfacePtr s = render::decode_png(file, halvings, err);
    int64_t w = header.w, h = header.h;
    for (int i = 0; i < halvings; ++i) {
      w = std::max<int64_t>(1, w / 2);
      h = std::max<int64_t>(1, h / 2);
    }
    if (s && (s->w != w || s->h != h)) __builtin_trap();
    (void)err;  // an interlaced PNG: null and no reason (SDL_image's)
  } else if (header.format == render::ImageFormat::jpeg) {
    const int cover = 1 + 16 * (option >> 2);
    const render::SurfacePtr s = render::decode_jpeg(file, cover, cover, err);
    if (s && (s->w > header.w || s->h > header.h) && header.orientation < 5) __builtin_trap();
    if (!s && err.empty()) __builtin_trap();  // every JPEG not decoded says why
  }
  return 0;
}
