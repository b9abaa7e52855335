// Colour emoji in the text engine: the emoji face is chosen for emoji
// clusters, a cluster is one glyph, emoji are one em tall and advance like
// an ideograph, and a missing emoji font degrades to one box per cluster.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "text_fixture.h"

using namespace paizi;

namespace {

// Glyphs of code point range [b, e) of a shaped paragraph.
std::vector<text::ShapedGlyph> glyphs_of(const text::ShapedParagraph& p, size_t b, size_t e) {
  return {p.glyphs.begin() + p.first_glyph[b], p.glyphs.begin() + p.first_glyph[e]};
}

text::ShapedParagraph shape(const std::string& s, text::Shaper& shaper = test::shaper()) {
  return shaper.shape_paragraph(s, text::ShapeOptions{});
}

}  // namespace

TEST_CASE(
    "emoji: the colour emoji face draws 🎉, and a ZWJ sequence, a flag, a skin tone are one glyph each") {
  text::Face* emoji = test::shaper().fonts().emoji();
  REQUIRE(emoji);  // fonts-noto-color-emoji (deps.txt)
  CHECK(emoji->color_bitmap());
  CHECK(emoji->family() == "Noto Color Emoji");
  // 🎉 then 热: the emoji face, then the CJK face.
  const auto p = shape("🎉热");
  CHECK(p.missing == 0);
  REQUIRE(glyphs_of(p, 0, 1).size() == 1);
  CHECK(glyphs_of(p, 0, 1)[0].face == emoji);
  CHECK(glyphs_of(p, 1, 2)[0].face != emoji);
  // man ZWJ woman ZWJ girl; flag CN; thumbs up + medium skin tone; heart + VS16; keycap 1.
  for (const std::string s : {"👨‍👩‍👧", "🇨🇳", "👍🏽", "❤️", "1️⃣"}) {
    INFO(s);
    const auto q = shape("文" + s + "文");
    CHECK(q.missing == 0);
    REQUIRE(q.glyphs.size() == 3);
    CHECK(q.glyphs[1].face == emoji);
    CHECK(q.glyphs[1].gid != 0);
  }
}

TEST_CASE("emoji: text presentation stays in the text font; VS16 asks for the emoji") {
  text::Face* emoji = test::shaper().fonts().emoji();
  REQUIRE(emoji);
  for (const std::string s : {"©", "™", "❤", "1"}) {
    INFO(s);
    const auto p = shape("文" + s);
    CHECK(p.glyphs[1].face != emoji);
  }
  CHECK(shape("文❤️").glyphs[1].face == emoji);
}

TEST_CASE("emoji: one em tall, advancing like an ideograph, centred on the text's em box") {
  text::Face* emoji = test::shaper().fonts().emoji();
  REQUIRE(emoji);
  const auto p = shape("热🎉");
  // Noto Color Emoji: 136 x 128 px bitmaps; 128 px make one em.
  CHECK(p.adv[1] == Approx(136.f / 128.f).epsilon(0.02));
  CHECK(static_cast<float>(emoji->ascender() - emoji->descender()) / static_cast<float>(emoji->em_units()) ==
        1.f);
  CHECK(emoji->strike_ppem() == Approx(109));
  CHECK(emoji->strike_scale(128.f * 109.f / 109.f) == Approx(1.f).epsilon(0.01));
  // The emoji box [top, bottom] around the baseline (em, up positive) and the
  // CJK em box (0.88 / -0.12) share their centre.
  const float top =
      static_cast<float>(emoji->ascender()) / static_cast<float>(emoji->em_units()) - p.glyphs[1].v;
  CHECK(top - 0.5f == Approx(0.38f).margin(0.02));
  // Laid out at 100 px: the emoji takes ~106 px of the line, the ideograph 100.
  const auto l = test::Lay().run("热🎉热");
  REQUIRE(l.glyphs.size() == 3);
  CHECK(l.glyphs[2].x - l.glyphs[1].x == Approx(106.25f).margin(2));
  CHECK(l.missing_glyphs == 0);
}

TEST_CASE("emoji: a ZWJ sequence is never split across lines") {
  const auto l = test::Lay().width_em(2.5f).run("文文👨‍👩‍👧文文👍🏽文");
  for (const auto& line : l.lines) {
    INFO(test::joined(l));
    CHECK(line.text.find("\xE2\x80\x8D") != 0);  // no line starts with the ZWJ
  }
  CHECK(test::joined(l, "") == "文文👨‍👩‍👧文文👍🏽文");
}

TEST_CASE("emoji: without a colour emoji font each emoji cluster is one missing glyph, nothing crashes") {
  // The system's fontconfig setup without the emoji font, as on a board
  // without fonts-noto-color-emoji: FONTCONFIG_FILE is read when a
  // FontLibrary loads the configuration and scans the fonts.
  const auto dir = std::filesystem::temp_directory_path() / "paizi-test-noemoji";
  std::filesystem::create_directories(dir);
  const auto conf = dir / "fonts.conf";
  std::ofstream(conf)
      << "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
         "<fontconfig><include>/etc/fonts/fonts.conf</include><selectfont><rejectfont>"
         "<glob>*/NotoColorEmoji*</glob></rejectfont></selectfont></fontconfig>\n";
  const char* old = std::getenv("FONTCONFIG_FILE");
  const std::string saved = old ? old : "";
  setenv("FONTCONFIG_FILE", conf.c_str(), 1);
  text::FontLibrary fonts;
  if (old)
    setenv("FONTCONFIG_FILE", saved.c_str(), 1);
  else
    unsetenv("FONTCONFIG_FILE");
  text::Shaper shaper(fonts);
  CHECK(fonts.emoji() == nullptr);
  const auto p = shape("家👨‍👩‍👧🧧👍🏽", shaper);
  CHECK(p.missing == 3);  // one per cluster, not one per code point
  size_t boxes = 0;
  for (const auto& g : p.glyphs) boxes += g.missing;
  CHECK(boxes == 3);
  // Laid out and set like any text.
  text::LayoutOptions o;
  const auto l = text::layout_text(shaper, {"家👨‍👩‍👧🧧👍🏽"}, o);
  CHECK(l.missing_glyphs == 3);
  std::filesystem::remove_all(dir);
}
