// Slogan slides: full-screen banners, horizontal or vertical, and couplets
// (two vertical columns with a cross-banner).
#include <algorithm>
#include <cmath>

#include "show/compose.h"
#include "show/grid.h"

namespace paizi::show {
namespace {

render::DisplayList base(const content::Theme& t, const ComposeContext& ctx) {
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  add_background(dl, t, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
  return dl;
}

// A horizontal rule in the accent colour, centred at y.
void rule(render::DisplayList& dl, const content::Theme& t, float cx, float y, float w, float thick) {
  dl.ops.push_back(render::RectOp{cx - w / 2, y - thick / 2, w, thick, t.accent});
}

void horizontal(render::DisplayList& dl, const content::SloganSlide& s, const content::Theme& t,
                ComposeContext& ctx) {
  const Rect a = ctx.area;
  const float m = t.margin * std::min(a.w, a.h);
  const float box_w = a.w - 2 * m;
  const bool has_sub = !s.subtitle.empty();
  const float sub_size = std::round(a.h * t.body_size * 1.1f);
  const float box_h = (a.h - 2 * m) * (has_sub ? grid::kSloganBoxWithSubtitle : grid::kSloganBox);

  text::LayoutOptions o = text_options(t, true, 0);
  o.align = text::Align::Center;
  o.balance = true;
  o.line_height = 1.35f;
  o.shape.line_break = text::BreakLevel::Strict;
  text::FitBox box{box_w, box_h, std::round(a.h * grid::kSloganMinText),
                   std::round(a.h * grid::kSloganMaxText), static_cast<int>(s.lines.size()) * 2};
  text::TextLayout main = fit_checked(ctx, t, "slogan", s.lines, o, box);

  text::TextLayout sub;
  float sub_h = 0;
  if (has_sub) {
    text::LayoutOptions so = text_options(t, false, sub_size);
    so.align = text::Align::Center;
    so.width_px = box_w;
    so.max_lines = 2;
    so.line_height = 1.4f;
    sub = text::layout_text(ctx.shaper, {s.subtitle}, so);
    sub_h = sub.height;
  }
  // The block: rule, slogan, rule, subtitle; centred in the area.
  const float gap = std::min(main.size_px * 0.5f, a.h * 0.06f);
  const float rule_w = std::min(box_w, std::max(main.width * 0.35f, main.size_px * 3));
  const float thick = std::max(2.f, std::round(main.size_px * 0.06f));
  const float block = main.height + 2 * gap + (has_sub ? gap + sub_h : 0);
  float y = a.y + (a.h - block) / 2;
  const float cx = a.x + a.w / 2;
  rule(dl, t, cx, y, rule_w, thick);
  y += gap;
  dl.ops.push_back(text_op(std::move(main), a.x + m, y, t.foreground, t.background));
  y += std::get<render::TextOp>(dl.ops.back()).layout->height + gap;
  rule(dl, t, cx, y, rule_w, thick);
  if (has_sub) {
    y += gap;
    dl.ops.push_back(text_op(std::move(sub), a.x + m, y, t.muted, t.background));
  }
}

// One vertical column fitted into a box, centred in it.
void column(render::DisplayList& dl, const std::string& line, const content::Theme& t, ComposeContext& ctx,
            const Rect& r, bool panel) {
  text::LayoutOptions o = text_options(t, true, 0);
  o.shape.vertical = true;
  o.shape.line_break = text::BreakLevel::Strict;
  o.align = text::Align::Center;
  o.line_height = 1.2f;
  const float pad = r.w * grid::kColumnPad;
  text::FitBox box{r.w - 2 * pad, r.h - 2 * pad, 16, std::floor((r.w - 2 * pad) / 1.2f), 2};
  text::TextLayout l = fit_checked(ctx, t, "vertical line", {line}, o, box);
  if (panel) {
    dl.ops.push_back(render::RectOp{r.x, r.y, r.w, r.h, t.background2});
    const float b = std::max(2.f, std::round(r.w * grid::kColumnFrame));
    // A thin accent frame inset in the panel.
    dl.ops.push_back(render::RectOp{r.x + b, r.y + b, r.w - 2 * b, b, t.accent});
    dl.ops.push_back(render::RectOp{r.x + b, r.y + r.h - 2 * b, r.w - 2 * b, b, t.accent});
    dl.ops.push_back(render::RectOp{r.x + b, r.y + b, b, r.h - 2 * b, t.accent});
    dl.ops.push_back(render::RectOp{r.x + r.w - 2 * b, r.y + b, b, r.h - 2 * b, t.accent});
  }
  const float x = r.x + (r.w - l.width) / 2;
  // Vertical layouts are aligned within their column length already.
  dl.ops.push_back(text_op(std::move(l), x, r.y + pad, t.accent, t.background2));
}

void vertical(render::DisplayList& dl, const content::SloganSlide& s, const content::Theme& t,
              ComposeContext& ctx) {
  const Rect a = ctx.area;
  const float m = t.margin * std::min(a.w, a.h);
  const bool couplet = s.lines.size() == 2;
  float top = a.y + m;
  if (!s.banner.empty()) {
    // Cross-banner (横批), read left to right, above the couplet.
    const float bw = std::min(a.w * grid::kBannerWidth, a.h * grid::kBannerMaxWidth),
                bh = a.h * grid::kBannerHeight;
    const Rect br{a.x + (a.w - bw) / 2, top, bw, bh};
    dl.ops.push_back(render::RectOp{br.x, br.y, br.w, br.h, t.background2});
    text::LayoutOptions o = text_options(t, true, 0);
    o.align = text::Align::Center;
    o.line_height = 1.2f;
    text::FitBox box{bw * 0.86f, bh * 0.8f, 16, bh * 0.6f, 1};
    text::TextLayout l = fit_checked(ctx, t, "banner", {s.banner}, o, box);
    const float ly = br.y + (bh - l.height) / 2;
    dl.ops.push_back(text_op(std::move(l), br.x + bw * 0.07f, ly, t.accent, t.background2));
    top += bh + m * 0.6f;
  }
  const float h = a.y + a.h - m - top;
  const size_t n = s.lines.size();
  const float col_w = std::min(a.w * grid::kColumnWidth, h / 5.f);
  if (couplet) {
    // 上联 on the right, 下联 on the left, at the screen's sides.
    column(dl, s.lines[0], t, ctx, Rect{a.x + a.w - m - col_w, top, col_w, h}, true);
    column(dl, s.lines[1], t, ctx, Rect{a.x + m, top, col_w, h}, true);
    if (!s.subtitle.empty()) {
      // Between the scrolls (where the door would be): the subtitle, e.g. a
      // welcome, horizontal, fitted and centred in the free middle.
      const float x0 = a.x + m + col_w + m, x1 = a.x + a.w - m - col_w - m;
      text::LayoutOptions o = text_options(t, true, 0);
      o.align = text::Align::Center;
      o.balance = true;
      o.line_height = 1.35f;
      const float w = (x1 - x0) * 0.8f;
      text::FitBox box{w, h * 0.6f, 16, std::min(h * 0.16f, w / 4), 3};
      text::TextLayout l = fit_checked(ctx, t, "subtitle", {s.subtitle}, o, box);
      const float ly = top + (h - l.height) / 2;
      dl.ops.push_back(text_op(std::move(l), x0 + (x1 - x0 - w) / 2, ly, t.foreground, t.background));
    }
    return;
  }
  // Plain vertical slogan: columns right to left, centred.
  const float gap = col_w * 0.3f;
  const float total = static_cast<float>(n) * col_w + static_cast<float>(n - 1) * gap;
  float x = a.x + (a.w + total) / 2 - col_w;
  for (size_t i = 0; i < n; ++i, x -= col_w + gap)
    column(dl, s.lines[i], t, ctx, Rect{x, top, col_w, h}, false);
}

}  // namespace

std::vector<render::DisplayList> compose_slogan(const content::SloganSlide& s, const content::Theme& t,
                                                ComposeContext& ctx) {
  render::DisplayList dl = base(t, ctx);
  if (s.vertical)
    vertical(dl, s, t, ctx);
  else
    horizontal(dl, s, t, ctx);
  return {std::move(dl)};
}

}  // namespace paizi::show
