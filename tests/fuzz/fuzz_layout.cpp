// Fuzz target: the typesetting engine with arbitrary bytes as text. The
// font library and shaper are created once (as in the player). The first
// input bytes choose the options:
//   byte 0: bit 0 vertical, bit 1 justify, bit 2 balance, bits 3-4 align,
//           bit 5 fit_text instead of layout_text, bit 6 paginate the result,
//           bit 7 normalise commas
//   byte 1: break level (mod 3); byte 2: line length in em (1..64)
//   byte 3: max_lines (0..7); byte 4: language (zh-Hans, zh-Hant, ja, ko, en)
// The rest is the text; '\n' separates paragraphs.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include "fuzz_input.h"
#include "text/layout.h"
#include "text/unicode.h"

using namespace paizi;

namespace {

// Extended grapheme clusters (UAX #29) in `s`: what a reader sees as one
// character (a letter and its marks, an emoji ZWJ sequence, a flag).
size_t graphemes(const std::string& s) {
  static std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st));
    if (U_FAILURE(st)) __builtin_trap();
    return b;
  }();
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  it->setText(u);
  size_t n = 0;
  for (int32_t p = it->next(); p != icu::BreakIterator::DONE; p = it->next()) ++n;
  return n;
}

text::Shaper& shaper() {
  static text::FontLibrary fonts;
  static text::Shaper s(fonts);
  return s;
}

std::vector<std::string> paragraphs(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() < 64) {
    const size_t nl = text.find('\n', start);
    out.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // a slide's worth of text; longer inputs only slow the search
  fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  const uint8_t level = in.byte();
  const uint8_t width = in.byte();
  const uint8_t max_lines = in.byte();
  const uint8_t lang = in.byte();
  static const char* const kLangs[] = {"zh-Hans", "zh-Hant", "ja", "ko", "en"};

  text::LayoutOptions opt;
  opt.size_px = 20;
  opt.width_px = static_cast<float>(1 + width % 64) * opt.size_px;
  opt.shape.vertical = flags & 1;
  opt.justify = flags & 2;
  opt.balance = flags & 4;
  opt.align = static_cast<text::Align>(((flags >> 3) & 3) % 3);
  opt.shape.normalize_commas = flags & 128;
  opt.shape.line_break = static_cast<text::BreakLevel>(level % 3);
  opt.shape.font.lang = kLangs[lang % 5];
  opt.max_lines = max_lines % 8;
  const auto paras = paragraphs(in.rest());

  text::TextLayout l;
  float measure = opt.width_px;  // px along the line
  if (flags & 32) {
    text::FitBox box;
    box.width = opt.width_px;
    box.height = opt.width_px / 2;
    box.min_size = 8;
    box.max_size = 48;
    box.max_lines = opt.max_lines;
    l = text::fit_text(shaper(), paras, opt, box);
    measure = opt.shape.vertical ? box.height : box.width;
  } else {
    l = text::layout_text(shaper(), paras, opt);
  }
  // Invariants a renderer relies on.
  for (const auto& line : l.lines) {
    if (line.glyph_begin > line.glyph_end || line.glyph_end > l.glyphs.size()) __builtin_trap();
    // No line leaves the measure, except one that holds a single cluster
    // (a character and its marks, an emoji sequence) wider than the measure
    // on its own.
    const float start = l.vertical ? line.y : line.x;
    const float tol = 0.5f + 1e-4f * measure;
    if (start >= -tol && start + line.length <= measure + tol) continue;
    if (graphemes(line.text) > 1) __builtin_trap();
  }
  // Every glyph lands somewhere real, and max_lines holds.
  for (const auto& g : l.glyphs)
    if (!std::isfinite(g.x) || !std::isfinite(g.y)) __builtin_trap();
  if (!(flags & 32) && opt.max_lines > 0 && l.lines.size() > static_cast<size_t>(opt.max_lines))
    __builtin_trap();
  // Nothing is lost, repeated or reordered: the lines of each paragraph hold
  // its text less the spaces at breaks (all of it unless truncated).
  auto letters = [](std::string_view s) {
    std::u32string out;
    for (char32_t c : text::decode_utf8(s).cps)
      if (!text::is_space(c)) out += c;
    return out;
  };
  std::vector<std::u32string> got(paras.size());
  for (const auto& line : l.lines) {
    if (line.paragraph < 0 || static_cast<size_t>(line.paragraph) >= paras.size()) __builtin_trap();
    got[static_cast<size_t>(line.paragraph)] += letters(line.text);
  }
  for (size_t i = 0; i < paras.size(); ++i) {
    const std::u32string want = letters(paras[i]);
    if (l.truncated ? want.compare(0, got[i].size(), got[i]) != 0 : got[i] != want) __builtin_trap();
  }
  if ((flags & 64) && !l.vertical) {
    const auto firsts = text::paginate(l, std::max(l.line_pitch * 3, 1.0f));
    for (size_t i = 0; i < firsts.size(); ++i) {
      const size_t last = i + 1 < firsts.size() ? firsts[i + 1] : l.lines.size();
      if (firsts[i] > last) __builtin_trap();
      (void)text::page_of(l, firsts[i], last);
    }
  }
  return 0;
}
