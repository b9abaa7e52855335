// News slides: headline fitted to at most two lines, a meta line (source ·
// date · staleness), the summary, the body paginated with a page indicator,
// and optionally a picture and a QR code of the article link.
#include <qrencode.h>

#include <algorithm>
#include <cmath>

#include "show/compose.h"
#include "show/format.h"
#include "text/unicode.h"

namespace paizi::show {
namespace {

struct QrMatrix {
  int size = 0;
  std::vector<bool> modules;
};

QrMatrix encode_qr(const std::string& text) {
  QrMatrix m;
  QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return m;
  m.size = q->width;
  m.modules.resize(static_cast<size_t>(q->width * q->width));
  for (int i = 0; i < q->width * q->width; ++i) m.modules[static_cast<size_t>(i)] = q->data[i] & 1;
  QRcode_free(q);
  return m;
}

constexpr size_t kMaxPages = 8;  // of a news slide's body

// Splits a body layout into pages: the first page `first_h` px tall, the
// rest `rest_h`. Returns [first, last) line ranges.
// A short paragraph without closing punctuation reads as a sub-heading.
bool is_heading(const std::string& p) {
  const auto cps = text::decode_utf8(p).cps;
  if (cps.empty() || cps.size() > 24) return false;
  const char32_t last = cps.back();
  return last != U'。' && last != U'！' && last != U'？' && last != U'…' && last != U'.' && last != U'”' &&
         last != U'：';
}

std::vector<std::pair<size_t, size_t>> pages_of(const text::TextLayout& body, float first_h, float rest_h,
                                                const std::vector<char>& heading) {
  std::vector<std::pair<size_t, size_t>> out;
  if (body.lines.empty()) return {{0, 0}};
  size_t first = 0;
  float h = first_h;
  while (first < body.lines.size()) {
    const text::TextLayout rest = text::page_of(body, first, body.lines.size());
    const auto starts = text::paginate(rest, h);
    size_t n = starts.size() > 1 ? starts[1] : rest.lines.size();
    // A sub-heading stays with the text it introduces.
    const auto& last = body.lines[first + n - 1];
    if (n > 1 && first + n < body.lines.size() && last.paragraph_end &&
        (first + n < 2 || body.lines[first + n - 2].paragraph != last.paragraph) &&
        static_cast<size_t>(last.paragraph) < heading.size() && heading[static_cast<size_t>(last.paragraph)])
      --n;
    out.emplace_back(first, first + n);
    first += n;
    h = rest_h;
  }
  return out;
}

// The paragraphs up to `budget` code points (the last one cut there);
// `cut` is set when text was left out.
std::vector<std::string> within_budget(const std::vector<std::string>& paragraphs, size_t budget, bool& cut) {
  std::vector<std::string> out;
  size_t used = 0;
  for (const std::string& p : paragraphs) {
    const text::CodePoints cps = text::decode_utf8(p);
    if (used + cps.cps.size() <= budget) {
      out.push_back(p);
      used += cps.cps.size();
      continue;
    }
    out.push_back(cps.utf8.substr(0, cps.offset[budget - used]));
    cut = true;
    break;
  }
  return out;
}

}  // namespace

std::vector<render::DisplayList> compose_news(const content::NewsSlide& s, const content::Theme& t, ComposeContext& ctx) {
  const content::NewsItem* item = s.news ? &*s.news : ctx.news;
  if (!item) return compose_notice("新闻暂不可用", "正在获取最新内容，请稍候", t, ctx);
  const Rect a = ctx.area;
  const float H = a.h, W = a.w;
  const bool landscape = W >= H;
  const float unit = std::min(W, H);
  const float m = t.margin * unit;
  const float body_px = std::round(std::min(H, W * 1.2f) * t.body_size);
  const bool qr = s.qr && !item->link.empty();
  // A picture it names but cannot draw (gone, unreadable, not an image):
  // the layout of an item without one.
  const bool pic =
      landscape && !item->image.empty() && (!ctx.can_draw || ctx.can_draw(resolve_path(ctx, item->image)));
  const bool side = landscape && (qr || pic);
  const float side_w = side ? W * 0.26f : 0.f;
  const float gap = m * 0.6f;

  // Headline: bold, at most two lines, as large as fits.
  text::LayoutOptions ho = text_options(t, true, 0);
  ho.line_height = 1.25f;
  ho.balance = true;
  ho.shape.line_break = text::BreakLevel::Strict;
  const float head_w = W - 2 * m;
  text::FitBox hb{head_w, H * 0.2f, std::round(body_px * 1.2f), std::round(unit * 0.075f), 2};
  const std::string headline = content::headline_of(*item);
  text::TextLayout head = fit_checked(ctx, t, "headline", {headline}, ho, hb);
  // A headline made of the whole first paragraph is not said again below it.
  const bool skip_first = item->title.empty() && item->paragraphs.size() > 1 && headline == item->paragraphs.front();
  const std::vector<std::string> paragraphs(item->paragraphs.begin() + (skip_first ? 1 : 0), item->paragraphs.end());
  float y = a.y + m;
  const float head_h = head.height;

  // Meta line: source · date · updated N minutes ago (stale data only).
  std::string meta = item->source;
  if (item->published) {
    const content::TimeZone utc = content::TimeZone::utc();
    meta += (meta.empty() ? "" : "  ·  ") + chinese_date(*item->published, ctx.zone ? *ctx.zone : utc);
  }
  const bool stale = ctx.max_age > 0 && ctx.data_time > 0 && ctx.now - ctx.data_time > ctx.max_age;
  if (stale) meta += (meta.empty() ? "" : "  ·  ") + chinese_age(ctx.now - ctx.data_time) + "更新";
  text::LayoutOptions mo = text_options(t, false, std::round(body_px * 0.78f));
  mo.width_px = head_w;
  mo.max_lines = 1;
  text::TextLayout meta_l = text::layout_text(ctx.shaper, {meta}, mo);

  const float meta_y = y + head_h + body_px * 0.3f;
  const float rule_y = meta_y + meta_l.height + body_px * 0.5f;
  const float content_top = rule_y + body_px * 0.9f;
  const float indicator_h = body_px * 1.4f;
  // The QR code: never below the theme's smallest module (a phone must read
  // it from where people stand). In portrait it has a footer band of its
  // own, bottom left, beside the page indicator.
  QrMatrix qrm;
  if (qr) qrm = encode_qr(item->link);
  const float qr_min_mod = std::max(2.f, std::round(unit * t.qr_module));
  const float qr_span = static_cast<float>(qrm.size + 4);  // modules, quiet zone included
  if (qrm.size > 0 && qr_min_mod * qr_span > (side ? side_w : W - 2 * m)) {
    ctx.warnings.push_back("QR code left out: its " + std::to_string(qrm.size) +
                           " modules do not fit at the smallest readable module size (a shorter link fits)");
    qrm = {};
  }
  const float footer_h = !side && qrm.size > 0 ? std::max(indicator_h, qr_min_mod * qr_span) : indicator_h;
  const float content_bottom = a.y + H - m - footer_h;
  const float body_w = W - 2 * m - (side ? side_w + gap * 2 : 0.f);

  // Summary box (first page only).
  text::TextLayout sum;
  float sum_h = 0;
  // A feed without a separate summary repeats the start of its body as one
  // (JSON Feed, RSS with content only): the box would say the body twice.
  std::string body_start;
  for (const std::string& p : item->paragraphs) {
    if (body_start.size() >= item->summary.size()) break;
    body_start += (body_start.empty() ? "" : "\n") + p;
  }
  const bool summary_is_body = !item->paragraphs.empty() && body_start.rfind(item->summary, 0) == 0;
  if (!item->summary.empty() && !summary_is_body) {
    text::LayoutOptions so = text_options(t, false, std::round(body_px * 0.92f));
    so.width_px = body_w - body_px * 1.6f;
    so.justify = true;
    so.max_lines = 3;
    so.line_height = 1.5f;
    so.shape.normalize_commas = t.lang.rfind("zh", 0) == 0;
    sum = text::layout_text(ctx.shaper, {item->summary}, so);
    sum_h = sum.height + body_px * 1.2f;
  }

  // Body: justified, 2 em first-line indent, paragraphs spaced.
  text::LayoutOptions bo = text_options(t, false, body_px);
  bo.width_px = body_w;
  bo.justify = true;
  bo.indent_em = t.lang.rfind("zh", 0) == 0 ? 2.f : 0.f;
  bo.paragraph_spacing_em = 0.35f;
  bo.shape.normalize_commas = t.lang.rfind("zh", 0) == 0;
  // Sub-headings: flush left, in the accent colour (below).
  std::vector<char> heading(paragraphs.size());
  for (size_t i = 0; i < heading.size(); ++i) heading[i] = is_heading(paragraphs[i]) && heading.size() > 1;
  bo.unindented = heading;
  // At most kMaxPages pages: an article of a hundred pages would hold the
  // screen for twenty minutes (and its layout the frame thread for a second
  // on a board). Only the text that can fill them is laid out: the page's
  // capacity in 1 em cells, twice over for Latin letters (about half an em
  // each), plus a page; the last page shown ends in an ellipsis.
  const float page_h = content_bottom - content_top;
  const size_t budget = static_cast<size_t>(2.f * (kMaxPages + 1) * std::max(1.f, body_w / body_px) *
                                            std::max(1.f, page_h / body_px));
  bool cut = false;
  const std::vector<std::string> shown = within_budget(paragraphs, budget, cut);
  text::TextLayout body = text::layout_text(ctx.shaper, shown, bo);
  const float first_h = page_h - (sum_h > 0 ? sum_h + body_px * 0.8f : 0.f);
  auto ranges = pages_of(body, std::max(first_h, body.line_pitch), page_h, heading);
  if (ranges.size() > kMaxPages || cut) {
    bo.max_lines = static_cast<int>(ranges[std::min(ranges.size(), kMaxPages) - 1].second);
    body = text::layout_text(ctx.shaper, shown, bo);
    ranges = pages_of(body, std::max(first_h, body.line_pitch), page_h, heading);
    if (ranges.size() > kMaxPages) ranges.resize(kMaxPages);
  }

  // The side column: the picture, then the code and its caption. The
  // picture gives way to the code down to 40 % of the column's width; below
  // that the code is left out.
  const float caption_h = body_px * 0.7f * 1.5f + body_px * 0.4f;
  float pic_h = pic ? side_w * 0.66f : 0.f;
  float qr_mod = qr_min_mod;
  if (side && qrm.size > 0) {
    const float room = content_bottom - content_top - (pic_h > 0 ? gap : 0.f) - caption_h;
    if (pic_h > 0) pic_h = std::max(side_w * 0.4f, std::min(pic_h, room - qr_min_mod * qr_span));
    qr_mod = std::floor(std::min(side_w * 0.62f, room - pic_h) / qr_span);
    if (qr_mod < qr_min_mod) {
      ctx.warnings.push_back("QR code left out: no room for it beside the picture at the smallest readable module size");
      qrm = {};
    }
  }
  auto head_op = std::make_shared<const text::TextLayout>(std::move(head));
  auto meta_op = std::make_shared<const text::TextLayout>(std::move(meta_l));
  auto sum_op = std::make_shared<const text::TextLayout>(std::move(sum));

  std::vector<render::DisplayList> pages;
  for (size_t p = 0; p < ranges.size(); ++p) {
    render::DisplayList dl;
    dl.width = ctx.width;
    dl.height = ctx.height;
    add_background(dl, t, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
    auto text_at = [&](std::shared_ptr<const text::TextLayout> l, float x, float ty, content::Color c) {
      render::TextOp op;
      op.layout = std::move(l);
      op.x = x;
      op.y = ty;
      op.color = c;
      op.background = t.background;
      dl.ops.push_back(std::move(op));
    };
    text_at(head_op, a.x + m, y, t.foreground);
    text_at(meta_op, a.x + m, meta_y, stale ? t.accent : t.muted);
    dl.ops.push_back(render::RectOp{a.x + m, rule_y, std::min(W * 0.08f, body_px * 3), std::max(3.f, body_px * 0.1f), t.accent});
    float cy = content_top;
    if (p == 0 && sum_h > 0) {
      dl.ops.push_back(render::RectOp{a.x + m, cy, body_w, sum_h, t.background2});
      dl.ops.push_back(render::RectOp{a.x + m, cy, std::max(4.f, body_px * 0.12f), sum_h, t.accent});
      text_at(sum_op, a.x + m + body_px * 0.9f, cy + body_px * 0.6f, t.foreground);
      cy += sum_h + body_px * 0.8f;
    }
    auto page = std::make_shared<const text::TextLayout>(text::page_of(body, ranges[p].first, ranges[p].second));
    // One op per run of lines in one colour: body text, sub-headings.
    for (size_t k = 0; k < page->lines.size();) {
      auto is_head = [&](size_t line) {
        const auto para = static_cast<size_t>(page->lines[line].paragraph);
        return para < heading.size() && heading[para] != 0;
      };
      size_t e = k + 1;
      while (e < page->lines.size() && is_head(e) == is_head(k)) ++e;
      text_at(page, a.x + m, cy, is_head(k) ? t.accent : t.foreground);
      auto& op = std::get<render::TextOp>(dl.ops.back());
      op.glyph_begin = page->lines[k].glyph_begin;
      op.glyph_end = page->lines[e - 1].glyph_end;
      k = e;
    }
    if (side) {
      const float sx = a.x + W - m - side_w;
      float sy = content_top;
      if (pic_h > 0) {
        dl.ops.push_back(render::ImageOp{resolve_path(ctx, item->image), sx, sy, side_w, pic_h, true});
        sy += pic_h + gap;
      }
      if (qrm.size > 0) {
        const float mod = qr_mod;
        const float qx = sx + (side_w - mod * static_cast<float>(qrm.size)) / 2;
        dl.ops.push_back(render::QrOp{qx, sy + 2 * mod, mod, qrm.size, qrm.modules, {0x11, 0x11, 0x11}, {0xFF, 0xFF, 0xFF}});
        text::LayoutOptions co = text_options(t, false, std::round(body_px * 0.7f));
        co.width_px = side_w;
        co.align = text::Align::Center;
        text_at(std::make_shared<const text::TextLayout>(text::layout_text(ctx.shaper, {"扫码阅读全文"}, co)), sx,
                sy + mod * static_cast<float>(qrm.size + 4) + body_px * 0.4f, t.muted);
      }
    } else if (qrm.size > 0) {
      const float mod = qr_min_mod;
      const float qs = mod * static_cast<float>(qrm.size);
      dl.ops.push_back(render::QrOp{a.x + m + 2 * mod, a.y + H - m - qs - 2 * mod, mod, qrm.size, qrm.modules,
                                    {0x11, 0x11, 0x11}, {0xFF, 0xFF, 0xFF}});
    }
    if (ranges.size() > 1) {
      // Page indicator: "2 / 5" and a row of dots, bottom right.
      text::LayoutOptions io = text_options(t, false, std::round(body_px * 0.75f));
      io.width_px = W * 0.2f;
      io.align = text::Align::End;
      text::TextLayout ind = text::layout_text(
          ctx.shaper, {std::to_string(p + 1) + " / " + std::to_string(ranges.size())}, io);
      const float iy = a.y + H - m - ind.height;
      text_at(std::make_shared<const text::TextLayout>(std::move(ind)), a.x + W - m - W * 0.2f, iy, t.muted);
      const float dot = std::max(6.f, body_px * 0.22f);
      float dx = a.x + W - m - W * 0.2f - dot * 2;
      for (size_t k = ranges.size(); k-- > 0; dx -= dot * 2)
        dl.ops.push_back(render::RectOp{dx, iy + body_px * 0.45f, dot, dot, k == p ? t.accent : t.muted});
    }
    pages.push_back(std::move(dl));
  }
  return pages;
}

}  // namespace paizi::show
