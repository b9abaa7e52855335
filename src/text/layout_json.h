// JSON form of a layout, as printed by `paizi layout`.
#pragma once

#include <string>

#include "text/layout.h"

namespace paizi::text {

// {"lines":[{"paragraph":P,"text":"…","x":X,"y":BASELINE_Y,"width":NATURAL_WIDTH_PX}],
//  "width":W,"height":H,"missing_glyphs":N} ; px rounded to 0.01.
std::string layout_to_json(const TextLayout& layout);

}  // namespace paizi::text
