// KPI slides: 1 to 6 tiles, each with a big figure (万/亿 or grouped
// digits), unit, label, change against the previous value, progress toward
// a target, a count-up on entry and a stale mark for old data.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "show/compose.h"
#include "show/format.h"
#include "show/grid.h"

namespace paizi::show {
namespace {

// "▲ 12.5%" against the previous value; "" without one. A percentage
// changes by percentage points, as people read it: 18.5% against 15.2% is
// "▲ 3.3个百分点", not "▲ 21.7%".
std::string change_text(const content::KpiTile& k) {
  if (!k.previous || std::isnan(k.value)) return {};
  const double delta = k.value - *k.previous;
  char b[64];
  if (k.format == content::KpiFormat::Percent) {
    std::snprintf(b, sizeof b, "%s %.1f个百分点", delta >= 0 ? "▲" : "▼", std::fabs(delta));
    return b;
  }
  if (*k.previous == 0) return {};
  std::snprintf(b, sizeof b, "%s %.1f%%", delta >= 0 ? "▲" : "▼",
                std::fabs(delta / std::fabs(*k.previous) * 100.0));
  return b;
}

// "目标 350亿元 · 完成 25%"; "" without a target.
std::string target_text(const content::KpiTile& k) {
  if (!k.target || *k.target <= 0) return {};
  const Figure tf = format_figure(*k.target, k.format, -1);
  char b[96];
  if (std::isnan(k.value)) {
    std::snprintf(b, sizeof b, "目标 %s%s", tf.digits.c_str(),
                  ((k.format == content::KpiFormat::Percent ? "" : tf.magnitude) + k.unit).c_str());
    return b;
  }
  std::snprintf(b, sizeof b, "目标 %s%s · 完成 %.0f%%", tf.digits.c_str(),
                ((k.format == content::KpiFormat::Percent ? "" : tf.magnitude) + k.unit).c_str(),
                k.value / *k.target * 100.0);
  return b;
}

std::pair<int, int> tile_grid(size_t n, bool landscape) {
  static const int kLand[7][2] = {{1, 1}, {1, 1}, {2, 1}, {3, 1}, {2, 2}, {3, 2}, {3, 2}};
  static const int kPort[7][2] = {{1, 1}, {1, 1}, {1, 2}, {1, 3}, {2, 2}, {2, 3}, {2, 3}};
  const auto& g = landscape ? kLand[std::min<size_t>(n, 6)] : kPort[std::min<size_t>(n, 6)];
  return {g[0], g[1]};
}

// Decimals the final value is shown with, so a count-up never changes width.
int shown_decimals(const content::KpiTile& k) {
  if (k.decimals >= 0) return k.decimals;
  const std::string d = format_figure(k.value, k.format, -1).digits;
  const size_t dot = d.find('.');
  if (dot == std::string::npos) return 0;
  size_t n = 0;
  for (size_t i = dot + 1; i < d.size() && std::isdigit(static_cast<unsigned char>(d[i])); ++i) ++n;
  return static_cast<int>(n);
}

// A KPI slide's tile grid: the geometry and the sizes every tile shares.
struct KpiGrid {
  KpiGrid(const content::Theme& theme, ComposeContext& c, const std::vector<content::KpiTile>& ts)
      : t(theme), ctx(c), tiles(ts) {}
  const content::Theme& t;
  ComposeContext& ctx;
  const std::vector<content::KpiTile>& tiles;
  Rect a;
  float unit = 0, m = 0, body_px = 0, top = 0, bottom = 0, gap = 0, tw = 0, th = 0;
  int cols = 0, rows = 0;
  bool stale = false;
  double ease = 1;  // count-up: the share of each figure shown
  float pad = 0, inner = 0, label_px = 0, fig_px = 0, fig_drop = 0;
  std::vector<float> digits_w100;         // per tile: width of the final figure's digits at 100 px
  static constexpr float kRatio = 0.42f;  // unit size / figure size
  void add_text(render::DisplayList& dl, text::TextLayout&& l, float x, float y, content::Color c,
                content::Color bg) const {
    dl.ops.push_back(text_op(std::move(l), x, y, c, bg));
  }
  // Width of `text` at 100 px (a figure's face, or the text face).
  float measure(const std::string& text, bool figure) const {
    text::LayoutOptions o = text_options(t, figure, 100);
    o.width_px = 1e6f;
    if (figure) o.shape.cjk_latin_space = false;
    return text.empty() ? 0.f : text::layout_text(ctx.shaper, {text}, o).width;
  }
};

// The title and the rule under it; sets where the tiles start.
void add_title(render::DisplayList& dl, KpiGrid& g, const content::KpiSlide& s) {
  const content::Theme& t = g.t;
  const Rect& a = g.a;
  g.top = a.y + g.m;
  if (s.title.empty()) return;
  text::LayoutOptions o = text_options(t, true, 0);
  o.line_height = 1.2f;
  text::FitBox box{a.w - 2 * g.m, g.unit * 0.1f, g.body_px, std::round(g.unit * 0.065f), 1};
  text::TextLayout l = fit_checked(g.ctx, t, "title", {s.title}, o, box);
  const float h = l.height;
  g.add_text(dl, std::move(l), a.x + g.m, g.top, t.foreground, t.background);
  g.top += h + g.body_px * 0.3f;
  dl.ops.push_back(render::RectOp{a.x + g.m, g.top,
                                  std::min(a.w * grid::kTitleRuleWidth, g.body_px * grid::kTitleRuleEm),
                                  std::max(grid::kRulePx, g.body_px * grid::kTitleRuleThick), t.accent});
  g.top += g.body_px * 1.0f;
}

// The figures of all tiles share one size (the largest every tile can
// hold): a set of numbers in different sizes reads as differently important.
// Labels share one size too, small enough that every label fits beside its
// change and every target line fits the tile (narrow portrait tiles).
void size_tiles(KpiGrid& g) {
  const float th = g.th;
  g.pad = std::min(g.tw, th) * 0.09f;
  g.inner = g.tw - 2 * g.pad;
  g.label_px = std::min(g.body_px * 1.1f, th * 0.11f);
  float label_em = 0;
  for (const content::KpiTile& k : g.tiles) {
    const std::string change = change_text(k);
    label_em =
        std::max({label_em,
                  (g.measure(k.label, false) + g.measure(change, true)) / 100.f + (change.empty() ? 0 : 0.6f),
                  g.measure(target_text(k), false) * 0.85f / 100.f});
  }
  if (label_em > 0) g.label_px = std::max(std::min(g.label_px, g.inner / label_em), g.body_px * 0.6f);
  g.label_px = std::round(g.label_px);
  const float label_px = g.label_px;
  float fig_px = th * 0.34f;
  g.digits_w100.reserve(g.tiles.size());
  for (const content::KpiTile& k : g.tiles) {
    const Figure f = format_figure(k.value, k.format, shown_decimals(k));
    const std::string unit_text = (k.format == content::KpiFormat::Percent ? "" : f.magnitude) + k.unit;
    const float extras = k.target && *k.target > 0 ? label_px * 2.4f : label_px * 0.4f;
    g.digits_w100.push_back(g.measure(f.digits, true));
    fig_px = std::min(
        {fig_px, (th - 2 * g.pad - label_px * 1.5f - extras) / 1.35f,
         g.inner / ((g.digits_w100.back() + g.measure(unit_text, false) * KpiGrid::kRatio) / 100.f + 0.15f)});
  }
  g.fig_px = std::floor(fig_px);
  // The figures sit at one height in every tile: centred in the space
  // between the label and the target line (as if every tile had one when
  // any has), but never lower than a third of that space's slack.
  const bool any_target = std::any_of(g.tiles.begin(), g.tiles.end(),
                                      [](const content::KpiTile& k) { return k.target && *k.target > 0; });
  const float fig_room = th - 2 * g.pad - label_px * 1.5f - (any_target ? label_px * 2.4f : 0.f);
  g.fig_drop = std::max(th * 0.03f, (fig_room - g.fig_px * 1.35f) / 3.f);
}

// Change against the previous value, top right of the tile; the label
// takes the rest of the line. Returns the label's height.
float add_label(render::DisplayList& dl, const KpiGrid& g, const content::KpiTile& k, float x, float y) {
  const content::Theme& t = g.t;
  const std::string change = change_text(k);
  float change_w = 0;
  if (!change.empty()) {
    text::LayoutOptions co = text_options(t, true, g.label_px);
    co.width_px = g.inner;
    co.align = text::Align::End;
    co.max_lines = 1;
    text::TextLayout cl = text::layout_text(g.ctx.shaper, {change}, co);
    change_w = cl.lines.empty() ? 0.f : cl.lines[0].length;
    g.add_text(dl, std::move(cl), x + g.pad, y + g.pad, k.value >= *k.previous ? t.up : t.down,
               t.background2);
  }
  text::LayoutOptions lo = text_options(t, false, g.label_px);
  lo.width_px = change.empty() ? g.inner : std::max(g.label_px, g.inner - change_w - g.label_px * 0.6f);
  lo.max_lines = 1;
  text::TextLayout label = text::layout_text(g.ctx.shaper, {k.label}, lo);
  const float label_h = label.height;
  g.add_text(dl, std::move(label), x + g.pad, y + g.pad, t.muted, t.background2);
  return label_h;
}

// The figure: digits large, magnitude + unit smaller on the same baseline.
void add_figure(render::DisplayList& dl, const KpiGrid& g, size_t i, float x, float fig_y) {
  const content::Theme& t = g.t;
  const content::KpiTile& k = g.tiles[i];
  const int dec = shown_decimals(k);
  const Figure final_fig = format_figure(k.value, k.format, dec);
  const Figure now_fig = format_figure(k.value * g.ease, k.format, dec);  // NaN (no data yet): a dash;
  const std::string unit_text = (k.format == content::KpiFormat::Percent ? "" : final_fig.magnitude) + k.unit;
  text::LayoutOptions vo = text_options(t, true, g.fig_px);
  vo.width_px = 1e6f;
  vo.shape.cjk_latin_space = false;
  vo.line_height = 1.15f;
  text::TextLayout fig = text::layout_text(g.ctx.shaper, {now_fig.digits}, vo);
  const float base = fig_y + (fig.lines.empty() ? 0.f : fig.lines[0].y);
  // The unit follows the digits as they count up (the final width would
  // leave it waiting, detached, at the end position).
  const float fig_w = fig.lines.empty() ? g.digits_w100[i] * g.fig_px / 100.f : fig.lines[0].length;
  g.add_text(dl, std::move(fig), x + g.pad, fig_y, t.accent, t.background2);
  if (unit_text.empty()) return;
  text::LayoutOptions uo = text_options(t, false, std::round(g.fig_px * KpiGrid::kRatio));
  uo.width_px = 1e6f;
  uo.line_height = 1.2f;
  text::TextLayout ul = text::layout_text(g.ctx.shaper, {unit_text}, uo);
  const float uy = base - (ul.lines.empty() ? 0.f : ul.lines[0].y);
  g.add_text(dl, std::move(ul), x + g.pad + fig_w + g.fig_px * 0.12f, uy, t.foreground, t.background2);
}

// Progress toward the target: a bar along the tile's bottom, its line above.
void add_target(render::DisplayList& dl, const KpiGrid& g, const content::KpiTile& k, float x, float y) {
  const content::Theme& t = g.t;
  const double frac = std::isnan(k.value) ? 0.0 : std::clamp(k.value / *k.target, 0.0, 1.0);
  const float bar_h = std::max(6.f, g.label_px * 0.35f);
  const float by = y + g.th - g.pad - bar_h;
  dl.ops.push_back(render::RectOp{x + g.pad, by, g.inner, bar_h, t.background});
  dl.ops.push_back(
      render::RectOp{x + g.pad, by, g.inner * static_cast<float>(frac * g.ease), bar_h, t.accent});
  text::LayoutOptions po = text_options(t, false, std::round(g.label_px * 0.85f));
  po.width_px = g.inner;
  po.max_lines = 1;
  text::TextLayout pl = text::layout_text(g.ctx.shaper, {target_text(k)}, po);
  const float ph = pl.height;
  g.add_text(dl, std::move(pl), x + g.pad, by - ph - g.label_px * 0.2f, t.muted, t.background2);
}

void add_tile(render::DisplayList& dl, const KpiGrid& g, size_t i) {
  const content::KpiTile& k = g.tiles[i];
  const size_t col = i % static_cast<size_t>(g.cols), row = i / static_cast<size_t>(g.cols);
  const float x = g.a.x + g.m + static_cast<float>(col) * (g.tw + g.gap);
  const float y = g.top + static_cast<float>(row) * (g.th + g.gap);
  dl.ops.push_back(render::RectOp{x, y, g.tw, g.th, g.t.background2});
  const float label_h = add_label(dl, g, k, x, y);
  add_figure(dl, g, i, x, y + g.pad + label_h + g.fig_drop);
  if (k.target && *k.target > 0) add_target(dl, g, k, x, y);
}

}  // namespace

std::vector<render::DisplayList> compose_kpi(const content::KpiSlide& s, const content::Theme& t,
                                             ComposeContext& ctx) {
  // Figures from the slide's source, where it has one and data came in.
  const std::vector<content::KpiTile> tiles = ctx.kpi ? content::apply_kpi_data(s.tiles, *ctx.kpi) : s.tiles;
  if (tiles.empty()) return compose_notice("指标数据暂不可用", "正在获取最新数据，请稍候", t, ctx);
  KpiGrid g(t, ctx, tiles);
  const Rect a = g.a = ctx.area;
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  add_background(dl, t, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
  g.unit = std::min(a.w, a.h);
  g.m = t.margin * g.unit;
  g.body_px = std::round(std::min(a.h, a.w * grid::kTextAspect) * t.body_size);
  add_title(dl, g, s);
  g.stale = ctx.max_age > 0 && ctx.data_time > 0 && ctx.now - ctx.data_time > ctx.max_age;
  g.bottom = a.y + a.h - g.m - (g.stale ? g.body_px * 1.4f : 0.f);
  std::tie(g.cols, g.rows) = tile_grid(tiles.size(), a.w >= a.h);
  g.gap = g.m * 0.4f;
  g.tw = (a.w - 2 * g.m - g.gap * static_cast<float>(g.cols - 1)) / static_cast<float>(g.cols);
  g.th = (g.bottom - g.top - g.gap * static_cast<float>(g.rows - 1)) / static_cast<float>(g.rows);
  const double progress = std::min(1.0, std::max(0.0, ctx.anim_t / kKpiCountUp));
  g.ease = 1 - std::pow(1 - progress, 3);
  size_tiles(g);
  for (size_t i = 0; i < tiles.size(); ++i) add_tile(dl, g, i);
  if (g.stale) {
    text::LayoutOptions so = text_options(t, false, std::round(g.body_px * 0.75f));
    so.width_px = a.w - 2 * g.m;
    so.align = text::Align::End;
    g.add_text(dl, text::layout_text(ctx.shaper, {"⚠ 数据更新于" + chinese_age(ctx.now - ctx.data_time)}, so),
               a.x + g.m, g.bottom + g.body_px * 0.3f, t.accent, t.background);
  }
  return {std::move(dl)};
}

}  // namespace paizi::show
