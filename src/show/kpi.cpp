// KPI slides: 1 to 6 tiles, each with a big figure (万/亿 or grouped
// digits), unit, label, change against the previous value, progress toward
// a target, a count-up on entry and a stale mark for old data.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "show/compose.h"
#include "show/format.h"

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
  std::snprintf(b, sizeof b, "%s %.1f%%", delta >= 0 ? "▲" : "▼", std::fabs(delta / std::fabs(*k.previous) * 100.0));
  return b;
}

// "目标 350亿元 · 完成 25%"; "" without a target.
std::string target_text(const content::KpiTile& k) {
  if (!k.target || *k.target <= 0) return {};
  const Figure tf = format_figure(*k.target, k.format, -1);
  char b[96];
  if (std::isnan(k.value)) {
    std::snprintf(b, sizeof b, "目标 %s%s", tf.digits.c_str(), ((k.format == content::KpiFormat::Percent ? "" : tf.magnitude) + k.unit).c_str());
    return b;
  }
  std::snprintf(b, sizeof b, "目标 %s%s · 完成 %.0f%%", tf.digits.c_str(),
                ((k.format == content::KpiFormat::Percent ? "" : tf.magnitude) + k.unit).c_str(), k.value / *k.target * 100.0);
  return b;
}

std::pair<int, int> grid(size_t n, bool landscape) {
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

}  // namespace

