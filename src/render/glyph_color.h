// Colour glyphs for the glyph atlas: a colour bitmap face's strike (CBDT,
// e.g. Noto Color Emoji's 109 px strike, BGRA premultiplied) scaled to the
// layout's size. Scaling filters premultiplied colour, so edges do not go
// dark; the result is converted to straight alpha because that is what
// SDL_BLENDMODE_BLEND, the one blend mode every SDL renderer (the software
// one included) supports, composites.
//
// Pure functions of their inputs, except that they set the face's size and
// load a glyph (a Face is not thread-safe).
#pragma once

#include <cstdint>
#include <vector>

#include "text/fonts.h"

namespace paizi::render {

struct ColorGlyph {
  int w = 0, h = 0;       // px
  int left = 0, top = 0;  // bitmap offset from the pen: right of it, above the baseline, px
  // w*h pixels, rows top down, SDL_PIXELFORMAT_ARGB8888 values (0xAARRGGBB),
  // straight (not premultiplied) alpha.
  std::vector<uint32_t> argb;
};

// Loads glyph `gid` of a colour bitmap face (Face::color_bitmap()) from its
// strike and scales it so that the face's em box is `size_px` tall
// (Face::strike_scale). False when the glyph has no colour bitmap.
bool render_color_glyph(const text::Face& face, uint32_t gid, float size_px, ColorGlyph& out);

// Resamples premultiplied 8-bit BGRA (FreeType's FT_PIXEL_MODE_BGRA; `pitch`
// bytes per row) of sw x sh to dw x dh: area average when shrinking,
// bilinear when enlarging. Returns straight-alpha ARGB8888 values.
std::vector<uint32_t> scale_bgra(const uint8_t* src, int sw, int sh, int pitch, int dw, int dh);

}  // namespace paizi::render
