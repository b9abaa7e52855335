// A composed frame as a value: the primitives a slide is made of, in paint
// order, in logical pixels. Composition (src/show) produces it without a
// display; the painter draws it with an SDL renderer. A display list stays
// valid as long as the FontLibrary behind its text layouts.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "render/color.h"
#include "text/layout.h"

namespace paizi::render {

struct RectOp {
  float x = 0, y = 0, w = 0, h = 0;
  Color color;
};
// Vertical gradient from `top` to `bottom` colour.
struct GradientOp {
  float x = 0, y = 0, w = 0, h = 0;
  Color top, bottom;
};
struct TextOp {
  std::shared_ptr<const text::TextLayout> layout;
  float x = 0, y = 0;  // layout origin (box top-left), px
  Color color;
  Color background;                              // what the text sits on (selects the gamma curve)
  size_t glyph_begin = 0, glyph_end = SIZE_MAX;  // subset of the layout (count-ups)
};
struct ImageOp {
  std::string path;
  float x = 0, y = 0, w = 0, h = 0;  // target box
  bool fill = false;                 // fill (crop) or fit (letterbox)
};
// A square QR module grid; `modules` is size*size booleans (dark = true).
struct QrOp {
  float x = 0, y = 0, module = 0;
  int size = 0;
  std::vector<bool> modules;
  Color dark, light;
};

using DrawOp = std::variant<RectOp, GradientOp, TextOp, ImageOp, QrOp>;

struct DisplayList {
  int width = 0, height = 0;
  Color clear;
  std::vector<DrawOp> ops;
};

}  // namespace paizi::render
