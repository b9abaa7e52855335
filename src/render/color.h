// A colour as the painter draws it: 8-bit sRGB with straight alpha. The
// playlist model names its colours with this type (content/playlist.h).
#pragma once

#include <cstdint>

namespace paizi::render {

struct Color {
  uint8_t r = 0, g = 0, b = 0, a = 255;
};

}  // namespace paizi::render
