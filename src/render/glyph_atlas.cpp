#include "render/glyph_atlas.h"

#include <algorithm>
#include <cmath>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include "render/glyph_color.h"

namespace paizi::render {
namespace {

constexpr int kSubpixels = 4;  // quarter-pixel horizontal positions
constexpr int kPad = 1;        // px between glyphs in a page
// Side of the pages made first, px (when the configured page is larger): a
// page's texture is allocated and zeroed whole (SDL clears a new surface),
// so a slide whose glyphs fill 1.2 MB holds 4 MB in one 1024 px page and
// 2 MB in two 512 px ones. A glyph too big for a small page
// gets a page of the configured side (docs/bench-corpus.md).
constexpr int kSmallPage = 512;

size_t page_bytes(int side) { return static_cast<size_t>(side) * static_cast<size_t>(side) * 4; }

float srgb_to_linear(uint8_t v) {
  const float c = static_cast<float>(v) / 255.f;
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

}  // namespace

float Rgba::luminance() const {
  return 0.2126f * srgb_to_linear(r) + 0.7152f * srgb_to_linear(g) + 0.0722f * srgb_to_linear(b);
}

size_t GlyphAtlas::KeyHash::operator()(const Key& k) const {
  uint64_t h = (static_cast<uint64_t>(k.face) << 40) ^ (static_cast<uint64_t>(k.gid) << 16) ^
               (static_cast<uint64_t>(k.size64) * 0x9E3779B97F4A7C15ull) ^
               (static_cast<uint64_t>(k.subpixel) << 4) ^ (static_cast<uint64_t>(k.rotated) << 7) ^
               (static_cast<uint64_t>(k.light) << 9);
  h ^= h >> 29;
  return static_cast<size_t>(h * 0xBF58476D1CE4E5B9ull);
}

GlyphAtlas::GlyphAtlas(SDL_Renderer* renderer, size_t budget_bytes, int page_size)
    : renderer_(renderer), page_size_(page_size) {
  budget_ = std::max(budget_bytes, page_bytes(page_size));
  stats_.budget = budget_;
  // Blending happens in sRGB space; these curves approximate blending in
  // linear light (text on a darker background gets heavier coverage, text on
  // a lighter background lighter), tempered (gamma 1.8 / 1.4) so strokes
  // neither bloat nor vanish at small sizes.
  for (int i = 0; i < 256; ++i) {
    const float a = static_cast<float>(i) / 255.f;
    lut_light_[i] = static_cast<uint8_t>(std::lround(255.f * std::pow(a, 1.f / 1.8f)));
    lut_dark_[i] = static_cast<uint8_t>(std::lround(255.f * (1.f - std::pow(1.f - a, 1.f / 1.4f))));
  }
}

GlyphAtlas::~GlyphAtlas() { clear(); }

void GlyphAtlas::clear() {
  pages_.clear();  // their textures with them
  entries_.clear();
  stats_.bytes = 0;
  stats_.glyphs = 0;
}

bool GlyphAtlas::place_in(Page& p, int w, int h, SDL_Rect& rect) const {
  // Shelf packing; the current shelf is always the lowest, so it may grow.
  if (p.cursor_x + w > p.side) {
    p.shelf_y += p.shelf_h + kPad;
    p.shelf_h = 0;
    p.cursor_x = 0;
  }
  if (p.shelf_y + h > p.side || w > p.side) return false;
  rect = SDL_Rect{p.cursor_x, p.shelf_y, w, h};
  p.cursor_x += w + kPad;
  p.shelf_h = std::max(p.shelf_h, h);
  return true;
}

void GlyphAtlas::evict(int page) {
  Page& p = pages_[static_cast<size_t>(page)];
  for (const Key& k : p.keys) {
    entries_.erase(k);
    ++stats_.evictions;
  }
  stats_.glyphs = entries_.size();
  p.keys.clear();
  p.shelf_y = p.shelf_h = p.cursor_x = 0;
}

bool GlyphAtlas::allocate(int w, int h, int& page, SDL_Rect& rect) {
  if (w + kPad > page_size_ || h + kPad > page_size_) return false;
  for (size_t i = pages_.size(); i-- > 0;) {
    if (place_in(pages_[i], w, h, rect)) {
      page = static_cast<int>(i);
      return true;
    }
  }
  // Small pages first; a glyph that does not fit one gets a full-size page.
  const int side = w + kPad > std::min(page_size_, kSmallPage) || h + kPad > std::min(page_size_, kSmallPage)
                       ? page_size_
                       : std::min(page_size_, kSmallPage);
  if (stats_.bytes + page_bytes(side) <= budget_) {
    TexturePtr tex(
        SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, side, side));
    if (tex) {
      SDL_SetTextureBlendMode(tex.get(), SDL_BLENDMODE_BLEND);
      pages_.push_back(Page{std::move(tex), side, 0, 0, 0, frame_, {}});
      stats_.bytes += page_bytes(side);
      page = static_cast<int>(pages_.size() - 1);
      return place_in(pages_.back(), w, h, rect);
    }
  }
  if (pages_.empty()) return false;
  // Budget reached: clear the least recently used page and reuse it.
  size_t lru = 0;
  for (size_t i = 1; i < pages_.size(); ++i)
    if (pages_[i].last_used < pages_[lru].last_used) lru = i;
  if (pages_[lru].last_used == frame_ && overflowed_frame_ != frame_) {
    overflowed_frame_ = frame_;
    ++stats_.overflow_frames;
  }
  evict(static_cast<int>(lru));
  page = static_cast<int>(lru);
  Page& p = pages_[lru];
  if (p.side < side) {  // a small page cleared for a big glyph: it becomes a full-size page
    TexturePtr tex(
        SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, side, side));
    if (!tex) return false;
    SDL_SetTextureBlendMode(tex.get(), SDL_BLENDMODE_BLEND);
    stats_.bytes += page_bytes(side) - page_bytes(p.side);
    p.tex = std::move(tex);  // the small page's texture is destroyed
    p.side = side;
  }
  return place_in(p, w, h, rect);
}

