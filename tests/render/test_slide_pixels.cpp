// Real pixels: a slogan slide composed and painted headless with the SDL
// software renderer, read back and inspected.
#include <algorithm>

#include <catch2/catch.hpp>

#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/compose.h"

using namespace paizi;

namespace {

struct Box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  bool empty() const { return x1 < 0; }
  int cx() const { return (x0 + x1) / 2; }
  int cy() const { return (y0 + y1) / 2; }
};

struct Frame {
  render::SurfacePtr pixels;
  int missing = 0;
  uint32_t at(int x, int y) const {
    return static_cast<const uint32_t*>(pixels->pixels)[y * (pixels->pitch / 4) + x];
  }
  // Bounding box of light, neutral pixels (the slogan text in the dark theme;
  // the accent rules are saturated yellow and the subtitle is grey).
  Box ink() const {
    Box b;
    for (int y = 0; y < pixels->h; ++y)
      for (int x = 0; x < pixels->w; ++x) {
        uint8_t r, g, bl;
        SDL_GetRGB(at(x, y), pixels->format, &r, &g, &bl);
        if (r > 0xB0 && g > 0xB0 && bl > 0xB0) {
          b.x0 = std::min(b.x0, x);
          b.y0 = std::min(b.y0, y);
          b.x1 = std::max(b.x1, x);
          b.y1 = std::max(b.y1, y);
        }
      }
    return b;
  }
};

Frame render_slogan(const std::vector<std::string>& lines, int w = 1920, int h = 1080) {
  content::Slide s;
  s.body = content::SloganSlide{lines, false, {}, {}};
  const content::Theme theme = *content::builtin_theme("dark");
  std::string err;
  present::DisplayOptions o;
  o.width = w;
  o.height = h;
  auto display = present::open_headless(o, err);
  REQUIRE(display);
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  render::Painter painter(display->renderer());
  show::ComposeContext ctx{shaper};
  ctx.width = w;
  ctx.height = h;
  ctx.area = show::Rect{0, 0, static_cast<float>(w), static_cast<float>(h)};
  const auto pages = show::compose_slide(s, theme, ctx);
  REQUIRE(pages.size() == 1);
  Frame f;
  for (const auto& op : pages[0].ops)
    if (const auto* t = std::get_if<render::TextOp>(&op)) f.missing += t->layout->missing_glyphs;
  painter.paint(pages[0]);
  auto view = display->snapshot(err);  // a view of the canvas: copy it out
  REQUIRE(view);
  f.pixels.reset(SDL_ConvertSurfaceFormat(view.get(), SDL_PIXELFORMAT_RGBA32, 0));
  REQUIRE(f.pixels);
  return f;
}

}  // namespace

TEST_CASE("a slogan is drawn centred, in ink, on the theme background") {
  const Frame f = render_slogan({"创新驱动发展"});
  CHECK(f.missing == 0);
  uint8_t r, g, b;
  SDL_GetRGB(f.at(0, 0), f.pixels->format, &r, &g, &b);
  const auto bg = content::builtin_theme("dark")->background;
  CHECK(r == bg.r);
  CHECK(g == bg.g);
  CHECK(b == bg.b);
  const Box box = f.ink();
  REQUIRE_FALSE(box.empty());
  CHECK(std::abs(box.cx() - 960) < 24);
  CHECK(std::abs(box.cy() - 540) < 80);
  CHECK(box.x1 - box.x0 > 960);  // a big, fitted slogan
  // Margins stay clear.
  CHECK(box.x0 > 60);
  CHECK(box.x1 < 1860);
  // Outside the text box the background shows (left margin column).
  SDL_GetRGB(f.at(30, 540), f.pixels->format, &r, &g, &b);
  CHECK(std::abs(static_cast<int>(r) - bg.r) < 12);
}

TEST_CASE("the ink box follows the text") {
  const Box wide = render_slogan({"创新驱动发展"}).ink();
  const Box narrow = render_slogan({"创新"}).ink();
  const Box two = render_slogan({"创新驱动发展", "科技赢得未来"}).ink();
  CHECK(narrow.x1 - narrow.x0 < wide.x1 - wide.x0);
  CHECK(two.y1 - two.y0 > (wide.y1 - wide.y0) * 3 / 2);
  CHECK(std::abs(narrow.cx() - 960) < 24);
}

TEST_CASE("a portrait canvas lays out for the portrait size") {
  const Frame f = render_slogan({"让每一个好点子", "都能找到落地的土壤"}, 1080, 1920);
  const Box box = f.ink();
  CHECK(f.pixels->w == 1080);
  CHECK(box.x0 > 40);
  CHECK(box.x1 < 1040);
  CHECK(std::abs(box.cx() - 540) < 24);
}

TEST_CASE("emoji in a slogan are drawn in colour, as tall as the ideographs beside them") {
  const Frame f = render_slogan({"🎉创新🎉"});
  CHECK(f.missing == 0);
  // The ideographs: light neutral ink (Frame::ink). The emoji: saturated
  // pixels on the ideographs' rows, left and right of them (the theme's
  // accent rules are further up and down).
  const Box cjk = f.ink();
  REQUIRE_FALSE(cjk.empty());
  const int em = cjk.y1 - cjk.y0;
  Box left, right;
  int red = 0, blue = 0;
  for (int y = std::max(0, cjk.y0 - em / 2); y < std::min(f.pixels->h, cjk.y1 + em / 2); ++y)
    for (int x = 0; x < f.pixels->w; ++x) {
      if (x >= cjk.x0 && x <= cjk.x1) continue;
      uint8_t r, g, b;
      SDL_GetRGB(f.at(x, y), f.pixels->format, &r, &g, &b);
      if (std::max({r, g, b}) - std::min({r, g, b}) < 100) continue;  // grey, the background or text
      red += r > g + 100 && r > b + 100;
      blue += b > r + 60;
      Box& side = x < cjk.x0 ? left : right;
      side.x0 = std::min(side.x0, x);
      side.y0 = std::min(side.y0, y);
      side.x1 = std::max(side.x1, x);
      side.y1 = std::max(side.y1, y);
    }
  REQUIRE_FALSE(left.empty());
  REQUIRE_FALSE(right.empty());
  CHECK(red > 200);  // 🎉 has red and blue streamers: colour, not a tinted mask
  CHECK(blue > 200);
  for (const Box& e : {left, right}) {
    // Ink heights: 创新 fills ~0.9 em of its box, 🎉 ~0.95 of its em box.
    INFO("emoji " << e.x0 << "," << e.y0 << " - " << e.x1 << "," << e.y1 << "; ideographs " << cjk.y0 << " - "
                  << cjk.y1);
    CHECK(std::abs((e.y1 - e.y0) - em) < em / 6);
    CHECK(std::abs(e.cy() - cjk.cy()) < em / 10);
    CHECK(e.x1 - e.x0 > em * 3 / 4);
  }
}
