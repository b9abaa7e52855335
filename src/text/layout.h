// Stage 2 of the typesetting engine: set shaped text into lines (or vertical
// columns) at a pixel size: break, compress punctuation, space CJK/Latin,
// justify, fit, truncate with an ellipsis, paginate.
//
// Output is a value (TextLayout) in pixels relative to the layout box's
// top-left corner; it stays valid as long as the FontLibrary that made its
// faces lives.
#pragma once

#include <string>
#include <vector>

#include "text/shaper.h"

namespace paizi::text {

enum class Align { Start, Center, End };

struct LayoutOptions {
  ShapeOptions shape;
  float size_px = 36;     // em size, px
  float width_px = 1000;  // line length: box width (horizontal) or height (vertical)
  Align align = Align::Start;
  bool justify = false;             // full justification, last line start-aligned
  float indent_em = 0;              // first-line indent of each paragraph, em
  std::vector<char> unindented;     // per paragraph: 1 = no first-line indent (sub-headings)
  float line_height = 1.5f;         // line pitch as a multiple of size_px
  float paragraph_spacing_em = 0;   // extra space after each paragraph, em
  bool compress_line_start = true;  // opening bracket at line start loses its blank half
  int max_lines = 0;                // > 0: truncate with an ellipsis after this many lines
  bool balance = false;             // headlines/slogans: wrap into lines of even length
};

struct PositionedGlyph {
  const Face* face = nullptr;
  uint32_t gid = 0;
  float x = 0, y = 0;  // glyph origin, px (y = baseline for horizontal glyphs)
  float size = 0;      // px
  bool rotated = false;
  bool missing = false;
};

struct LayoutLine {
  int paragraph = 0;
  std::string text;    // exact source text of the line (break spaces excluded)
  float x = 0, y = 0;  // horizontal: line start x and baseline y; vertical: column axis x and top y
  float natural = 0;   // natural length before justification, px
  float length = 0;    // final length after justification/alignment, px
  size_t glyph_begin = 0, glyph_end = 0;  // range in TextLayout::glyphs
  bool ellipsis = false;
  bool paragraph_end = false;
};

struct TextLayout {
  std::vector<LayoutLine> lines;
  std::vector<PositionedGlyph> glyphs;
  float width = 0, height = 0;  // extent of the set text, px
  float size_px = 0;
  float line_pitch = 0;  // px between baselines (or column axes)
  bool vertical = false;
  bool truncated = false;  // lines were dropped for max_lines
  int missing_glyphs = 0;
  int broken_words = 0;  // balanced lines that had to end inside a word
};

// Sets already shaped text. Cheap compared with shaping; fit() calls it once
// per candidate size.
TextLayout set_text(const ShapedText& shaped, const LayoutOptions& opt);

// Convenience: shape + set.
TextLayout layout_text(Shaper& shaper, const std::vector<std::string>& paragraphs, const LayoutOptions& opt);

struct FitBox {
  float width = 0, height = 0;          // px
  float min_size = 12, max_size = 200;  // px
  int max_lines = 0;                    // 0 = any number of lines
};

// Largest integer px size in [min_size, max_size] whose layout fits the box
// (and max_lines). When even min_size does not fit, sets min_size with an
// ellipsis after the lines that fit.
TextLayout fit_text(Shaper& shaper, const std::vector<std::string>& paragraphs, LayoutOptions opt,
                    const FitBox& box);

// Splits a horizontal layout into pages of at most `page_height` px. Returns
// the index of the first line of each page. Never splits a line; keeps at
// least two lines of a paragraph together at a page end and a page start
// when the paragraph has enough lines.
std::vector<size_t> paginate(const TextLayout& layout, float page_height);

// Moves the lines [first, last) of a layout to the top of a new layout (a page).
TextLayout page_of(const TextLayout& layout, size_t first, size_t last);

}  // namespace paizi::text
