// Test support: a headless player on a playlist's JSON (display, painter,
// player), one font library and shaper per test binary. Used by the tests
// that play slides on the simulated clock (tests/show, tests/media).
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/player.h"
#include "text/fonts.h"
#include "text/shaper.h"

namespace show_test {

struct Rig {
  std::unique_ptr<paizi::present::Display> display;
  std::unique_ptr<paizi::render::Painter> painter;
  std::unique_ptr<paizi::show::Player> player;
  static paizi::text::Shaper& shaper() {
    static paizi::text::FontLibrary fonts;
    static paizi::text::Shaper s(fonts);
    return s;
  }
  // `base_dir`: where the playlist's relative paths start.
  explicit Rig(const std::string& json, int w = 640, int h = 360, const std::string& base_dir = ".") {
    auto pr = paizi::content::parse_playlist(json, base_dir);
    INFO(pr.first_error("test.json"));
    REQUIRE(pr.playlist);
    std::string err;
    paizi::present::DisplayOptions o;
    o.width = w;
    o.height = h;
    display = paizi::present::open_headless(o, err);
    REQUIRE(display);
    painter = std::make_unique<paizi::render::Painter>(display->renderer());
    player = std::make_unique<paizi::show::Player>(*display, shaper(), *painter, *pr.playlist);
  }
};

}  // namespace show_test
