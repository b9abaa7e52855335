// `paizi layout`: the typesetting engine on stdin, JSON on stdout. (stdio,
// not <iostream>: its static initialiser would set up the standard streams'
// locales in every paizi process at start-up.)
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "app/cli.h"
#include "text/layout.h"
#include "text/layout_json.h"

namespace paizi::app {

int cmd_layout(Args& args) {
  text::LayoutOptions o;
  o.size_px = static_cast<float>(parse_double(args.value("--size").value_or("36"), "--size", 1, 2000));
  o.width_px = static_cast<float>(parse_double(args.value("--width").value_or("1000"), "--width", 1, 100000));
  o.shape.font.lang = args.value("--lang").value_or("zh-Hans");
  o.shape.font.family = args.value("--font").value_or("paizi-sans");
  if (args.flag("--bold")) o.shape.font.weight = text::Weight::Bold;
  const std::string lb = args.value("--line-break").value_or("basic");
  if (lb == "none")
    o.shape.line_break = text::BreakLevel::None;
  else if (lb == "basic")
    o.shape.line_break = text::BreakLevel::Basic;
  else if (lb == "strict")
    o.shape.line_break = text::BreakLevel::Strict;
  else
    throw UsageError{"--line-break must be none, basic or strict"};
  o.justify = args.flag("--justify");
  o.indent_em = static_cast<float>(parse_double(args.value("--indent").value_or("0"), "--indent", 0, 20));
  o.line_height =
      static_cast<float>(parse_double(args.value("--line-height").value_or("1.5"), "--line-height", 0.5, 5));
  o.max_lines = parse_int(args.value("--max-lines").value_or("0"), "--max-lines", 0, 100000);
  o.shape.normalize_commas = args.flag("--normalize-commas");
  if (args.flag("--vertical")) {
    o.shape.vertical = true;
    const auto h = args.value("--height");
    if (!h) throw UsageError{"--vertical needs --height PX (the column length)"};
    o.width_px = static_cast<float>(parse_double(*h, "--height", 1, 100000));
  }
  if (!args.positionals().empty()) throw UsageError{"layout reads its text from stdin and takes no file"};

  std::string in;
  char buf[1 << 16];
  for (size_t n = 0; (n = std::fread(buf, 1, sizeof buf, stdin)) > 0;) in.append(buf, n);
  std::vector<std::string> paragraphs;
  for (size_t at = 0; at < in.size();) {  // lines; a last one without '\n' counts
    size_t end = in.find('\n', at);
    if (end == std::string::npos) end = in.size();
    std::string line = in.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    paragraphs.push_back(std::move(line));
    at = end + 1;
  }
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  if (!fonts.chain(o.shape.font).primary()) {
    std::fprintf(stderr, "paizi layout: no font found for %s (install fonts-noto-cjk)\n",
                 o.shape.font.family.c_str());
    return kExitFailure;
  }
  const text::TextLayout l = text::layout_text(shaper, paragraphs, o);
  const std::string json = text::layout_to_json(l) + "\n";
  std::fwrite(json.data(), 1, json.size(), stdout);
  if (l.missing_glyphs > 0)
    std::fprintf(stderr, "paizi layout: warning: %d code points have no glyph in any installed font\n",
                 l.missing_glyphs);
  return kExitOk;
}

}  // namespace paizi::app
