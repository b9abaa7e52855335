// The takeover of a CAP alert (slide type "alert", made by the player from
// a cap source; content/cap.h): the whole canvas, header and ticker zones
// included, in the colour of the alert's severity. From the top: a band
// with the event, the headline, the description, the instruction on a
// light panel, and a footer with the sender, the area and the times (in
// the schedule's zone). While other alerts are in force the bottom strip
// is left to the player's alert ticker (show/ticker.h). Labels follow the language of the info block shown
// (Chinese for zh, English otherwise). Sizes are fractions of the canvas.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "show/compose.h"
#include "show/grid.h"

namespace paizi::show {
namespace {

struct Palette {
  content::Color band, background, text, panel, panel_text, muted;
};

// The four levels of China's early-warning colours (红 橙 黄 蓝), which
// CAP's severities map to as national platforms publish them: Extreme red,
// Severe orange, Moderate yellow (dark text), Minor blue; Unknown slate.
// A 台风橙色预警 (Severe) is orange on the screen, as its name says.
Palette palette(content::CapSeverity s) {
  using S = content::CapSeverity;
  const content::Color white{0xFF, 0xFF, 0xFF}, ink{0x1A, 0x1A, 0x1A};
  switch (s) {
    case S::Extreme:
      return {{0x8E, 0x0E, 0x0E}, {0xC6, 0x28, 0x28}, white, {0xFF, 0xF3, 0xF0}, ink, {0xFF, 0xD8, 0xD0}};
    case S::Severe:
      return {{0xB3, 0x47, 0x00}, {0xE8, 0x6A, 0x10}, white, {0xFF, 0xF4, 0xE8}, ink, {0xFF, 0xE2, 0xC8}};
    case S::Moderate:
      return {{0xE0, 0xA8, 0x00}, {0xF9, 0xC8, 0x2B}, ink, {0xFF, 0xFB, 0xE8}, ink, {0x4A, 0x3B, 0x00}};
    case S::Minor:
      return {{0x0D, 0x3C, 0x8C}, {0x1E, 0x5B, 0xC6}, white, {0xEE, 0xF4, 0xFF}, ink, {0xC8, 0xDA, 0xFF}};
    case S::Unknown:
      break;
  }
  return {{0x26, 0x32, 0x38}, {0x37, 0x47, 0x4F}, white, {0xEC, 0xEF, 0xF1}, ink, {0xB0, 0xBE, 0xC5}};
}

bool chinese(const content::AlertNotice& a) { return a.language.rfind("zh", 0) == 0; }

// "8月20日 10:00" (zh) or "20 Aug 10:00" (other), local to `zone`.
std::string short_time(int64_t t, const content::TimeZone& zone, bool zh) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const content::LocalTime l = zone.local(t);
  char buf[64];
  const int hh = l.minute_of_day / 60, mm = l.minute_of_day % 60;
  if (zh)
    std::snprintf(buf, sizeof buf, "%d月%d日 %02d:%02d", l.month, l.day, hh, mm);
  else
    std::snprintf(buf, sizeof buf, "%d %s %02d:%02d", l.day, kMonths[(l.month + 11) % 12], hh, mm);
  return buf;
}

std::string footer_line(const content::AlertNotice& a, const content::TimeZone& zone) {
  const bool zh = chinese(a);
  std::string s =
      (zh ? "发布：" : "Issued by ") + a.sender_name + (zh ? "　" : ", ") + short_time(a.sent, zone, zh);
  if (a.until != std::numeric_limits<int64_t>::max())
    s += (zh ? "　有效至 " : " · until ") + short_time(a.until, zone, zh);
  return s;
}

// `text` (paragraphs split at newlines) fitted into a box w x h px at the
// largest size in [lo, hi] px that fits; empty when there is no text.
// `bold`: the theme's display face. Headlines are balanced, other text justified.
text::TextLayout fit_block(ComposeContext& ctx, const content::Theme& t, const char* what,
                           const std::string& text, bool bold, bool headline, float w, float h, float lo,
                           float hi, float line_height) {
  if (text.empty() || h <= 0) return {};
  std::vector<std::string> paragraphs;
  for (size_t at = 0; at <= text.size();) {
    const size_t nl = std::min(text.find('\n', at), text.size());
    paragraphs.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  text::LayoutOptions o = text_options(t, bold, 0);
  o.line_height = line_height;
  o.shape.line_break = text::BreakLevel::Strict;
  o.balance = headline;
  o.justify = !headline;
  return fit_checked(ctx, t, what, paragraphs, o, text::FitBox{w, h, lo, std::max(hi, lo), 0});
}

}  // namespace

content::Color severity_colour(content::CapSeverity s) { return palette(s).background; }

// Dark, so that every severity's chip stands out on it.
TickerColours alert_ticker_colours(content::CapSeverity on_screen) {
  return {{0xFF, 0xFF, 0xFF}, {0x1A, 0x1A, 0x1A}, severity_colour(on_screen)};
}

float ticker_strip_px(int width, int height) {
  return std::round(static_cast<float>(std::min(width, height)) * grid::kTickerHeight);
}

std::vector<render::DisplayList> compose_alert(const content::AlertSlide& s, const content::Theme& theme,
                                               ComposeContext& ctx) {
  const content::AlertNotice& a = s.alert;
  const Palette p = palette(a.severity);
  const content::TimeZone zone = ctx.zone ? *ctx.zone : content::TimeZone::utc();
  const float W = static_cast<float>(ctx.width), H = static_cast<float>(ctx.height);
  // Text ends above the alert ticker's strip when other alerts are in force (the player draws it).
  const float bottom = H - (s.alerts_beside ? ticker_strip_px(ctx.width, ctx.height) : 0.f);
  const float m = std::round(theme.margin * std::min(W, H));
  const float body = std::round(std::min(H, W * grid::kTextAspect) * theme.body_size);
  const float min_px = min_text_px(theme, ctx);
  const float inner = W - 2 * m;

  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  dl.clear = p.background;
  dl.ops.push_back(render::RectOp{0, 0, W, H, p.background});

  // Band: the event (falls back to the headline's start when there is none).
  const float band_h = std::round(std::min(W, H) * 0.15f);
  dl.ops.push_back(render::RectOp{0, 0, W, band_h, p.band});
  const std::string label = a.event.empty() ? (chinese(a) ? "预警" : "Alert") : a.event;
  {
    text::LayoutOptions o = text_options(theme, true, 0);
    o.line_height = 1.2f;
    text::TextLayout l =
        fit_checked(ctx, theme, "alert event", {label}, o,
                    text::FitBox{inner, band_h * 0.7f, min_px, std::round(band_h * 0.55f), 1});
    const float y = std::round((band_h - l.height) / 2);
    dl.ops.push_back(text_op(std::move(l), m, y, p.text, p.band));
  }

  // Footer first: it has a fixed place at the bottom.
  const float foot_size = std::max(min_px, std::round(body * 0.8f));
  const float foot_h = std::round(foot_size * 1.4f * 2);
  const float foot_y = bottom - m * 0.6f - foot_h;
  std::string footer = footer_line(a, zone);
  if (!a.area.empty()) footer += (chinese(a) ? "\n影响区域：" : "\nArea: ") + a.area;
  text::TextLayout foot =
      fit_block(ctx, theme, "alert footer", footer, false, false, inner, foot_h, min_px, foot_size, 1.4f);
  dl.ops.push_back(text_op(std::move(foot), m, foot_y, p.muted, p.background));

  // Headline, description and instruction share the room between band and
  // footer (at most these fractions of it each), as large as they fit up to
  // their sizes, and are centred in it as one block.
  const float top = band_h + m * 0.5f;
  const float room = foot_y - m * 0.5f - top;
  const float gap = std::round(m * 0.4f), pad = std::round(m * 0.35f);
  const bool has_instr = !a.instruction.empty();
  text::TextLayout head = fit_block(ctx, theme, "alert headline", a.headline, true, true, inner, room * 0.3f,
                                    min_px, std::round(std::min(H * 0.08f, W * 0.065f)), 1.3f);
  text::TextLayout desc =
      fit_block(ctx, theme, "alert description", a.description, false, false, inner,
                room * (has_instr ? 0.36f : 0.62f), min_px, std::round(body * 1.4f), 1.5f);
  text::TextLayout instr =
      fit_block(ctx, theme, "alert instruction", a.instruction, true, false, inner - 2 * pad,
                room * 0.3f - 2 * pad, min_px, std::round(body * 1.3f), 1.5f);
  const float instr_h = has_instr ? instr.height + 2 * pad : 0;
  const float block =
      head.height + (desc.height > 0 ? gap + desc.height : 0) + (has_instr ? gap + instr_h : 0);
  float y = std::round(top + std::max(0.f, room - block) / 2);
  const float head_h = head.height;
  dl.ops.push_back(text_op(std::move(head), m, y, p.text, p.background));
  y += head_h;
  if (desc.height > 0) {
    y += gap;
    const float desc_h = desc.height;
    dl.ops.push_back(text_op(std::move(desc), m, y, p.text, p.background));
    y += desc_h;
  }
  if (has_instr) {
    y += gap;
    dl.ops.push_back(render::RectOp{m, y, inner, instr_h, p.panel});
    dl.ops.push_back(text_op(std::move(instr), m + pad, y + pad, p.panel_text, p.panel));
  }
  return {dl};
}

}  // namespace paizi::show
