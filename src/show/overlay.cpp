#include "show/overlay.h"

#include <algorithm>
#include <variant>

namespace paizi::show {

void paint_overlay(render::Painter& painter, const render::DisplayList& dl, size_t begin, size_t end) {
  end = std::min(end, dl.ops.size());
  for (size_t i = begin; i < end; ++i) {
    if (const auto* r = std::get_if<render::RectOp>(&dl.ops[i])) {
      painter.paint_rect(r->x, r->y, r->w, r->h, r->color);
    } else if (const auto* t = std::get_if<render::TextOp>(&dl.ops[i]); t && t->layout) {
      painter.paint_text(*t->layout, t->x, t->y, t->color, t->background, t->glyph_begin, t->glyph_end);
    }
  }
}

}  // namespace paizi::show
