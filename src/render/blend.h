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

// The weight crossfade_row uses for progress `p` in 0..1.
int crossfade_weight(float p);

}  // namespace paizi::render
