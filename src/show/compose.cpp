#include "show/compose.h"
#include "show/grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "text/unicode.h"

namespace paizi::show {

text::LayoutOptions text_options(const content::Theme& theme, bool display_face, float size_px) {
  text::LayoutOptions o;
  o.shape.font.family = display_face ? theme.display_font : theme.font;
  o.shape.font.lang = theme.lang;
  o.shape.font.weight = display_face ? text::Weight::Bold : text::Weight::Regular;
  o.size_px = size_px;
  o.line_height = theme.line_height;
  return o;
}

void add_background(render::DisplayList& dl, const content::Theme& theme, const Rect& r) {
  dl.clear = theme.background;
  dl.ops.push_back(render::GradientOp{r.x, r.y, r.w, r.h, theme.background, theme.background2});
}

render::TextOp text_op(text::TextLayout&& layout, float x, float y, content::Color color, content::Color bg) {
  render::TextOp op;
  op.layout = std::make_shared<const text::TextLayout>(std::move(layout));
  op.x = x;
  op.y = y;
  op.color = color;
  op.background = bg;
  return op;
}

std::vector<render::DisplayList> compose_slide(const content::Slide& slide, const content::Theme& theme,
                                               ComposeContext& ctx) {
  if (slide.type == "slogan") return compose_slogan(slide, theme, ctx);
  if (slide.type == "news") return compose_news(slide, theme, ctx);
  if (slide.type == "kpi") return compose_kpi(slide, theme, ctx);
  if (slide.type == "image") return compose_image(slide, theme, ctx);
  if (slide.type == "alert") return compose_alert(slide, theme, ctx);
  // Unknown types never reach here (the playlist parser rejects them); be
  // safe anyway and show the theme background rather than nothing.
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  add_background(dl, theme, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
  return {dl};
}

std::string resolve_path(const ComposeContext& ctx, const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("://") != std::string::npos || ctx.base_dir.empty()) return path;
  return ctx.base_dir + "/" + path;
}

float min_text_px(const content::Theme& t, const ComposeContext& ctx) {
  return std::round(std::min(ctx.area.h, ctx.area.w * grid::kTextAspect) * t.min_text);
}

text::TextLayout fit_checked(ComposeContext& ctx, const content::Theme& t, const char* what,
                             const std::vector<std::string>& paragraphs, const text::LayoutOptions& o,
                             const text::FitBox& box) {
  text::TextLayout l = text::fit_text(ctx.shaper, paragraphs, o, box);
  std::string text;  // its start, to name it
  for (const auto& p : paragraphs) text += (text.empty() ? "" : " ") + p;
  if (const text::CodePoints cp = text::decode_utf8(text); cp.cps.size() > 16)
    text = cp.utf8.substr(0, cp.offset[16]) + "…";
  const bool cut = std::any_of(l.lines.begin(), l.lines.end(), [](const text::LayoutLine& ln) { return ln.ellipsis; });
  const float min_px = min_text_px(t, ctx);
  char line[200];
  if (cut)
    std::snprintf(line, sizeof line, "%s cut to %zu line%s at %.0f px (does not fit): ", what, l.lines.size(),
                  l.lines.size() == 1 ? "" : "s", l.size_px);
  else if (l.size_px < min_px)
    std::snprintf(line, sizeof line, "%s set at %.0f px, below the theme's readable minimum of %.0f px: ", what,
                  l.size_px, min_px);
  else
    return l;
  ctx.warnings.push_back(line + text);
  return l;
}

double animation_length(const content::Slide& s) { return s.type == "kpi" ? kKpiCountUp : 0.0; }

std::vector<render::DisplayList> compose_notice(const std::string& title, const std::string& detail,
                                                const content::Theme& t, ComposeContext& ctx) {
  content::Slide s;
  s.type = "slogan";
  s.lines = {title};
  s.subtitle = detail;
  return compose_slogan(s, t, ctx);
}

std::vector<render::DisplayList> compose_image(const content::Slide& s, const content::Theme& t, ComposeContext& ctx) {
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  dl.clear = t.background;
  dl.ops.push_back(render::RectOp{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height), t.background});
  dl.ops.push_back(render::ImageOp{resolve_path(ctx, s.image), ctx.area.x, ctx.area.y, ctx.area.w, ctx.area.h, s.fit == "fill"});
  return {dl};
}

}  // namespace paizi::show
