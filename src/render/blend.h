// Pixel loops for the software renderer's transitions: the player blends two
// pre-rendered slides straight into the canvas instead of asking SDL's
// software blitter for an alpha-modulated copy (a scalar per-pixel path).
//
// Pure functions on 32-bit pixels (any byte order: every byte is a channel,
// all four are treated alike). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace paizi::render {

// out = a + ((b - a) * t256 >> 8) in every byte of every pixel, for `n`
// pixels; `t256` is the weight of `b` in 0..256 (0: out = a, 256: out = b).
// `out` may alias neither `a` nor `b`.
void crossfade_row(const uint32_t* a, const uint32_t* b, uint32_t* out, size_t n, int t256);

// a = a + ((b - a) * t256 >> 8) in place: crossfade_row with `out` = `a`.
void crossfade_row_inplace(uint32_t* a, const uint32_t* b, size_t n, int t256);

// The weight crossfade_row uses for progress `p` in 0..1.
int crossfade_weight(float p);

// Text on the software canvas: glyph coverage `cov` (0..255, one byte a
// pixel, `n` pixels) in colour (r, g, b) at opacity `a`, blended over
// ARGB8888 pixels `dst` (the alpha byte blended like the others). The
// arithmetic is that of SDL's own modulated blend of a white glyph whose
// alpha is its coverage (SDL_blit_auto.c: colour and alpha modulated, then
// blended, each step an integer division by 255), so text drawn here and
// text drawn through the renderer agree: exactly for coloured text, within
// two units for white text (SDL takes its per-pixel-alpha blitter for it,
// which approximates the division; tests/render/test_blend.cpp).
void blend_coverage_row(uint32_t* dst, const uint8_t* cov, size_t n, uint8_t r, uint8_t g, uint8_t b,
                        uint8_t a);

}  // namespace paizi::render
