#include "text_fixture.h"

namespace paizi::test {

text::Shaper& shaper() {
  static text::FontLibrary fonts;
  static text::Shaper s(fonts);
  return s;
}

std::vector<std::string> line_texts(const text::TextLayout& l) {
  std::vector<std::string> v;
  for (const auto& line : l.lines) v.push_back(line.text);
  return v;
}

std::string joined(const text::TextLayout& l, const char* sep) {
  std::string s;
  for (size_t i = 0; i < l.lines.size(); ++i) {
    if (i) s += sep;
    s += l.lines[i].text;
  }
  return s;
}

char32_t first_cp(const std::string& s) {
  const auto cp = text::decode_utf8(s);
  return cp.cps.empty() ? 0 : cp.cps.front();
}

char32_t last_cp(const std::string& s) {
  const auto cp = text::decode_utf8(s);
  return cp.cps.empty() ? 0 : cp.cps.back();
}

}  // namespace paizi::test
