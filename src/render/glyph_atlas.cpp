#include "render/glyph_atlas.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include "render/blend.h"
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

size_t page_bytes(int side, bool coverage = false) {
  return static_cast<size_t>(side) * static_cast<size_t>(side) * (coverage ? 1 : 4);
}

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
               (static_cast<uint64_t>(k.light) << 9) ^ (static_cast<uint64_t>(k.coverage) << 10);
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

bool GlyphAtlas::make_storage(Page& p, int side, bool coverage) {
  if (coverage) {
    // Not zeroed: only the rectangles written by store() are ever read, and
    // the pages of the allocation nothing was written to stay untouched.
    try {
      p.cov = std::make_unique_for_overwrite<uint8_t[]>(page_bytes(side, true));
    } catch (const std::bad_alloc&) {
      return false;
    }
    p.tex.reset();
  } else {
    TexturePtr tex(
        SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, side, side));
    if (!tex) return false;
    SDL_SetTextureBlendMode(tex.get(), SDL_BLENDMODE_BLEND);
    p.tex = std::move(tex);
    p.cov.reset();
  }
  p.side = side;
  p.coverage = coverage;
  return true;
}

bool GlyphAtlas::allocate(int w, int h, bool coverage, int& page, SDL_Rect& rect) {
  if (w + kPad > page_size_ || h + kPad > page_size_) return false;
  for (size_t i = pages_.size(); i-- > 0;) {
    if (pages_[i].coverage == coverage && place_in(pages_[i], w, h, rect)) {
      page = static_cast<int>(i);
      return true;
    }
  }
  // Small pages first; a glyph that does not fit one gets a full-size page.
  const int side = w + kPad > std::min(page_size_, kSmallPage) || h + kPad > std::min(page_size_, kSmallPage)
                       ? page_size_
                       : std::min(page_size_, kSmallPage);
  if (stats_.bytes + page_bytes(side, coverage) <= budget_) {
    Page p;
    p.last_used = frame_;
    if (make_storage(p, side, coverage)) {
      pages_.push_back(std::move(p));
      stats_.bytes += page_bytes(side, coverage);
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
  // A page of the other kind, or a small one cleared for a big glyph, is
  // made again as what this glyph needs (the old storage is freed).
  if (p.side < side || p.coverage != coverage) {
    const size_t before = page_bytes(p.side, p.coverage);
    if (!make_storage(p, side, coverage)) return false;
    stats_.bytes = stats_.bytes - before + page_bytes(p.side, p.coverage);
  }
  return place_in(p, w, h, rect);
}

bool GlyphAtlas::store(const Key& key, const uint32_t* argb, int w, int h, Entry& e) {
  if (!allocate(w, h, false, e.page, e.rect)) return false;
  Page& p = pages_[static_cast<size_t>(e.page)];
  SDL_UpdateTexture(p.tex.get(), &e.rect, argb, w * 4);
  p.keys.push_back(key);
  p.last_used = frame_;
  return true;
}

bool GlyphAtlas::store(const Key& key, const uint8_t* cov, int w, int h, Entry& e) {
  if (!allocate(w, h, true, e.page, e.rect)) return false;
  Page& p = pages_[static_cast<size_t>(e.page)];
  const size_t side = static_cast<size_t>(p.side);
  for (int y = 0; y < h; ++y)
    std::memcpy(p.cov.get() + static_cast<size_t>(e.rect.y + y) * side + static_cast<size_t>(e.rect.x),
                cov + static_cast<size_t>(y) * static_cast<size_t>(w), static_cast<size_t>(w));
  p.keys.push_back(key);
  p.last_used = frame_;
  return true;
}

const GlyphAtlas::Entry* GlyphAtlas::lookup(const text::PositionedGlyph& g, int subpixel, bool light,
                                            bool coverage) {
  const Key key{g.face->id(),
                g.gid,
                static_cast<uint32_t>(std::lround(g.size * 64.f)),
                static_cast<uint8_t>(subpixel),
                static_cast<uint8_t>(g.rotated),
                static_cast<uint8_t>(light),
                static_cast<uint8_t>(coverage)};
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++stats_.hits;
    if (it->second.page >= 0) pages_[static_cast<size_t>(it->second.page)].last_used = frame_;
    return &it->second;
  }
  ++stats_.misses;
  if (std::find(rasterised_.begin(), rasterised_.end(), g.face) == rasterised_.end())
    rasterised_.push_back(g.face);
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
      // The coverage through the contrast curve, one byte a pixel; a texture
      // page takes it as the alpha of white.
      scratch_cov_.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
      for (int y = 0; y < h; ++y) {
        const uint8_t* row = bm.buffer + static_cast<ptrdiff_t>(y) * bm.pitch;
        for (int x = 0; x < w; ++x)
          scratch_cov_[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)] =
              lut[row[x]];
      }
      if (coverage) {
        if (!store(key, scratch_cov_.data(), w, h, e)) return nullptr;
      } else {
        scratch_.resize(scratch_cov_.size());
        for (size_t i = 0; i < scratch_cov_.size(); ++i)
          scratch_[i] = (static_cast<uint32_t>(scratch_cov_[i]) << 24) | 0xFFFFFFu;
        if (!store(key, scratch_.data(), w, h, e)) return nullptr;
      }
    }
  }
  const Entry* stored = &entries_.emplace(key, e).first->second;
  stats_.glyphs = entries_.size();
  return stored;
}

