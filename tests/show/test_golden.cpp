// Golden PNGs of every slide type, landscape 1920x1080 and portrait
// 1080x1920, compared with a tolerance. PAIZI_UPDATE_GOLDEN=1 rewrites them
// (then look at them before committing).
#include <cstdlib>
#include <filesystem>

#include <SDL_image.h>
#include <catch2/catch.hpp>

#include "../feeds/feeds_test_support.h"
#include "content/cap.h"
#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"

using namespace paizi;

namespace {

constexpr int64_t kAt = 1776745500;  // 2026-04-21 04:25 UTC

// `alerts`: CAP alerts given to the player (their slides follow the
// playlist's), shown in Asia/Shanghai as a screen in China would.
void check_golden(size_t slide, size_t page, int w, int h, const std::string& name,
                  const std::vector<content::AlertNotice>& alerts = {}) {
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  const std::string dir = std::string(PAIZI_TEST_DATA) + "/show/golden/";
  auto pr = content::load_playlist(dir + "slides.json");
  INFO(pr.first_error("slides.json"));
  REQUIRE(pr.playlist);
  std::string err;
  present::DisplayOptions o;
  o.width = w;
  o.height = h;
  auto display = present::open_headless(o, err);
  REQUIRE(display);
  render::Painter painter(display->renderer());
  std::string zerr;
  const auto zone = content::TimeZone::load("Asia/Shanghai", zerr);
  REQUIRE(zone);
  show::Player player(*display, shaper, painter, *pr.playlist, nullptr,
                      alerts.empty() ? content::TimeZone::system() : *zone);
  if (!alerts.empty()) player.set_alerts(alerts);
  REQUIRE(player.show_still(slide, page, kAt) > page);
  auto frame = display->snapshot(err);
  REQUIRE(frame);
  render::SurfacePtr got(SDL_ConvertSurfaceFormat(frame.get(), SDL_PIXELFORMAT_RGBA32, 0));
  REQUIRE(got);
  const std::string path = dir + name + ".png";
  if (std::getenv("PAIZI_UPDATE_GOLDEN")) REQUIRE(render::write_png(got.get(), path, err));
  render::SurfacePtr loaded(IMG_Load(path.c_str()));
  REQUIRE(loaded);
  render::SurfacePtr want(SDL_ConvertSurfaceFormat(loaded.get(), SDL_PIXELFORMAT_RGBA32, 0));
  REQUIRE(want->w == got->w);
  REQUIRE(want->h == got->h);
  // Tolerance: antialiasing may differ slightly between FreeType/SDL builds;
  // layout changes move whole glyphs and fail.
  size_t bad = 0;
  const auto* a = static_cast<const uint8_t*>(got->pixels);
  const auto* b = static_cast<const uint8_t*>(want->pixels);
  for (int y = 0; y < got->h; ++y)
    for (int x = 0; x < got->w * 4; ++x) {
      const int d = std::abs(a[y * got->pitch + x] - b[y * want->pitch + x]);
      bad += d > 40;
    }
  const double ratio = static_cast<double>(bad) / (static_cast<double>(got->w) * got->h * 4);
  INFO(name << ": " << ratio * 100 << "% of channels differ by more than 40");
  CHECK(ratio < 0.002);
}

}  // namespace

TEST_CASE("golden: slogan") { check_golden(0, 0, 1920, 1080, "slogan-1920x1080"); }
TEST_CASE("golden: news, both pages") {
  check_golden(1, 0, 1920, 1080, "news-p0-1920x1080");
  check_golden(1, 1, 1920, 1080, "news-p1-1920x1080");
}
TEST_CASE("golden: kpi") { check_golden(2, 0, 1920, 1080, "kpi-1920x1080"); }
TEST_CASE("golden: couplet") { check_golden(3, 0, 1920, 1080, "couplet-1920x1080"); }
TEST_CASE("golden: image") { check_golden(4, 0, 1920, 1080, "image-1920x1080"); }
// Colour emoji (fonts-noto-color-emoji) beside Noto Serif/Sans CJK: a ZWJ
// family, a flag, a skin tone, VS16, and © in the text font.
TEST_CASE("golden: emoji slogan") { check_golden(5, 0, 1920, 1080, "slogan-emoji-1920x1080"); }
TEST_CASE("golden: portrait") {
  check_golden(0, 0, 1080, 1920, "slogan-1080x1920");
  check_golden(1, 0, 1080, 1920, "news-p0-1080x1920");
  check_golden(2, 0, 1080, 1920, "kpi-1080x1920");
}
// Traditional Chinese (zh-Hant: Noto Sans CJK TC, 「」 quotes, punctuation
// centred in its cell as Taiwan and Hong Kong set it) on the light theme.
TEST_CASE("golden: zh-Hant news") { check_golden(6, 0, 1920, 1080, "news-hant-1920x1080"); }

// A CAP takeover: the typhoon warning of tests/feeds/fixtures/cap, its
// zh-CN info, over the whole screen (no header, no ticker).
TEST_CASE("golden: CAP alert takeover") {
  const content::CapResult r = content::parse_cap(feeds_test::fixture("cap/typhoon_orange.xml"));
  REQUIRE(r.alerts.size() == 1);
  const auto notice = content::notice_for(r.alerts[0], content::CapFilter{});
  REQUIRE(notice);
  REQUIRE(notice->language == "zh-CN");
  const size_t slides = content::load_playlist(std::string(PAIZI_TEST_DATA) + "/show/golden/slides.json")
                            .playlist->slides.size();
  check_golden(slides, 0, 1920, 1080, "alert-1920x1080", {*notice});
  check_golden(slides, 0, 1080, 1920, "alert-1080x1920", {*notice});
}

// Two alerts in force: the more severe one takes over, the other runs in the
// alert ticker along the bottom, after a chip in its colour (a rainstorm
// yellow warning: Moderate on China's four-colour scale).
TEST_CASE("golden: CAP takeover with a second alert in the alert ticker") {
  const content::CapResult r = content::parse_cap(feeds_test::fixture("cap/typhoon_orange.xml"));
  REQUIRE(r.alerts.size() == 1);
  const auto orange = content::notice_for(r.alerts[0], content::CapFilter{});
  REQUIRE(orange);
  content::AlertNotice rain = *orange;
  rain.key = "szmb@weather.sz.example.cn,44030041600000_20260820100000";
  rain.severity = content::CapSeverity::Moderate;
  rain.event = "暴雨黄色预警";
  rain.headline = "深圳市气象台发布暴雨黄色预警信号，请注意防范";
  const size_t slides = content::load_playlist(std::string(PAIZI_TEST_DATA) + "/show/golden/slides.json")
                            .playlist->slides.size();
  check_golden(slides, 0, 1920, 1080, "alert-two-1920x1080", {*orange, rain});
}