bool GlyphAtlas::store(const Key& key, const uint32_t* argb, int w, int h, Entry& e) {
  if (!allocate(w, h, e.page, e.rect)) return false;
  Page& p = pages_[static_cast<size_t>(e.page)];
  SDL_UpdateTexture(p.tex.get(), &e.rect, argb, w * 4);
  p.keys.push_back(key);
  p.last_used = frame_;
  return true;
}

const GlyphAtlas::Entry* GlyphAtlas::lookup(const text::PositionedGlyph& g, int subpixel, bool light) {
  const Key key{g.face->id(),
                g.gid,
                static_cast<uint32_t>(std::lround(g.size * 64.f)),
                static_cast<uint8_t>(subpixel),
                static_cast<uint8_t>(g.rotated),
                static_cast<uint8_t>(light)};
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++stats_.hits;
    if (it->second.page >= 0) pages_[static_cast<size_t>(it->second.page)].last_used = frame_;
    return &it->second;
  }
  ++stats_.misses;
  Entry e;
  if (g.face->color_bitmap()) {
    ColorGlyph cg;
    if (!render_color_glyph(*g.face, g.gid, g.size, cg)) return nullptr;
    e.left = cg.left;
    e.top = cg.top;
    e.color = true;
    if (cg.w == 0 || cg.h == 0)
      e.empty = true;
    else if (!store(key, cg.argb.data(), cg.w, cg.h, e))
      return nullptr;
  } else {
    FT_Face ft = g.face->ft();
    if (FT_Set_Char_Size(ft, 0, key.size64, 72, 72) != 0 ||
        FT_Load_Glyph(ft, g.gid, FT_LOAD_NO_BITMAP | FT_LOAD_TARGET_LIGHT) != 0 ||
        ft->glyph->format != FT_GLYPH_FORMAT_OUTLINE)
      return nullptr;
    FT_Outline* outline = &ft->glyph->outline;
    if (g.rotated) {
      // Sideways in vertical text: 90 degrees clockwise on screen.
      FT_Matrix m{0, 0x10000, -0x10000, 0};
      FT_Outline_Transform(outline, &m);
    }
    FT_Outline_Translate(outline, FT_Pos{subpixel} * (64 / kSubpixels), 0);
    if (FT_Render_Glyph(ft->glyph, FT_RENDER_MODE_NORMAL) != 0) return nullptr;
    const FT_Bitmap& bm = ft->glyph->bitmap;
    e.left = ft->glyph->bitmap_left;
    e.top = ft->glyph->bitmap_top;
    const int w = static_cast<int>(bm.width), h = static_cast<int>(bm.rows);
    if (w == 0 || h == 0) {
      e.empty = true;
    } else {
      const uint8_t* lut = light ? lut_light_ : lut_dark_;
      scratch_.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
      for (int y = 0; y < h; ++y) {
        const uint8_t* row = bm.buffer + static_cast<ptrdiff_t>(y) * bm.pitch;
        for (int x = 0; x < w; ++x)
          scratch_[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)] =
              (static_cast<uint32_t>(lut[row[x]]) << 24) | 0xFFFFFFu;
      }
      if (!store(key, scratch_.data(), w, h, e)) return nullptr;
    }
  }
  const Entry* stored = &entries_.emplace(key, e).first->second;
  stats_.glyphs = entries_.size();
  return stored;
}

void GlyphAtlas::draw(const text::TextLayout& layout, size_t begin, size_t end, float ox, float oy,
                      Rgba color, Rgba background) {
  const bool light = color.luminance() >= background.luminance();
  end = std::min(end, layout.glyphs.size());
  for (size_t i = begin; i < end; ++i) {
    const text::PositionedGlyph& g = layout.glyphs[i];
    if (!g.face) continue;
    const float x = ox + g.x, y = oy + g.y;
    if (g.missing) {
      // The visible missing-glyph box (counted in layout.missing_glyphs).
      const float em = g.size;
      SDL_FRect r{x + em * 0.1f, y - em * 0.78f, em * 0.8f, em * 0.86f};
      SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
      SDL_SetRenderDrawColor(renderer_, color.r, color.g, color.b, color.a);
      SDL_RenderDrawRectF(renderer_, &r);
      continue;
    }
    // Baseline snapped to whole pixels; x kept at quarter-pixel precision.
    const float fx = std::floor(x);
    int sub = static_cast<int>(std::lround((x - fx) * kSubpixels));
    int ix = static_cast<int>(fx);
    if (sub == kSubpixels) {
      sub = 0;
      ++ix;
    }
    const bool own_colors = g.face->color_bitmap();
    if (g.rotated || own_colors) sub = 0;
    const int iy = static_cast<int>(std::lround(y));
    // One entry per colour glyph and size, whatever the text's contrast.
    const Entry* e = lookup(g, sub, light && !own_colors);
    if (!e) {
      ++stats_.failed;
      continue;
    }
    if (e->empty) continue;
    SDL_Texture* tex = pages_[static_cast<size_t>(e->page)].tex.get();
    if (e->color)
      SDL_SetTextureColorMod(tex, 255, 255, 255);
    else
      SDL_SetTextureColorMod(tex, color.r, color.g, color.b);
    SDL_SetTextureAlphaMod(tex, color.a);
    SDL_Rect dst{ix + e->left, iy - e->top, e->rect.w, e->rect.h};
    SDL_RenderCopy(renderer_, tex, &e->rect, &dst);
  }
}

}  // namespace paizi::render