SDL_Surface* GlyphAtlas::direct_canvas() const {
  if (!canvas_ || SDL_GetRenderTarget(renderer_) != nullptr) return nullptr;
  SDL_Surface* c = canvas_();
  if (!c || !c->pixels || SDL_MUSTLOCK(c) || c->pitch % 4 != 0) return nullptr;
  // Pixels laid out as blend_coverage_row writes them (A or X, R, G, B).
  if (c->format->format != SDL_PIXELFORMAT_ARGB8888 && c->format->format != SDL_PIXELFORMAT_RGB888)
    return nullptr;
  // The renderer draws one to one into the whole of it.
  float sx = 0, sy = 0;
  SDL_RenderGetScale(renderer_, &sx, &sy);
  SDL_Rect vp{};
  SDL_RenderGetViewport(renderer_, &vp);
  if (sx != 1.f || sy != 1.f || vp.x != 0 || vp.y != 0 || vp.w != c->w || vp.h != c->h) return nullptr;
  return c;
}

void GlyphAtlas::blend_into(SDL_Surface* c, const SDL_Rect& clip, const Entry& e, int x, int y,
                            Rgba color) const {
  const SDL_Rect at{x, y, e.rect.w, e.rect.h};
  SDL_Rect r;
  if (!SDL_IntersectRect(&at, &clip, &r)) return;
  const Page& p = pages_[static_cast<size_t>(e.page)];
  const size_t side = static_cast<size_t>(p.side);
  for (int row = r.y; row < r.y + r.h; ++row) {
    const uint8_t* cov = p.cov.get() + static_cast<size_t>(e.rect.y + row - y) * side +
                         static_cast<size_t>(e.rect.x + r.x - x);
    auto* dst = static_cast<uint32_t*>(static_cast<void*>(static_cast<uint8_t*>(c->pixels) +
                                                          static_cast<ptrdiff_t>(row) * c->pitch)) +
                r.x;
    blend_coverage_row(dst, cov, static_cast<size_t>(r.w), color.r, color.g, color.b, color.a);
  }
}

GlyphAtlas::Pen GlyphAtlas::pen_of(const text::PositionedGlyph& g, float x, float y) {
  // Baseline snapped to whole pixels; x kept at quarter-pixel precision
  // (colour and rotated glyphs at whole pixels).
  const float fx = std::floor(x);
  Pen pen{static_cast<int>(fx), static_cast<int>(std::lround(y)),
          static_cast<int>(std::lround((x - fx) * kSubpixels))};
  if (pen.sub == kSubpixels) {
    pen.sub = 0;
    ++pen.x;
  }
  if (g.rotated || (g.face && g.face->color_bitmap())) pen.sub = 0;
  return pen;
}

