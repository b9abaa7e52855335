// A ticker line: items laid out once into a strip, then drawn at any
// scroll offset every frame. The playlist's ticker zone uses it, and so
// does the alert ticker along the bottom of a CAP takeover (the other
// alerts in force, each after a chip in its severity's colour).
//
// Lifetime: a TickerLine is a value; its layouts are shared, immutable.
// Drawing runs on the render thread (it paints through the Painter and sets
// the SDL renderer's clip rectangle, restored before it returns).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "content/playlist.h"
#include "render/painter.h"
#include "show/compose.h"
#include "text/layout.h"
#include "text/shaper.h"

struct SDL_Renderer;

namespace paizi::show {

struct TickerItem {
  std::string text;
  std::optional<content::Color> chip;  // a square before the text, in this colour
};

struct TickerLine {
  struct Segment {
    std::shared_ptr<const text::TextLayout> text;
    float x = 0;  // px from the start of the cycle to the text (after its chip)
    std::optional<content::Color> chip;
  };
  std::vector<Segment> segments;
  float cycle = 0;    // px per cycle: the line and its trailing separator
  float chip_px = 0;  // side of a chip, px
  float lead = 0;     // px from the strip's left edge to the line's start at offset 0
  bool empty() const { return segments.empty() || cycle <= 0; }
};

// Items without chips are joined into one text, each followed by
// "　SEPARATOR　"; items with a chip are set one by one, separated by the
// chip's own gap. Text size: 0.46 of the strip height.
TickerLine layout_ticker(text::Shaper& shaper, const content::Theme& theme,
                         const std::vector<TickerItem>& items, const std::string& separator, float strip_h);

// Where `line` stands at scroll `offset`: px into its cycle, a whole number
// (frames shift by whole pixels, so a strip painted once and copied at that
// column is the same frame: Player::draw_ticker_strip).
float ticker_position(const TickerLine& line, double offset);

// The strip's background and top rule, then `line` scrolled by `offset` px
// (wrapping every cycle), clipped to `strip`. Only the glyphs inside the
// strip are painted.
void draw_ticker(render::Painter& painter, SDL_Renderer* renderer, const TickerLine& line, const Rect& strip,
                 double offset, const TickerColours& colours);
// The strip at position `pos` px as a display list: its background, the
// rule along its top (the first kStripOps ops), then the chips and the
// glyph runs inside the strip, to be painted clipped to it.
constexpr size_t kStripOps = 2;
render::DisplayList ticker_list(const TickerLine& line, const Rect& strip, float pos,
                                const TickerColours& colours);
// Paints ticker_list at position `pos` px (any value, not wrapped: `pos` and `pos` +
// one cycle show the same).
void paint_ticker_at(render::Painter& painter, SDL_Renderer* renderer, const TickerLine& line,
                     const Rect& strip, float pos, const TickerColours& colours);

}  // namespace paizi::show
