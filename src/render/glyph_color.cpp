#include "render/glyph_color.h"

#include <algorithm>
#include <cmath>

#include <ft2build.h>
#include FT_FREETYPE_H

namespace paizi::render {
namespace {

struct Tap {
  int i;    // source index
  float w;  // weight; a destination index's weights sum to 1
};

// Per destination index, the source indices and weights of one axis.
std::vector<std::vector<Tap>> axis_taps(int sn, int dn) {
  std::vector<std::vector<Tap>> taps(static_cast<size_t>(dn));
  const float r = static_cast<float>(sn) / static_cast<float>(dn);  // source px per destination px
  for (int d = 0; d < dn; ++d) {
    auto& t = taps[static_cast<size_t>(d)];
    if (r >= 1.f) {  // shrink: the area of source pixels under the destination pixel
      const float a = static_cast<float>(d) * r, b = std::min(static_cast<float>(sn), a + r);
      for (int i = static_cast<int>(a); i < sn && static_cast<float>(i) < b; ++i) {
        const float cover = std::min(b, static_cast<float>(i + 1)) - std::max(a, static_cast<float>(i));
        if (cover > 0) t.push_back({i, cover / r});
      }
    } else {  // enlarge: linear between the two nearest source pixel centres
      const float x = std::clamp((static_cast<float>(d) + 0.5f) * r - 0.5f, 0.f, static_cast<float>(sn - 1));
      const int i = static_cast<int>(x);
      const float f = x - static_cast<float>(i);
      t.push_back({i, 1.f - f});
      if (f > 0 && i + 1 < sn) t.push_back({i + 1, f});
    }
  }
  return taps;
}

uint8_t to_byte(float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.f, 255.f))); }

}  // namespace

std::vector<uint32_t> scale_bgra(const uint8_t* src, int sw, int sh, int pitch, int dw, int dh) {
  std::vector<uint32_t> out;
  if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0) return out;
  const auto xt = axis_taps(sw, dw), yt = axis_taps(sh, dh);
  // Horizontal pass into premultiplied float B, G, R, A; then vertical.
  std::vector<float> row(static_cast<size_t>(dw) * static_cast<size_t>(sh) * 4, 0.f);
  for (int y = 0; y < sh; ++y) {
    const uint8_t* s = src + static_cast<ptrdiff_t>(y) * pitch;
    float* r = &row[static_cast<size_t>(y) * static_cast<size_t>(dw) * 4];
    for (int x = 0; x < dw; ++x)
      for (const Tap& t : xt[static_cast<size_t>(x)])
        for (int c = 0; c < 4; ++c) r[x * 4 + c] += t.w * static_cast<float>(s[t.i * 4 + c]);
  }
  out.resize(static_cast<size_t>(dw) * static_cast<size_t>(dh));
  for (int y = 0; y < dh; ++y) {
    for (int x = 0; x < dw; ++x) {
      float px[4] = {0, 0, 0, 0};
      for (const Tap& t : yt[static_cast<size_t>(y)]) {
        const float* r =
            &row[(static_cast<size_t>(t.i) * static_cast<size_t>(dw) + static_cast<size_t>(x)) * 4];
        for (int c = 0; c < 4; ++c) px[c] += t.w * r[c];
      }
      // Premultiplied B, G, R, A -> straight ARGB.
      const float a = std::clamp(px[3], 0.f, 255.f);
      const float k = a > 0 ? 255.f / a : 0.f;
      out[static_cast<size_t>(y) * static_cast<size_t>(dw) + static_cast<size_t>(x)] =
          static_cast<uint32_t>(to_byte(a)) << 24 | static_cast<uint32_t>(to_byte(px[2] * k)) << 16 |
          static_cast<uint32_t>(to_byte(px[1] * k)) << 8 | to_byte(px[0] * k);
    }
  }
  return out;
}

bool render_color_glyph(const text::Face& face, uint32_t gid, float size_px, ColorGlyph& out) {
  FT_Face ft = face.ft();
  if (!ft || face.strike() < 0 || FT_Select_Size(ft, face.strike()) != 0 ||
      FT_Load_Glyph(ft, gid, FT_LOAD_COLOR) != 0)
    return false;
  const FT_Bitmap& bm = ft->glyph->bitmap;
  const int sw = static_cast<int>(bm.width), sh = static_cast<int>(bm.rows);
  if (bm.pixel_mode != FT_PIXEL_MODE_BGRA || bm.pitch < sw * 4) return false;  // top-down rows only
  const float s = face.strike_scale(size_px);
  out = ColorGlyph{};
  if (sw == 0 || sh == 0) return true;  // no ink
  // The box is scaled from its top-left corner, so that neighbouring emoji
  // keep their spacing: edges land on whole pixels, which the atlas draws at.
  const float l = static_cast<float>(ft->glyph->bitmap_left) * s,
              t = static_cast<float>(ft->glyph->bitmap_top) * s;
  out.left = static_cast<int>(std::lround(l));
  out.top = static_cast<int>(std::lround(t));
  out.w = std::max(1, static_cast<int>(std::lround(static_cast<float>(sw) * s)));
  out.h = std::max(1, static_cast<int>(std::lround(static_cast<float>(sh) * s)));
  out.argb = scale_bgra(bm.buffer, sw, sh, bm.pitch, out.w, out.h);
  return true;
}

}  // namespace paizi::render
