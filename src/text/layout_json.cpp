#include "text/layout_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace paizi::text {

namespace {
double r2(float v) { return std::round(static_cast<double>(v) * 100.0) / 100.0; }
}  // namespace

std::string layout_to_json(const TextLayout& layout) {
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const LayoutLine& l : layout.lines) {
    nlohmann::ordered_json j;
    j["paragraph"] = l.paragraph;
    j["text"] = l.text;
    j["x"] = r2(l.x);
    j["y"] = r2(l.y);
    j["width"] = r2(l.natural);
    if (l.ellipsis) j["ellipsis"] = true;
    lines.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["lines"] = std::move(lines);
  out["width"] = r2(layout.width);
  out["height"] = r2(layout.height);
  out["size"] = r2(layout.size_px);
  out["missing_glyphs"] = layout.missing_glyphs;
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace paizi::text