std::vector<render::DisplayList> compose_kpi(const content::KpiSlide& s, const content::Theme& t, ComposeContext& ctx) {
  // Figures from the slide's source, where it has one and data came in.
  const std::vector<content::KpiTile> tiles = ctx.kpi ? content::apply_kpi_data(s.tiles, *ctx.kpi) : s.tiles;
  if (tiles.empty()) return compose_notice("指标数据暂不可用", "正在获取最新数据，请稍候", t, ctx);
  const Rect a = ctx.area;
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  add_background(dl, t, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
  const float unit = std::min(a.w, a.h);
  const float m = t.margin * unit;
  const float body_px = std::round(std::min(a.h, a.w * 1.2f) * t.body_size);
  auto add_text = [&](text::TextLayout&& l, float x, float y, content::Color c, content::Color bg) {
    dl.ops.push_back(text_op(std::move(l), x, y, c, bg));
  };
  float top = a.y + m;
  if (!s.title.empty()) {
    text::LayoutOptions o = text_options(t, true, 0);
    o.line_height = 1.2f;
    text::FitBox box{a.w - 2 * m, unit * 0.1f, body_px, std::round(unit * 0.065f), 1};
    text::TextLayout l = fit_checked(ctx, t, "title", {s.title}, o, box);
    const float h = l.height;
    add_text(std::move(l), a.x + m, top, t.foreground, t.background);
    top += h + body_px * 0.3f;
    dl.ops.push_back(render::RectOp{a.x + m, top, std::min(a.w * 0.08f, body_px * 3), std::max(3.f, body_px * 0.1f), t.accent});
    top += body_px * 1.0f;
  }
  const bool stale = ctx.max_age > 0 && ctx.data_time > 0 && ctx.now - ctx.data_time > ctx.max_age;
  const float bottom = a.y + a.h - m - (stale ? body_px * 1.4f : 0.f);
  const auto [cols, rows] = grid(tiles.size(), a.w >= a.h);
  const float gap = m * 0.4f;
  const float tw = (a.w - 2 * m - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  const float th = (bottom - top - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows);
  const double progress = std::min(1.0, std::max(0.0, ctx.anim_t / kKpiCountUp));
  const double ease = 1 - std::pow(1 - progress, 3);

  // The figures of all tiles share one size (the largest every tile can
  // hold): a set of numbers in different sizes reads as differently important.
  const float pad = std::min(tw, th) * 0.09f;
  const float inner = tw - 2 * pad;
  float label_px = std::min(body_px * 1.1f, th * 0.11f);
  const float ratio = 0.42f;  // unit size / figure size
  const auto measure = [&](const std::string& text, bool figure) {
    text::LayoutOptions o = text_options(t, figure, 100);
    o.width_px = 1e6f;
    if (figure) o.shape.cjk_latin_space = false;
    return text.empty() ? 0.f : text::layout_text(ctx.shaper, {text}, o).width;
  };
  // Labels share one size too, small enough that every label fits beside its
  // change and every target line fits the tile (narrow portrait tiles).
  float label_em = 0;
  for (const content::KpiTile& k : tiles) {
    const std::string change = change_text(k);
    label_em = std::max({label_em, (measure(k.label, false) + measure(change, true)) / 100.f + (change.empty() ? 0 : 0.6f),
                         measure(target_text(k), false) * 0.85f / 100.f});
  }
  if (label_em > 0) label_px = std::max(std::min(label_px, inner / label_em), body_px * 0.6f);
  label_px = std::round(label_px);
  float fig_px = th * 0.34f;
  std::vector<float> digits_w100;  // per tile: width of the final figure's digits at 100 px
  digits_w100.reserve(tiles.size());
  for (const content::KpiTile& k : tiles) {
    const Figure f = format_figure(k.value, k.format, shown_decimals(k));
    const std::string unit_text = (k.format == content::KpiFormat::Percent ? "" : f.magnitude) + k.unit;
    const float extras = k.target && *k.target > 0 ? label_px * 2.4f : label_px * 0.4f;
    digits_w100.push_back(measure(f.digits, true));
    fig_px = std::min({fig_px, (th - 2 * pad - label_px * 1.5f - extras) / 1.35f,
                       inner / ((digits_w100.back() + measure(unit_text, false) * ratio) / 100.f + 0.15f)});
  }
  fig_px = std::floor(fig_px);
  // The figures sit at one height in every tile: centred in the space
  // between the label and the target line (as if every tile had one when
  // any has), but never lower than a third of that space's slack.
  const bool any_target = std::any_of(tiles.begin(), tiles.end(),
                                      [](const content::KpiTile& k) { return k.target && *k.target > 0; });
  const float fig_room = th - 2 * pad - label_px * 1.5f - (any_target ? label_px * 2.4f : 0.f);
  const float fig_drop = std::max(th * 0.03f, (fig_room - fig_px * 1.35f) / 3.f);

  for (size_t i = 0; i < tiles.size(); ++i) {
    const content::KpiTile& k = tiles[i];
    const float x = a.x + m + static_cast<float>(i % static_cast<size_t>(cols)) * (tw + gap);
    const float y = top + static_cast<float>(i / static_cast<size_t>(cols)) * (th + gap);
    dl.ops.push_back(render::RectOp{x, y, tw, th, t.background2});
    const bool has_target = k.target && *k.target > 0;

    // Change against the previous value, top right of the tile; the label
    // takes the rest of the line.
    const std::string change = change_text(k);
    float change_w = 0;
    if (!change.empty()) {
      text::LayoutOptions co = text_options(t, true, label_px);
      co.width_px = inner;
      co.align = text::Align::End;
      co.max_lines = 1;
      text::TextLayout cl = text::layout_text(ctx.shaper, {change}, co);
      change_w = cl.lines.empty() ? 0.f : cl.lines[0].length;
      add_text(std::move(cl), x + pad, y + pad, k.value >= *k.previous ? t.up : t.down, t.background2);
    }
    text::LayoutOptions lo = text_options(t, false, label_px);
    lo.width_px = change.empty() ? inner : std::max(label_px, inner - change_w - label_px * 0.6f);
    lo.max_lines = 1;
    text::TextLayout label = text::layout_text(ctx.shaper, {k.label}, lo);
    const float label_h = label.height;
    add_text(std::move(label), x + pad, y + pad, t.muted, t.background2);

    // The figure: digits large, magnitude + unit smaller on the same baseline.
    const int dec = shown_decimals(k);
    const Figure final_fig = format_figure(k.value, k.format, dec);
    const Figure now_fig = format_figure(k.value * ease, k.format, dec);  // NaN (no data yet): a dash;
    const std::string unit_text = (k.format == content::KpiFormat::Percent ? "" : final_fig.magnitude) + k.unit;
    text::LayoutOptions vo = text_options(t, true, fig_px);
    vo.width_px = 1e6f;
    vo.shape.cjk_latin_space = false;
    vo.line_height = 1.15f;
    text::TextLayout fig = text::layout_text(ctx.shaper, {now_fig.digits}, vo);
    const float fig_y = y + pad + label_h + fig_drop;
    const float base = fig_y + (fig.lines.empty() ? 0.f : fig.lines[0].y);
    // The unit follows the digits as they count up (the final width would
    // leave it waiting, detached, at the end position).
    const float fig_w = fig.lines.empty() ? digits_w100[i] * fig_px / 100.f : fig.lines[0].length;
    add_text(std::move(fig), x + pad, fig_y, t.accent, t.background2);
    if (!unit_text.empty()) {
      text::LayoutOptions uo = text_options(t, false, std::round(fig_px * ratio));
      uo.width_px = 1e6f;
      uo.line_height = 1.2f;
      text::TextLayout ul = text::layout_text(ctx.shaper, {unit_text}, uo);
      const float uy = base - (ul.lines.empty() ? 0.f : ul.lines[0].y);
      add_text(std::move(ul), x + pad + fig_w + fig_px * 0.12f, uy, t.foreground, t.background2);
    }
    // Progress toward the target.
    if (has_target) {
      const double frac = std::isnan(k.value) ? 0.0 : std::clamp(k.value / *k.target, 0.0, 1.0);
      const float bar_h = std::max(6.f, label_px * 0.35f);
      const float by = y + th - pad - bar_h;
      dl.ops.push_back(render::RectOp{x + pad, by, inner, bar_h, t.background});
      dl.ops.push_back(render::RectOp{x + pad, by, inner * static_cast<float>(frac * ease), bar_h, t.accent});
      text::LayoutOptions po = text_options(t, false, std::round(label_px * 0.85f));
      po.width_px = inner;
      po.max_lines = 1;
      text::TextLayout pl = text::layout_text(ctx.shaper, {target_text(k)}, po);
      const float ph = pl.height;
      add_text(std::move(pl), x + pad, by - ph - label_px * 0.2f, t.muted, t.background2);
    }
  }
  if (stale) {
    text::LayoutOptions so = text_options(t, false, std::round(body_px * 0.75f));
    so.width_px = a.w - 2 * m;
    so.align = text::Align::End;
    add_text(text::layout_text(ctx.shaper, {"⚠ 数据更新于" + chinese_age(ctx.now - ctx.data_time)}, so), a.x + m,
             bottom + body_px * 0.3f, t.accent, t.background);
  }
  return {std::move(dl)};
}

}  // namespace paizi::show
