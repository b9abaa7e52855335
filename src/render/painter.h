// Draws display lists with an SDL renderer. Owns the glyph atlas and an
// image cache (both budgeted). Main thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <SDL.h>

#include "render/display_list.h"
#include "render/glyph_atlas.h"
#include "render/image.h"

namespace paizi::render {

class Painter {
 public:
  explicit Painter(SDL_Renderer* r, size_t atlas_budget_bytes = 32u << 20,
                   size_t image_budget_bytes = 64u << 20);
  // Paints `list` onto the current render target. Images that fail to load
  // are drawn as a muted placeholder and reported once via last_error().
  void paint(const DisplayList& list);
  // How far warm() has got through a list: its text op and glyph.
  struct WarmCursor {
    size_t op = 0, glyph = 0;
  };
  // Rasterises the glyphs paint(list) will need into the atlas, from
  // `cursor` on, until `deadline` (GlyphAtlas::warm); true when every one is
  // in. `into_canvas`: the list will be painted on the renderer's default
  // target (else into a render-target texture).
  bool warm(const DisplayList& list, WarmCursor& cursor, bool into_canvas,
            std::chrono::steady_clock::time_point deadline);
  // Single primitives on the current target (zones drawn over slides).
  void paint_rect(float x, float y, float w, float h, Color c);
  void paint_text(const text::TextLayout& l, float x, float y, Color c, Color bg, size_t begin = 0,
                  size_t end = SIZE_MAX);
  GlyphAtlas& atlas() { return atlas_; }
  const std::string& last_error() const { return last_error_; }
  // Whether the image at `path` was tried and could not be drawn (missing,
  // unreadable, not an image): its box was left in the letterbox colour.
  bool image_failed(const std::string& path) const;
  // Decodes the image at `path` into the image cache now, as paint would,
  // for boxes of at most `box_w` x `box_h` px (it is kept at most at their
  // cover size: a picture beside a news text costs its box, not a screen),
  // and says whether it can be drawn. Composition asks before it makes room
  // for a picture (show::ComposeContext::can_draw); a failure is reported
  // and counted once, exactly like one at paint time, and remembered.
  bool load_image(const std::string& path, int box_w, int box_h);
  // Images that could not be drawn since the last call, the reason naming the path,
  // each once (a failed load is remembered, not retried every frame).
  std::vector<std::string> take_image_errors() { return std::exchange(image_errors_, {}); }
  // Forgets the failed loads: the next paint tries those paths again.
  void forget_failed_images();
  // Count of images that could not be drawn (each failed load once).
  uint64_t image_failures() const { return image_failures_; }
  size_t image_cache_bytes() const { return image_bytes_; }
  // The decoded-image cache: what it holds against its budget, and how many
  // images it dropped to stay within it (least recently drawn first).
  struct ImageCacheStats {
    size_t entries = 0, bytes = 0, budget = 0;
    uint64_t evictions = 0;
  };
  ImageCacheStats image_cache_stats() const {
    return {images_.size(), image_bytes_, image_budget_, image_evictions_};
  }

 private:
  void paint_image(const ImageOp& op, Color letterbox);
  struct Img;
  // The cache entry of `path`, loaded (or its failure recorded) on first
  // use, to cover a `box_w` x `box_h` box (the renderer's output size when
  // 0); loaded again, larger, when a larger box needs more of the picture
  // than a reduced entry holds.
  const Img& cached_image(const std::string& path, int box_w, int box_h);
  SDL_Renderer* r_;
  GlyphAtlas atlas_;
  // Decoded images by path (a failed load is kept too, so it is reported
  // once), at most image_budget_ bytes of texture; the least recently drawn
  // goes first. Each is at most the cover size of the largest box asked
  // for (load_texture).
  struct Img {
    TexturePtr tex;
    int w = 0, h = 0;
    int box_w = 0, box_h = 0;  // the box it was loaded to cover
    bool reduced = false;      // smaller than the picture (a larger box needs a new load)
    size_t bytes = 0;
    uint64_t used = 0;
  };
  std::map<std::string, Img> images_;
  size_t image_budget_, image_bytes_ = 0;
  uint64_t image_tick_ = 0;
  std::string last_error_;
  std::vector<std::string> image_errors_;  // not taken yet
  uint64_t image_failures_ = 0;
  uint64_t image_evictions_ = 0;
};

}  // namespace paizi::render
