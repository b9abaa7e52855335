// Fuzz target: read_image_header, which reads the pixel size an image file
// declares (PNG, JPEG, GIF, BMP, WebP) so that images too large to decode
// are refused before SDL2_image sees them, and a JPEG's EXIF orientation.
// Contract: no read outside the input (ASan), sizes are never negative,
// the orientation is 1..8, a format is named exactly when a size is read,
// and a prefix of the input gives either "unknown" or the same size,
// orientation and format as the whole input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "render/image.h"

using namespace paizi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const render::ImageHeader whole = render::read_image_header(in);
  if (whole.w < 0 || whole.h < 0 || whole.orientation < 1 || whole.orientation > 8) __builtin_trap();
  if ((whole.format == render::ImageFormat::unknown) != (whole.w == 0 && whole.h == 0)) __builtin_trap();
  for (size_t n = 0; n < size; n = n < 64 ? n + 1 : n * 2) {
    const render::ImageHeader part = render::read_image_header(in.substr(0, n));
    const bool unknown = part.w == 0 && part.h == 0;
    if (!unknown && (part.w != whole.w || part.h != whole.h || part.orientation != whole.orientation ||
                     part.format != whole.format))
      __builtin_trap();
  }
  return 0;
}
