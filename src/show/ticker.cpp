#include "show/ticker.h"

#include <algorithm>
#include <cmath>

#include <SDL.h>

#include "show/grid.h"
#include "show/overlay.h"

namespace paizi::show {

namespace {

std::shared_ptr<const text::TextLayout> one_line(text::Shaper& shaper, const content::Theme& theme,
                                                 const std::string& s, float strip_h) {
  text::LayoutOptions o = text_options(theme, false, std::round(strip_h * grid::kTickerTextSize));
  o.width_px = 1e9f;
  o.line_height = grid::kTickerLineHeight;
  return std::make_shared<const text::TextLayout>(text::layout_text(shaper, {s}, o));
}

}  // namespace

TickerLine layout_ticker(text::Shaper& shaper, const content::Theme& theme,
                         const std::vector<TickerItem>& items, const std::string& separator, float strip_h) {
  TickerLine line;
  if (items.empty()) return line;
  const bool chips =
      std::any_of(items.begin(), items.end(), [](const TickerItem& i) { return i.chip.has_value(); });
  if (!chips) {
    const std::string sep = "　" + separator + "　";
    std::string s;
    for (const TickerItem& it : items) s += it.text + sep;
    auto l = one_line(shaper, theme, s, strip_h);
    // The trailing separator's closing ideographic space is trimmed by the
    // layout; the cycle restores it so the wrap point is seamless.
    line.cycle = l->width + l->size_px;
    line.segments.push_back({std::move(l), 0, std::nullopt});
    return line;
  }
  // chip, half an em, text, two em to the next chip.
  for (const TickerItem& it : items) {
    auto l = one_line(shaper, theme, it.text, strip_h);
    const float em = l->size_px;
    line.chip_px = std::round(em * grid::kChipEm);
    const float text_x = line.cycle + (it.chip ? line.chip_px + std::round(em * grid::kChipGapEm) : 0);
    line.cycle = text_x + l->width + em * 2;
    line.segments.push_back({std::move(l), text_x, it.chip});
  }
  return line;
}

float ticker_position(const TickerLine& line, double offset) {
  if (line.empty()) return 0;
  double pos = std::fmod(offset - static_cast<double>(line.lead), static_cast<double>(line.cycle));
  if (pos < 0) pos += static_cast<double>(line.cycle);
  return static_cast<float>(std::round(pos));
}

void draw_ticker(render::Painter& painter, SDL_Renderer* renderer, const TickerLine& line, const Rect& strip,
                 double offset, const TickerColours& c) {
  paint_ticker_at(painter, renderer, line, strip, ticker_position(line, offset), c);
}

render::DisplayList ticker_list(const TickerLine& line, const Rect& strip, float pos,
                                const TickerColours& c) {
  render::DisplayList dl;
  dl.width = static_cast<int>(strip.w);
  dl.height = static_cast<int>(strip.h);
  dl.clear = c.background;
  dl.ops.push_back(render::RectOp{strip.x, strip.y, strip.w, strip.h, c.background});
  dl.ops.push_back(render::RectOp{strip.x, strip.y, strip.w, grid::kRulePx, c.rule});
  if (line.empty()) return dl;
  for (float x0 = strip.x - pos; x0 < strip.x + strip.w; x0 += line.cycle) {
    for (const TickerLine::Segment& seg : line.segments) {
      const text::TextLayout& l = *seg.text;
      const float x = x0 + seg.x;
      if (x - line.chip_px - l.size_px > strip.x + strip.w || x + l.width + l.size_px < strip.x) continue;
      if (seg.chip) {
        const float cy = strip.y + std::round((strip.h - line.chip_px) / 2);
        dl.ops.push_back(render::RectOp{x - line.chip_px - std::round(l.size_px * grid::kChipGapEm), cy,
                                        line.chip_px, line.chip_px, *seg.chip});
      }
      // Only the glyphs inside the strip (glyph x grows along the line).
      const float y = strip.y + (strip.h - l.height) / 2;
      const float lo = strip.x - x - l.size_px * 2, hi = strip.x + strip.w - x + l.size_px;
      const auto first = std::lower_bound(l.glyphs.begin(), l.glyphs.end(), lo,
                                          [](const text::PositionedGlyph& g, float v) { return g.x < v; });
      const auto last = std::lower_bound(first, l.glyphs.end(), hi,
                                         [](const text::PositionedGlyph& g, float v) { return g.x < v; });
      dl.ops.push_back(render::TextOp{seg.text, x, y, c.text, c.background,
                                      static_cast<size_t>(first - l.glyphs.begin()),
                                      static_cast<size_t>(last - l.glyphs.begin())});
    }
  }
  return dl;
}

void paint_ticker_at(render::Painter& painter, SDL_Renderer* renderer, const TickerLine& line,
                     const Rect& strip, float pos, const TickerColours& c) {
  const render::DisplayList dl = ticker_list(line, strip, pos, c);
  paint_overlay(painter, dl, 0, kStripOps);  // background and rule
  const SDL_Rect clip{static_cast<int>(strip.x), static_cast<int>(strip.y), static_cast<int>(strip.w),
                      static_cast<int>(strip.h)};
  SDL_RenderSetClipRect(renderer, &clip);
  paint_overlay(painter, dl, kStripOps);
  SDL_RenderSetClipRect(renderer, nullptr);
}

}  // namespace paizi::show
