#include "show/compose.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "platform/paths.h"
#include "show/grid.h"
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
  struct Compose {
    const content::Theme& theme;
    ComposeContext& ctx;
    std::vector<render::DisplayList> operator()(const content::SloganSlide& b) const {
      return compose_slogan(b, theme, ctx);
    }
    std::vector<render::DisplayList> operator()(const content::NewsSlide& b) const {
      return compose_news(b, theme, ctx);
    }
    std::vector<render::DisplayList> operator()(const content::KpiSlide& b) const {
      return compose_kpi(b, theme, ctx);
    }
    std::vector<render::DisplayList> operator()(const content::ImageSlide& b) const {
      return compose_image(b, theme, ctx);
    }
    std::vector<render::DisplayList> operator()(const content::AlertSlide& b) const {
      return compose_alert(b, theme, ctx);
    }
    std::vector<render::DisplayList> operator()(const content::VideoSlide& b) const {
      return compose_video(b, theme, ctx);
    }
  };
  return std::visit(Compose{theme, ctx}, slide.body);
}

std::string resolve_path(const ComposeContext& ctx, const std::string& path) {
  return platform::resolve_ref(ctx.base_dir, path);
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
  const bool cut =
      std::any_of(l.lines.begin(), l.lines.end(), [](const text::LayoutLine& ln) { return ln.ellipsis; });
  const float min_px = min_text_px(t, ctx);
  char line[200];
  if (cut)
    std::snprintf(line, sizeof line, "%s cut to %zu line%s at %.0f px (does not fit): ", what, l.lines.size(),
                  l.lines.size() == 1 ? "" : "s", l.size_px);
  else if (l.size_px < min_px)
    std::snprintf(line, sizeof line,
                  "%s set at %.0f px, below the theme's readable minimum of %.0f px: ", what, l.size_px,
                  min_px);
  else
    return l;
  ctx.warnings.push_back(line + text);
  return l;
}

double animation_length(const content::Slide& s) { return s.as<content::KpiSlide>() ? kKpiCountUp : 0.0; }

std::vector<render::DisplayList> compose_notice(const std::string& title, const std::string& detail,
                                                const content::Theme& t, ComposeContext& ctx) {
  content::SloganSlide s;
  s.lines = {title};
  s.subtitle = detail;
  return compose_slogan(s, t, ctx);
}

std::vector<render::DisplayList> compose_image(const content::ImageSlide& s, const content::Theme& t,
                                               ComposeContext& ctx) {
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  dl.clear = t.background;
  dl.ops.push_back(
      render::RectOp{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height), t.background});
  dl.ops.push_back(render::ImageOp{resolve_path(ctx, s.image), ctx.area.x, ctx.area.y, ctx.area.w, ctx.area.h,
                                   s.fit == content::ImageFit::Fill});
  return {dl};
}

std::vector<render::DisplayList> compose_video(const content::VideoSlide&, const content::Theme& t,
                                               ComposeContext& ctx) {
  // Black: the clip's letterbox. The player draws its frames over it in
  // ctx.area (show/video.h).
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  dl.clear = content::Color{0, 0, 0};
  (void)t;
  dl.ops.push_back(
      render::RectOp{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height), dl.clear});
  return {dl};
}

}  // namespace paizi::show
