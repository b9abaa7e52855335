// Line breaking: UAX #14 (ICU) plus the clreq/JLreq prohibition rules.
#include <catch2/catch.hpp>

#include "text/unicode.h"
#include "text_fixture.h"

using namespace paizi;
using test::Lay;

namespace {

std::vector<std::string> utf8_list(const std::u32string& chars) {
  std::vector<std::string> v;
  for (char32_t c : chars) {
    std::string s;
    text::append_utf8(s, c);
    v.push_back(s);
  }
  return v;
}

// Every line fits its measure (never overflows).
void check_fits(const text::TextLayout& l, float width) {
  for (const auto& line : l.lines) CHECK(line.x + line.length <= width + 0.5f);
}

const std::u32string kNotAtStart =
    U"、，。．：；！？‼⁇）］｝〕〉》」』】〙〗”’·・‐〜゠–"
    U"ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶヽヾゝゞ々〻";
const std::u32string kNotAtEnd = U"（［｛〔〈《「『【〘〖“‘";

}  // namespace

TEST_CASE("basic: no line starts with a line-start-prohibited character") {
  for (const std::string& c : utf8_list(kNotAtStart)) {
    for (float w : {3.f, 2.f}) {
      INFO("char " << c << " width " << w << " em");
      const auto l = Lay().width_em(w).run("文文文" + c + "文文");
      REQUIRE(l.lines.size() >= 2);
      for (size_t i = 1; i < l.lines.size(); ++i) CHECK(l.lines[i].text.rfind(c, 0) != 0);
      CHECK(test::joined(l, "") == "文文文" + c + "文文");
      check_fits(l, w * 100);
    }
  }
}

TEST_CASE("basic: no line ends with a line-end-prohibited character") {
  for (const std::string& c : utf8_list(kNotAtEnd)) {
    for (float w : {3.f, 4.f}) {
      INFO("char " << c << " width " << w << " em");
      const auto l = Lay().width_em(w).run("文文" + c + "文文文文");
      REQUIRE(l.lines.size() >= 2);
      for (size_t i = 0; i + 1 < l.lines.size(); ++i) {
        const auto& t = l.lines[i].text;
        CHECK((t.size() < c.size() || t.compare(t.size() - c.size(), c.size(), c) != 0));
      }
      check_fits(l, w * 100);
    }
  }
}

TEST_CASE("half-width closing punctuation after CJK never starts a line") {
  for (const std::string& c : utf8_list(U",.;:!?)]}")) {
    INFO("char " << c);
    const auto l = Lay().width_em(3).run("文文文" + c + "文文");
    for (size_t i = 1; i < l.lines.size(); ++i) CHECK(l.lines[i].text.rfind(c, 0) != 0);
  }
}

TEST_CASE("levels: none allows small kana at line start, strict forbids the prolonged sound mark") {
  CHECK(test::line_texts(Lay().width_em(3).level(text::BreakLevel::None).lang("ja").run("文文文っ文文"))[1] ==
        "っ文文");
  CHECK(test::first_cp(
            Lay().width_em(3).level(text::BreakLevel::Basic).lang("ja").run("文文文っ文文").lines[1].text) !=
        U'っ');
  CHECK(test::line_texts(
            Lay().width_em(3).level(text::BreakLevel::Basic).lang("ja").run("文文文ー文文"))[1] == "ー文文");
  CHECK(test::first_cp(
            Lay().width_em(3).level(text::BreakLevel::Strict).lang("ja").run("文文文ー文文").lines[1].text) !=
        U'ー');
}

TEST_CASE("—— and …… are never split") {
  for (const char* pair : {"——", "……"}) {
    for (float w : {3.f, 2.5f, 3.5f}) {
      INFO(pair << " at " << w);
      const auto l = Lay().width_em(w).run(std::string("文文") + pair + "文文文");
      for (const auto& line : l.lines) {
        const auto cps = text::decode_utf8(line.text).cps;
        const char32_t mark = text::decode_utf8(pair).cps[0];
        const auto n = std::count(cps.begin(), cps.end(), mark);
        CHECK((n == 0 || n == 2));
      }
    }
  }
}

TEST_CASE("numbers stay with their units and signs") {
  struct Case {
    const char* text;
    const char* unit;
  };
  for (const Case& c : {Case{"今年投入40万元经费", "40万元"}, Case{"增长了18%以上", "18%"},
                        Case{"截至2022年底完成", "2022年"}, Case{"每人服务2-3个项目", "2-3个"}}) {
    const float unit_w = Lay().width_em(100).run(c.unit).lines[0].natural / 100;
    for (float w = unit_w; w <= 7.5f; w += 0.25f) {
      INFO(c.text << " at " << w << " em");
      const auto l = Lay().width_em(w).run(c.text);
      bool found = false;
      for (const auto& line : l.lines) found |= line.text.find(c.unit) != std::string::npos;
      CHECK(found);
    }
  }
}

TEST_CASE("Latin words are not split unless wider than the line") {
  const float word_w = Lay().width_em(100).run("Raspberry").lines[0].natural / 100;
  for (float w = word_w; w <= 9.f; w += 0.5f) {
    const auto l = Lay().width_em(w).run("我们在Raspberry Pi上运行");
    bool whole = false;
    for (const auto& line : l.lines) whole |= line.text.find("Raspberry") != std::string::npos;
    INFO("width " << w << ": " << test::joined(l));
    CHECK(whole);
    check_fits(l, w * 100);
  }
  const auto l = Lay().width_em(2).run("Pneumonoultramicroscopic");
  CHECK(l.lines.size() > 2);
  CHECK(test::joined(l, "") == "Pneumonoultramicroscopic");
  check_fits(l, 200);
}

TEST_CASE("compress before pushing: a closing mark that fits once compressed stays on the line") {
  // 4 ideographs + 。 = 5 em natural; at 4.6 em the 。 fits by losing its blank half.
  const auto l = Lay().width_em(4.6f).run("文文文文。文文");
  REQUIRE(l.lines.size() == 2);
  CHECK(l.lines[0].text == "文文文文。");
  check_fits(l, 460);
}

TEST_CASE("break opportunities from ICU over UTF-16 match uax14_breaks over UTF-8") {
  // Level None adds no prohibition and these texts have no digits, dashes or
  // ellipses, so the shaper's break flags are exactly ICU's opportunities.
  // Supplementary characters (two UTF-16 units) exercise the index mapping.
  const std::vector<std::string> texts = {
      "汉字和标点，“引号”（括号）、顿号。",
      "𠀀𠀁字𪚥，😀表情 emoji 😀😀 and Latin words; 𠮷野家。",
      "e\xCC\x81t\xC3\xA9 caf\xC3\xA9 na\xC3\xAFve — x",
      "かなカナ・ー　全角スペース　混在 mixed text here",
      "😀",
      "a 𠀀 b 𠀀 c",
  };
  for (const std::string& t : texts) {
    text::ShapeOptions opt;
    opt.line_break = text::BreakLevel::None;
    const text::ShapedParagraph p = test::shaper().shape_paragraph(t, opt);
    std::vector<int32_t> want;
    for (int32_t b : test::shaper().uax14_breaks(p.text.utf8, text::BreakLevel::None)) want.push_back(b);
    std::vector<int32_t> got;
    for (size_t i = 0; i + 1 < p.cps.size(); ++i)
      if (p.flags[i] & text::kBreakAfter) got.push_back(static_cast<int32_t>(p.text.offset[i + 1]));
    INFO(t);
    CHECK(got == want);
  }
}
