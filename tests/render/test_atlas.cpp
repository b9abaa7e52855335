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
