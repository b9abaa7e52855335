// Overlays: display lists drawn over a slide (the header, a ticker strip).
// Unlike Painter::paint, nothing is cleared first and the glyph atlas's
// frame is not advanced: an overlay is part of the frame it is drawn on.
//
// Threading: the render thread (it paints through the Painter).
#pragma once

#include <cstddef>
#include <cstdint>

#include "render/display_list.h"
#include "render/painter.h"

namespace paizi::show {

// Paints ops [begin, end) of `dl` (rectangles and text; other kinds are not
// used by overlays and are skipped) onto the current render target.
void paint_overlay(render::Painter& painter, const render::DisplayList& dl, size_t begin = 0,
                   size_t end = SIZE_MAX);

}  // namespace paizi::show
