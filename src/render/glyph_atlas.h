// Glyph atlas: rasterised glyphs packed into SDL textures (ARGB8888 pages),
// keyed by (face, pixel size, glyph id, subpixel x, rotation, contrast
// polarity). Outline glyphs (FreeType, greyscale AA) are white with their
// coverage as alpha and take the text colour when drawn; colour glyphs
// (emoji from a colour bitmap face, render/glyph_color.h) keep their own
// colours (straight alpha), at whole-pixel positions, and share the pages
// and the budget: 4 bytes per pixel either way. Pages are made 512 px square
// (1 MiB) while glyphs fit, page_size square for a bigger glyph, so a slide
// holds about the pixels its glyphs need. Memory is bounded by a byte
// budget; when full, the least recently used page is cleared and its glyphs
// are counted as evicted (a small page cleared for a glyph that needs a big
// one is replaced by a big one: the budget may then be exceeded by at most
// that growth, 3 MiB at the default page size).
//
// Eviction within a frame: a page used since begin_frame() is chosen only
// when every page has been used in this frame (the frame needs more glyph
// pixels than the budget). That frame is still drawn whole: SDL flushes the
// queued copies that read a texture before SDL_UpdateTexture changes it
// (tests/render/test_atlas.cpp checks this on a batching renderer), at the
// cost of re-rasterising. Such frames are counted in overflow_frames: a
// sign that the budget is too small for the content. A glyph that cannot be
// stored at all (larger than a page) is counted in `failed` and not drawn.
//
// Threading: main (render) thread only, like the SDL_Renderer it draws with.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include <SDL.h>

#include "render/image.h"
#include "text/layout.h"

namespace paizi::render {

struct Rgba {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  float luminance() const;  // relative luminance 0..1 (sRGB decoded)
};

struct AtlasStats {
  uint64_t hits = 0, misses = 0, evictions = 0;
  uint64_t overflow_frames = 0;  // frames that evicted a page they had used
  uint64_t failed = 0;           // glyph draws skipped: not rasterised or not storable
  size_t bytes = 0;              // texture memory held, bytes
  size_t budget = 0;             // configured limit, bytes
  size_t glyphs = 0;             // glyphs resident
};

class GlyphAtlas {
 public:
  // `budget_bytes` >= one page (page_size^2 * 4 bytes).
  GlyphAtlas(SDL_Renderer* renderer, size_t budget_bytes = 32u << 20, int page_size = 1024);
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  // Draws glyphs [begin, end) of a layout with its origin at (ox, oy) px.
  // `background` selects the gamma curve for the text/background contrast.
  void draw(const text::TextLayout& layout, size_t begin, size_t end, float ox, float oy, Rgba color,
            Rgba background);
  void draw(const text::TextLayout& layout, float ox, float oy, Rgba color, Rgba background) {
    draw(layout, 0, layout.glyphs.size(), ox, oy, color, background);
  }
  // Marks the start of a frame (see "Eviction within a frame" above).
  void begin_frame() { ++frame_; }
  const AtlasStats& stats() const { return stats_; }
  void clear();

 private:
  struct Key {
    uint32_t face, gid, size64;
    uint8_t subpixel, rotated, light;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Entry {
    int page = -1;
    SDL_Rect rect{};        // in the page texture
    int left = 0, top = 0;  // bitmap offset from the pen position, px
    bool empty = false;     // no ink (space)
    bool color = false;     // its own colours: drawn without the text colour (alpha still applies)
  };
  struct Page {
    TexturePtr tex;
    int side = 0;  // px, square
    int shelf_y = 0, shelf_h = 0, cursor_x = 0;
    uint64_t last_used = 0;
    std::vector<Key> keys;
  };

  const Entry* lookup(const text::PositionedGlyph& g, int subpixel, bool light);
  bool allocate(int w, int h, int& page, SDL_Rect& rect);
  bool place_in(Page& p, int w, int h, SDL_Rect& rect) const;
  // Puts w x h ARGB8888 pixels into a page; false when the budget has no room.
  bool store(const Key& key, const uint32_t* argb, int w, int h, Entry& e);
  void evict(int page);

  SDL_Renderer* renderer_;
  size_t budget_;
  int page_size_;
  uint64_t frame_ = 1;
  uint64_t overflowed_frame_ = 0;  // the last frame counted in overflow_frames
  std::vector<Page> pages_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::vector<uint32_t> scratch_;
  AtlasStats stats_;
  uint8_t lut_light_[256], lut_dark_[256];
};

}  // namespace paizi::render