size_t GlyphAtlas::warm(const text::TextLayout& layout, size_t begin, size_t end, float ox, float oy,
                        Rgba color, Rgba background, bool into_canvas,
                        std::chrono::steady_clock::time_point deadline) {
  const bool light = color.luminance() >= background.luminance();
  // The same keys as draw() with the renderer on its default target.
  const bool canvas = into_canvas && direct_canvas() != nullptr;
  end = std::min(end, layout.glyphs.size());
  size_t i = begin;
  while (i < end) {
    const text::PositionedGlyph& g = layout.glyphs[i++];
    if (!g.face || g.missing) continue;
    const bool own_colors = g.face->color_bitmap();
    const uint64_t misses = stats_.misses;
    // (A glyph that cannot be stored is counted when it is drawn.)
    lookup(g, pen_of(g, ox + g.x, oy + g.y).sub, light && !own_colors, canvas && !own_colors);
    if (stats_.misses != misses && std::chrono::steady_clock::now() >= deadline) break;
  }
  for (const text::Face* f : rasterised_) f->release_pages();
  rasterised_.clear();
  return i;
}

void GlyphAtlas::draw(const text::TextLayout& layout, size_t begin, size_t end, float ox, float oy,
                      Rgba color, Rgba background) {
  const bool light = color.luminance() >= background.luminance();
  end = std::min(end, layout.glyphs.size());
  // Into the canvas itself: what the renderer has queued lands first, and
  // the renderer's clip rectangle holds for these glyphs too.
  SDL_Surface* canvas = begin < end ? direct_canvas() : nullptr;
  SDL_Rect clip{0, 0, canvas ? canvas->w : 0, canvas ? canvas->h : 0};
  if (canvas) {
    SDL_RenderFlush(renderer_);
    if (SDL_RenderIsClipEnabled(renderer_)) {
      SDL_Rect cr{};
      SDL_RenderGetClipRect(renderer_, &cr);
      if (!SDL_IntersectRect(&cr, &clip, &clip)) return;
    }
  }
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
      if (canvas) SDL_RenderFlush(renderer_);  // before the next glyph is written over it
      continue;
    }
    const Pen pen = pen_of(g, x, y);
    const bool own_colors = g.face->color_bitmap();
    const int ix = pen.x, iy = pen.y;
    // One entry per colour glyph and size, whatever the text's contrast.
    const Entry* e = lookup(g, pen.sub, light && !own_colors, canvas && !own_colors);
    if (!e) {
      ++stats_.failed;
      continue;
    }
    if (e->empty) continue;
    if (pages_[static_cast<size_t>(e->page)].coverage) {
      blend_into(canvas, clip, *e, ix + e->left, iy - e->top, color);
      continue;
    }
    SDL_Texture* tex = pages_[static_cast<size_t>(e->page)].tex.get();
    if (e->color)
      SDL_SetTextureColorMod(tex, 255, 255, 255);
    else
      SDL_SetTextureColorMod(tex, color.r, color.g, color.b);
    SDL_SetTextureAlphaMod(tex, color.a);
    SDL_Rect dst{ix + e->left, iy - e->top, e->rect.w, e->rect.h};
    SDL_RenderCopy(renderer_, tex, &e->rect, &dst);
    if (canvas) SDL_RenderFlush(renderer_);
  }
  // The font files' pages this text's new glyphs were rasterised from go
  // back to the page cache now, not at the end of the slide: a page of text
  // touches a few megabytes of outlines (CFF charstrings and subroutines
  // scattered through a 16-19 MB file, mapped in 64 KiB runs around each
  // fault), which would otherwise all count at once.
  for (const text::Face* f : rasterised_) f->release_pages();
  rasterised_.clear();
}

}  // namespace paizi::render
