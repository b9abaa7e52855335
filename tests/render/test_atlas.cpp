// The glyph atlas under a budget smaller than one frame's glyphs: pages used
// in the frame are evicted only when nothing else is left, and what was
// already drawn stays drawn (SDL flushes queued copies from a texture before
// SDL_UpdateTexture changes it), on a batching renderer like the GPU ones.
#include <string>
#include <vector>

#include <SDL.h>
#include <catch2/catch.hpp>

#include "render/glyph_atlas.h"
#include "text/layout.h"

using namespace paizi;

namespace {

struct Canvas {
  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  Canvas(int w, int h) {
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    SDL_SetHint(SDL_HINT_RENDER_BATCHING, "1");  // copies are queued, as on GL/GLES
    REQUIRE(SDL_InitSubSystem(SDL_INIT_VIDEO) == 0);
    window = SDL_CreateWindow("atlas", 0, 0, w, h, SDL_WINDOW_HIDDEN);
    REQUIRE(window);
    renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
    REQUIRE(renderer);
  }
  ~Canvas() {
    SDL_DestroyRenderer(renderer);
    SDL_DestroyWindow(window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
  }
  std::vector<uint32_t> pixels(int w, int h) const {
    std::vector<uint32_t> px(static_cast<size_t>(w) * static_cast<size_t>(h));
    REQUIRE(SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ARGB8888, px.data(), w * 4) == 0);
    return px;
  }
};

// One frame of `layout` drawn through an atlas of `budget` bytes in pages
// of `page` px; the atlas's counters after it.
std::vector<uint32_t> draw_frame(const text::TextLayout& layout, int w, int h, size_t budget, int page,
                                 render::AtlasStats& stats) {
  Canvas c(w, h);
  render::GlyphAtlas atlas(c.renderer, budget, page);
  SDL_SetRenderDrawColor(c.renderer, 20, 24, 40, 255);
  SDL_RenderClear(c.renderer);
  atlas.begin_frame();
  atlas.draw(layout, 10, 10, render::Rgba{255, 255, 255, 255}, render::Rgba{20, 24, 40, 255});
  stats = atlas.stats();
  return c.pixels(w, h);
}

}  // namespace

TEST_CASE("a frame with more glyphs than the atlas holds is drawn whole") {
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  text::LayoutOptions opt;
  opt.size_px = 48;
  opt.width_px = 900;
  // 60 distinct ideographs: about 50 px squares, 4 x 4 = 16 to a 256 px page.
  const std::string text =
      "春夏秋冬东南西北金木水火土日月星辰山川河海风云雷电花草树木鸟兽鱼虫"
      "天地人和礼乐诗书琴棋书画梅兰竹菊松柏杨柳江湖湾港城乡村镇";
  const text::TextLayout layout = text::layout_text(shaper, {text}, opt);
  REQUIRE(layout.missing_glyphs == 0);
  REQUIRE(layout.glyphs.size() >= 60);
  const int w = 960, h = 420;

  render::AtlasStats roomy{}, tight{};
  const auto want = draw_frame(layout, w, h, 64u << 20, 256, roomy);
  const auto got = draw_frame(layout, w, h, 256u * 256u * 4u, 256, tight);  // one page
  CHECK(roomy.evictions == 0);
  CHECK(tight.evictions > 0);         // the page was cleared within the frame...
  CHECK(tight.overflow_frames == 1);  // ...and the frame is reported as too big for the budget
  CHECK(roomy.overflow_frames == 0);
  CHECK(tight.failed == 0);
  size_t ink = 0, differ = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if ((want[i] & 0xFF) > 0x80) ++ink;
    if (want[i] != got[i]) ++differ;
  }
  CHECK(ink > 5000);  // the text is there to compare
  CHECK(differ == 0);
}

TEST_CASE("a glyph larger than a page is counted as failed and not silently dropped") {
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  text::LayoutOptions opt;
  opt.size_px = 200;  // bigger than a 128 px page
  opt.width_px = 900;
  const text::TextLayout layout = text::layout_text(shaper, {"福"}, opt);
  REQUIRE(layout.glyphs.size() == 1);
  render::AtlasStats stats{};
  draw_frame(layout, 400, 300, 128u * 128u * 4u, 128, stats);
  CHECK(stats.failed == 1);
}

