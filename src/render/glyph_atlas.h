// Glyph atlas: rasterised glyphs packed into pages, keyed by (face, pixel
// size, glyph id, subpixel x, rotation, contrast polarity, page kind).
// Outline glyphs (FreeType, greyscale AA) are their coverage and take the
// text colour when drawn; colour glyphs (emoji from a colour bitmap face,
// render/glyph_color.h) keep their own colours (straight alpha), at
// whole-pixel positions.
//
// Two kinds of page share one byte budget:
// - texture pages: SDL textures (ARGB8888, outline glyphs white with their
//   coverage as alpha), drawn with SDL_RenderCopy: every glyph on a GPU
//   renderer or into a render-target texture, and colour glyphs everywhere;
// - coverage pages (one byte a pixel, a quarter of the memory): outline
//   glyphs drawn into the software canvas itself (set_canvas), blended by
//   paizi's loop (render/blend.h) with SDL's arithmetic. On the software path
//   this is where nearly all text goes; SDL's blitter is not involved.
// Pages are made 512 px square while glyphs fit, page_size square for a
// bigger glyph, so a slide holds about the pixels its glyphs need. When the
// budget is full, the least recently used page is cleared and its glyphs
// are counted as evicted (a cleared page of the wrong kind or too small is
// made again: the budget may then be exceeded by at most that growth, 3 MiB
// at the default page size).
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

#include <chrono>
#include <cstdint>
#include <functional>
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
  // Rasterises what draw(layout, begin, end, ox, oy, color, background)
  // would need and the atlas does not hold yet, until `deadline` passes
  // (checked after each glyph rasterised); draws nothing. `into_canvas`:
  // the keys of a draw on the renderer's default target (coverage pages
  // when it is the canvas), else of a draw into a render-target texture.
  // Returns the index of the first glyph not looked at (`end`: all are in).
  // A slide's glyphs rasterised a slice at a time ahead of its paint keep
  // the frame loop's frames short (show::Compositor::warm).
  size_t warm(const text::TextLayout& layout, size_t begin, size_t end, float ox, float oy, Rgba color,
              Rgba background, bool into_canvas, std::chrono::steady_clock::time_point deadline);
  // The surface the renderer draws into when its target is the default one
  // (the software canvas; null: none, or not known). While set, outline
  // glyphs drawn there go into coverage pages and are blended straight into
  // it (after a flush of what the renderer has queued). The callback is
  // asked at every draw (a window's surface may change); unset it before
  // what it refers to goes away.
  void set_canvas(std::function<SDL_Surface*()> canvas) { canvas_ = std::move(canvas); }
  // Marks the start of a frame (see "Eviction within a frame" above).
  void begin_frame() { ++frame_; }
  const AtlasStats& stats() const { return stats_; }
  void clear();

 private:
  struct Key {
    uint32_t face, gid, size64;
    uint8_t subpixel, rotated, light, coverage;  // coverage: kept in a coverage page
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
    TexturePtr tex;                  // a texture page
    std::unique_ptr<uint8_t[]> cov;  // a coverage page: side * side bytes
    bool coverage = false;           // which of the two it is
    int side = 0;                    // px, square
    int shelf_y = 0, shelf_h = 0, cursor_x = 0;
    uint64_t last_used = 0;
    std::vector<Key> keys;
  };

  // Where a glyph drawn with its origin at (x, y) px goes: whole pixels and
  // the quarter-pixel position it is rasterised at.
  struct Pen {
    int x, y, sub;
  };
  static Pen pen_of(const text::PositionedGlyph& g, float x, float y);
  const Entry* lookup(const text::PositionedGlyph& g, int subpixel, bool light, bool coverage);
  // A place for a w x h glyph in a page of the kind asked for.
  bool allocate(int w, int h, bool coverage, int& page, SDL_Rect& rect);
  // Gives `p` fresh storage: `side` px square, of the kind asked for.
  bool make_storage(Page& p, int side, bool coverage);
  bool place_in(Page& p, int w, int h, SDL_Rect& rect) const;
  // Puts w x h ARGB8888 pixels into a texture page, or w x h coverage bytes
  // into a coverage page (key.coverage); false when the budget has no room.
  bool store(const Key& key, const uint32_t* argb, int w, int h, Entry& e);
  bool store(const Key& key, const uint8_t* cov, int w, int h, Entry& e);
  // The canvas when glyphs may be blended straight into it now (null: no).
  SDL_Surface* direct_canvas() const;
  // Blends the coverage of `e` at (x, y) into `c`, inside `clip`.
  void blend_into(SDL_Surface* c, const SDL_Rect& clip, const Entry& e, int x, int y, Rgba color) const;
  void evict(int page);

  SDL_Renderer* renderer_;
  size_t budget_;
  int page_size_;
  uint64_t frame_ = 1;
  uint64_t overflowed_frame_ = 0;  // the last frame counted in overflow_frames
  std::vector<Page> pages_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::vector<uint32_t> scratch_;
  std::vector<uint8_t> scratch_cov_;
  std::function<SDL_Surface*()> canvas_;
  std::vector<const text::Face*> rasterised_;  // faces glyphs were rasterised from in this draw()
  AtlasStats stats_;
  uint8_t lut_light_[256], lut_dark_[256];
};

}  // namespace paizi::render
