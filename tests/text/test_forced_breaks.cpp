// Forced breaks: text with no break opportunity under the configured rules
// that fits the measure (URLs, long Latin words, runs of small kana, CJK
// text whose only opportunities are prohibited). The engine relaxes level by
// level (strict, normal, loose, anywhere) as CSS line-break and
// overflow-wrap: anywhere do, and takes the least bad break.
#include <catch2/catch.hpp>

#include "text/unicode.h"
#include "text_fixture.h"

using namespace paizi;
using test::Lay;

namespace {

// Characters that must not start a line while anything less bad exists
// (the half-width ones only after CJK text: a URL breaks before '.' and '?').
const std::u32string kNeverAtStart =
    U"、，。．：；！？）］｝〕〉》」』】”’·・ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー々";
const std::u32string kNeverAtStartAfterCjk = U",.;:!?)]}";

size_t cp_count(const std::string& s) { return text::decode_utf8(s).cps.size(); }

// Every line fits, the text is kept whole, no line (after the first) starts
// with a prohibited character, and no line is one character long.
void check_lines(const text::TextLayout& l, const std::string& whole, float width_px) {
  INFO(test::joined(l));
  CHECK(test::joined(l, "") == whole);
  for (size_t i = 0; i < l.lines.size(); ++i) {
    const auto& line = l.lines[i];
    CHECK(line.x + line.length <= width_px + 0.5f);
    if (l.lines.size() > 1) CHECK(cp_count(line.text) >= 2);
    if (i == 0) continue;
    CHECK(kNeverAtStart.find(test::first_cp(line.text)) == std::u32string::npos);
    if (text::is_cjk(test::last_cp(l.lines[i - 1].text)))
      CHECK(kNeverAtStartAfterCjk.find(test::first_cp(line.text)) == std::u32string::npos);
  }
}

}  // namespace

TEST_CASE("forced: a long URL in a news body breaks after / and before . ? #") {
  const std::string url =
      "https://news.example.org/2026/04/21/yuanqu-keji-chuangxin-dahui.html?from=wechat#section-2";
  const std::string text = "详见" + url + "。";
  for (float w : {6.f, 8.f, 11.f}) {
    INFO("width " << w << " em");
    const auto l = Lay().width_em(w).justify().run(text);
    check_lines(l, text, w * 100);
    // Inside the URL lines end where URLs break, when such a place lies in
    // the line's second half; a line that had to end elsewhere is counted.
    int url_style = 0, other = 0;
    for (size_t i = 0; i + 1 < l.lines.size(); ++i) {
      const std::string& t = l.lines[i].text;
      const char32_t last = test::last_cp(t), next = test::first_cp(l.lines[i + 1].text);
      // After '/' and '-' and '?' (UAX #14 offers the last two), before . ? # &.
      if (last == U'/' || last == U'-' || last == U'?' || next == U'.' || next == U'?' || next == U'#' ||
          next == U'&')
        ++url_style;
      else
        ++other;
    }
    CHECK(url_style >= 2);
    CHECK(other <= 1);  // the line with 详见 may end before the URL
  }
}

TEST_CASE("forced: a 40-character Latin word in a narrow column leaves no line of one letter") {
  const std::string word = "Donaudampfschifffahrtsgesellschaftskapit";  // 40 letters
  REQUIRE(word.size() == 40);
  // Widths at which greedy filling would leave one letter alone at the end.
  const float letter_w = Lay().width_em(100).run(word).lines[0].natural / 100 / 40;
  int checked = 0;
  for (float w = 3.f; w <= 12.f; w += 0.125f) {
    const auto l = Lay().width_em(w).run("型号" + word);
    check_lines(l, "型号" + word, w * 100);
    ++checked;
  }
  CHECK(checked > 60);
  CHECK(letter_w > 0.3f);
}

TEST_CASE("forced: a run of small kana breaks at the normal level, not before a small kana at strict") {
  // Strict forbids a break before every small kana here, so nothing fits; the
  // normal level allows them and must be preferred to breaking before ー or 。.
  const std::string text = "ァィゥェォッャュョヮァィゥェォッャュョヮ。";
  for (float w : {4.f, 5.f, 7.f}) {
    INFO("width " << w);
    const auto l = Lay().width_em(w).level(text::BreakLevel::Strict).lang("ja").run(text);
    INFO(test::joined(l));
    CHECK(test::joined(l, "") == text);
    for (size_t i = 1; i < l.lines.size(); ++i) CHECK(test::first_cp(l.lines[i].text) != U'。');
    for (const auto& line : l.lines) CHECK(cp_count(line.text) >= 2);
    for (const auto& line : l.lines) CHECK(line.x + line.length <= w * 100 + 0.5f);
  }
}

TEST_CASE("forced: Chinese with no allowed break under strict rules") {
  // The number and its unit (９０万元，) may not be split under the configured
  // rules and do not fit beside ９: no line of one digit; the number breaks
  // between its digits or before its unit, never before ，.
  const std::string text = "今年营收１２３４５６７８９０万元，同比增长１２％。";
  for (float w : {3.f, 4.f, 5.f}) {
    INFO("width " << w);
    check_lines(Lay().width_em(w).level(text::BreakLevel::Strict).run(text), text, w * 100);
  }
  // A quotation whose closing marks do not fit beside its last ideograph:
  // breaking before the ！ is unavoidable at 3 em, a line of one character is not.
  const std::string quote = "「热烈祝贺２０２６年度创新大赛圆满成功！！！」。";
  const auto l = Lay().width_em(3).level(text::BreakLevel::Strict).run(quote);
  INFO(test::joined(l));
  CHECK(test::joined(l, "") == quote);
  for (const auto& line : l.lines) CHECK(cp_count(line.text) >= 2);
  // With a URL in it: the line before the URL keeps two characters.
  const std::string url = "请访问官网了解详情（www.example.gov.cn/2026）。";
  for (float w : {3.f, 4.f, 5.f})
    check_lines(Lay().width_em(w).level(text::BreakLevel::Strict).run(url), url, w * 100);
}

TEST_CASE("forced: a run of closing marks longer than the line still breaks without overflow") {
  // No less bad option exists: the marks must start a line somewhere.
  const std::string text = "好！！！！！！！！！！！！";
  const auto l = Lay().width_em(3).run(text);
  CHECK(test::joined(l, "") == text);
  for (const auto& line : l.lines) CHECK(line.x + line.length <= 300.5f);
}

TEST_CASE("a joiner after a character that is not an emoji is no cluster: the line may break after it") {
  // Found by fuzz_layout: U+FFFD ZWJ 👧 was kept together on a 40 px line
  // (the breaker treated everything after a ZWJ as one cluster); UAX #29
  // joins only an emoji, ZWJ, emoji sequence (GB11).
  static text::FontLibrary fonts;
  static text::Shaper shaper(fonts);
  text::LayoutOptions o;
  o.size_px = 20;
  o.width_px = 40;
  o.shape.line_break = text::BreakLevel::Strict;
  const text::TextLayout l = text::layout_text(shaper, {"\xEF\xBF\xBD\u200D\U0001F467"}, o);
  for (const auto& line : l.lines) {
    INFO(line.text);
    CHECK(line.x + line.length <= o.width_px + 0.5f);
  }
  // A real ZWJ sequence stays whole (one glyph, one line).
  const text::TextLayout family = text::layout_text(shaper, {"\U0001F469\u200D\U0001F467"}, o);
  CHECK(family.lines.size() == 1);
}