namespace {

// SDL's software renderer in a window, drawing into the window's surface
// (the player's software-window canvas), with its commands queued: what the
// atlas writes into the surface must land in order with them.
struct SurfaceCanvas {
  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  SDL_Surface* surface = nullptr;
  SurfaceCanvas(int w, int h) {
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    SDL_SetHint(SDL_HINT_RENDER_BATCHING, "1");
    REQUIRE(SDL_InitSubSystem(SDL_INIT_VIDEO) == 0);
    window = SDL_CreateWindow("atlas", 0, 0, w, h, SDL_WINDOW_HIDDEN);
    REQUIRE(window);
    renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
    REQUIRE(renderer);
    surface = SDL_GetWindowSurface(window);
    REQUIRE(surface);
    REQUIRE(surface->format->format == SDL_PIXELFORMAT_RGB888);
  }
  ~SurfaceCanvas() {
    SDL_DestroyRenderer(renderer);
    SDL_DestroyWindow(window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
  }
  std::vector<uint32_t> pixels() const {
    SDL_RenderFlush(renderer);
    std::vector<uint32_t> px;
    for (int y = 0; y < surface->h; ++y)
      for (int x = 0; x < surface->w; ++x)
        px.push_back(static_cast<const uint32_t*>(surface->pixels)[y * surface->pitch / 4 + x] & 0xFFFFFFu);
    return px;
  }
};

// `layout` in red-gold on a dark red ground, a bar queued over its middle
// after it, and a second copy clipped to the left half; with or without
// the canvas given to the atlas.
std::vector<uint32_t> draw_on_surface(const text::TextLayout& layout, bool canvas,
                                      render::AtlasStats& stats) {
  SurfaceCanvas c(640, 200);
  render::GlyphAtlas atlas(c.renderer);
  if (canvas) atlas.set_canvas([s = c.surface] { return s; });
  const render::Rgba ink{245, 200, 110, 255}, ground{120, 16, 24, 255};
  SDL_SetRenderDrawColor(c.renderer, ground.r, ground.g, ground.b, 255);
  SDL_RenderClear(c.renderer);  // queued: it must land before the text
  atlas.begin_frame();
  atlas.draw(layout, 10, 20, ink, ground);
  SDL_SetRenderDrawColor(c.renderer, 20, 90, 200, 255);
  const SDL_Rect bar{0, 36, 640, 8};
  SDL_RenderFillRect(c.renderer, &bar);  // queued after the text: it must land over it
  const SDL_Rect half{0, 100, 320, 100};
  SDL_RenderSetClipRect(c.renderer, &half);
  atlas.draw(layout, 10, 120, ink, ground);
  SDL_RenderSetClipRect(c.renderer, nullptr);
  stats = atlas.stats();
  return c.pixels();
}

// A line of text laid out at `size` px in `width` px, with the fonts it
// refers to.
struct OneLine {
  text::FontLibrary fonts;
  text::Shaper shaper{fonts};
  text::TextLayout layout;
  OneLine(const std::string& text, float size, float width) {
    text::LayoutOptions opt;
    opt.size_px = size;
    opt.width_px = width;
    layout = text::layout_text(shaper, {text}, opt);
    REQUIRE(layout.missing_glyphs == 0);
  }
};

}  // namespace

TEST_CASE(
    "text drawn into the canvas from coverage pages is the renderer's text, in a quarter of the memory") {
  const OneLine line("园区新闻：消防演练 Fire drill", 40, 620);
  const text::TextLayout& layout = line.layout;
  REQUIRE(layout.height < 70);  // one line
  render::AtlasStats via_sdl{}, direct{};
  const auto want = draw_on_surface(layout, false, via_sdl);
  const auto got = draw_on_surface(layout, true, direct);
  REQUIRE(got.size() == want.size());
  size_t ink = 0, differ = 0, right_half_ink = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const uint32_t p = want[i];
    const bool text = (p >> 8 & 0xFF) > 100;  // the ground's green is 16, the bar's 90
    ink += text;
    const size_t x = i % 640, y = i / 640;
    if (y >= 100 && x >= 330 && text) ++right_half_ink;
    differ += got[i] != p;
  }
  CHECK(ink > 3000);           // there is text to compare
  CHECK(right_half_ink == 0);  // the clip held on the renderer's path...
  CHECK(differ == 0);          // ...and the canvas path drew the same pixels, clip, order and all
  CHECK(direct.bytes * 4 == via_sdl.bytes);
  CHECK(direct.glyphs == via_sdl.glyphs);
}

TEST_CASE("glyphs warmed a slice at a time are the ones a draw then uses: same keys, same pixels") {
  const OneLine line("园区新闻：消防演练 Fire drill, 10:30", 37, 600);
  const text::TextLayout& layout = line.layout;
  const render::Rgba ink{245, 200, 110, 255}, ground{120, 16, 24, 255};
  const float ox = 10.3f, oy = 60.6f;  // quarter-pixel positions, as a slide's text has
  auto draw = [&](render::GlyphAtlas& atlas, SurfaceCanvas& c) {
    SDL_SetRenderDrawColor(c.renderer, ground.r, ground.g, ground.b, 255);
    SDL_RenderClear(c.renderer);
    atlas.begin_frame();
    atlas.draw(layout, ox, oy, ink, ground);
    return c.pixels();
  };
  std::vector<uint32_t> want;
  {
    SurfaceCanvas c(640, 200);
    render::GlyphAtlas atlas(c.renderer);
    atlas.set_canvas([s = c.surface] { return s; });
    want = draw(atlas, c);
  }
  SurfaceCanvas c(640, 200);
  render::GlyphAtlas atlas(c.renderer);
  atlas.set_canvas([s = c.surface] { return s; });
  // A deadline already past: each call rasterises one glyph and stops.
  size_t at = 0, calls = 0;
  while (at < layout.glyphs.size()) {
    const uint64_t misses = atlas.stats().misses;
    const size_t next = atlas.warm(layout, at, layout.glyphs.size(), ox, oy, ink, ground, true,
                                   std::chrono::steady_clock::now());
    REQUIRE(next > at);
    CHECK(atlas.stats().misses - misses <= 1);
    at = next;
    ++calls;
  }
  const uint64_t rasterised = atlas.stats().misses;
  CHECK(rasterised > 15);
  CHECK(calls >= rasterised);
  // The draw finds every glyph in the atlas, and draws what a cold atlas draws.
  CHECK(draw(atlas, c) == want);
  CHECK(atlas.stats().misses == rasterised);
  CHECK(atlas.stats().failed == 0);
}
