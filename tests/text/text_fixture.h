// Shared helpers for the text engine tests: one font library per test
// binary (fontconfig + real Noto CJK fonts), layouts at 100 px so that
// 1 em == 100 px and widths read as font units / 10.
#pragma once

#include <string>
#include <vector>

#include "text/layout.h"

namespace paizi::test {

text::Shaper& shaper();

struct Lay {
  float em = 100;
  text::LayoutOptions opt;
  Lay() {
    opt.size_px = em;
    opt.width_px = 10 * em;
  }
  Lay& width_em(float w) {
    opt.width_px = w * em;
    return *this;
  }
  Lay& level(text::BreakLevel l) {
    opt.shape.line_break = l;
    return *this;
  }
  Lay& lang(const std::string& l) {
    opt.shape.font.lang = l;
    return *this;
  }
  Lay& justify(bool j = true) {
    opt.justify = j;
    return *this;
  }
  Lay& vertical() {
    opt.shape.vertical = true;
    return *this;
  }
  text::TextLayout run(const std::vector<std::string>& paras) const {
    return text::layout_text(shaper(), paras, opt);
  }
  text::TextLayout run(const std::string& para) const { return run(std::vector<std::string>{para}); }
};

std::vector<std::string> line_texts(const text::TextLayout& l);
std::string joined(const text::TextLayout& l, const char* sep = "|");
// First / last code point of a UTF-8 string.
char32_t first_cp(const std::string& s);
char32_t last_cp(const std::string& s);

}  // namespace paizi::test
