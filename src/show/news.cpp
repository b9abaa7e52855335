// News slides: headline fitted to at most two lines, a meta line (source ·
// date · staleness), the summary, the body paginated with a page indicator,
// and optionally a picture and a QR code of the article link.
#include <algorithm>
#include <cmath>

#include <qrencode.h>

#include "platform/handle.h"
#include "show/compose.h"
#include "show/format.h"
#include "show/grid.h"
#include "text/unicode.h"

namespace paizi::show {
namespace {

struct QrMatrix {
  int size = 0;
  std::vector<bool> modules;
};

QrMatrix encode_qr(const std::string& text) {
  QrMatrix m;
  const platform::CPtr<QRcode, QRcode_free> q(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!q) return m;
  m.size = q->width;
  m.modules.resize(static_cast<size_t>(q->width) * static_cast<size_t>(q->width));
  for (int i = 0; i < q->width * q->width; ++i) m.modules[static_cast<size_t>(i)] = q->data[i] & 1;
  return m;
}

constexpr size_t kMaxPages = 8;  // of a news slide's body
// The side column (picture, QR code) of a landscape slide, a share of its
// width; a picture in it is at most this share of the column's width tall.
constexpr float kSideShare = 0.26f;
constexpr float kPictureHeight = 0.66f;

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

// A news slide laid out: the geometry and layouts every page shares.
struct NewsLayout {
  NewsLayout(const content::Theme& theme, ComposeContext& c, const content::NewsItem& it)
      : t(theme), ctx(c), item(it) {}
  const content::Theme& t;
  ComposeContext& ctx;
  const content::NewsItem& item;
  Rect a;
  float W = 0, H = 0, unit = 0, m = 0, body_px = 0, side_w = 0, gap = 0, head_w = 0;
  bool qr = false, pic = false, side = false, stale = false;
  std::vector<std::string> paragraphs;  // of the body (without one said as the headline)
  std::shared_ptr<const text::TextLayout> head, meta, sum;
  float y = 0, meta_y = 0, rule_y = 0, content_top = 0, content_bottom = 0, body_w = 0, page_h = 0;
  QrMatrix qrm;
  float qr_min_mod = 0, qr_span = 0, qr_mod = 0;
  float sum_h = 0, pic_h = 0;
  text::TextLayout body;
  std::vector<char> heading;                      // per body paragraph: a sub-heading
  std::vector<std::pair<size_t, size_t>> ranges;  // body lines per page
};

void text_at(render::DisplayList& dl, const content::Theme& t, std::shared_ptr<const text::TextLayout> l,
             float x, float y, content::Color c) {
  render::TextOp op;
  op.layout = std::move(l);
  op.x = x;
  op.y = y;
  op.color = c;
  op.background = t.background;
  dl.ops.push_back(std::move(op));
}

// The zones: the area, margins, body size, the side column's width.
void layout_zones(NewsLayout& L, const content::NewsSlide& s) {
  const ComposeContext& ctx = L.ctx;
  L.a = ctx.area;
  L.H = L.a.h;
  L.W = L.a.w;
  const bool landscape = L.W >= L.H;
  L.unit = std::min(L.W, L.H);
  L.m = L.t.margin * L.unit;
  L.body_px = std::round(std::min(L.H, L.W * grid::kTextAspect) * L.t.body_size);
  L.qr = s.qr && !L.item.link.empty();
  // A picture it names but cannot draw (gone, unreadable, not an image):
  // the layout of an item without one.
  const float side_w = L.W * kSideShare;
  L.pic = landscape && !L.item.image.empty() &&
          (!ctx.can_draw || ctx.can_draw(resolve_path(ctx, L.item.image), side_w, side_w * kPictureHeight));
  L.side = landscape && (L.qr || L.pic);
  L.side_w = L.side ? side_w : 0.f;
  L.gap = L.m * 0.6f;
}

// Headline: bold, at most two lines, as large as fits; then the meta line:
// source · date · updated N minutes ago (stale data only).
void layout_head(NewsLayout& L) {
  const content::Theme& t = L.t;
  ComposeContext& ctx = L.ctx;
  const content::NewsItem& item = L.item;
  text::LayoutOptions ho = text_options(t, true, 0);
  ho.line_height = 1.25f;
  ho.balance = true;
  ho.shape.line_break = text::BreakLevel::Strict;
  L.head_w = L.W - 2 * L.m;
  text::FitBox hb{L.head_w, L.H * 0.2f, std::round(L.body_px * 1.2f), std::round(L.unit * 0.075f), 2};
  const std::string headline = content::headline_of(item);
  L.head = std::make_shared<const text::TextLayout>(fit_checked(ctx, t, "headline", {headline}, ho, hb));
  // A headline made of the whole first paragraph is not said again below it.
  const bool skip_first =
      item.title.empty() && item.paragraphs.size() > 1 && headline == item.paragraphs.front();
  L.paragraphs.assign(item.paragraphs.begin() + (skip_first ? 1 : 0), item.paragraphs.end());
  L.y = L.a.y + L.m;
  std::string meta = item.source;
  if (item.published) {
    const content::TimeZone utc = content::TimeZone::utc();
    meta += (meta.empty() ? "" : "  ·  ") + chinese_date(*item.published, ctx.zone ? *ctx.zone : utc);
  }
  L.stale = ctx.max_age > 0 && ctx.data_time > 0 && ctx.now - ctx.data_time > ctx.max_age;
  if (L.stale) meta += (meta.empty() ? "" : "  ·  ") + chinese_age(ctx.now - ctx.data_time) + "更新";
  text::LayoutOptions mo = text_options(t, false, std::round(L.body_px * 0.78f));
  mo.width_px = L.head_w;
  mo.max_lines = 1;
  L.meta = std::make_shared<const text::TextLayout>(text::layout_text(ctx.shaper, {meta}, mo));
  L.meta_y = L.y + L.head->height + L.body_px * 0.3f;
  L.rule_y = L.meta_y + L.meta->height + L.body_px * 0.5f;
  L.content_top = L.rule_y + L.body_px * 0.9f;
}

// The QR code: never below the theme's smallest module (a phone must read
// it from where people stand). In portrait it has a footer band of its
// own, bottom left, beside the page indicator. Sets the content's bottom.
void place_qr(NewsLayout& L) {
  const float indicator_h = L.body_px * 1.4f;
  if (L.qr) L.qrm = encode_qr(L.item.link);
  L.qr_min_mod = std::max(2.f, std::round(L.unit * L.t.qr_module));
  L.qr_span = static_cast<float>(L.qrm.size + 4);  // modules, quiet zone included
  if (L.qrm.size > 0 && L.qr_min_mod * L.qr_span > (L.side ? L.side_w : L.W - 2 * L.m)) {
    L.ctx.warnings.push_back(
        "QR code left out: its " + std::to_string(L.qrm.size) +
        " modules do not fit at the smallest readable module size (a shorter link fits)");
    L.qrm = {};
  }
  const float footer_h =
      !L.side && L.qrm.size > 0 ? std::max(indicator_h, L.qr_min_mod * L.qr_span) : indicator_h;
  L.content_bottom = L.a.y + L.H - L.m - footer_h;
  L.body_w = L.W - 2 * L.m - (L.side ? L.side_w + L.gap * 2 : 0.f);
  L.qr_mod = L.qr_min_mod;
}

// Summary box (first page only).
void layout_summary(NewsLayout& L) {
  const content::NewsItem& item = L.item;
  // A feed without a separate summary repeats the start of its body as one
  // (JSON Feed, RSS with content only): the box would say the body twice.
  std::string body_start;
  for (const std::string& p : item.paragraphs) {
    if (body_start.size() >= item.summary.size()) break;
    body_start += (body_start.empty() ? "" : "\n") + p;
  }
  const bool summary_is_body = !item.paragraphs.empty() && body_start.rfind(item.summary, 0) == 0;
  text::TextLayout sum;
  if (!item.summary.empty() && !summary_is_body) {
    text::LayoutOptions so = text_options(L.t, false, std::round(L.body_px * 0.92f));
    so.width_px = L.body_w - L.body_px * 1.6f;
    so.justify = true;
    so.max_lines = 3;
    so.line_height = 1.5f;
    so.shape.normalize_commas = L.t.lang.rfind("zh", 0) == 0;
    sum = text::layout_text(L.ctx.shaper, {item.summary}, so);
    L.sum_h = sum.height + L.body_px * 1.2f;
  }
  L.sum = std::make_shared<const text::TextLayout>(std::move(sum));
}

// Body: justified, 2 em first-line indent, paragraphs spaced, split into
// at most kMaxPages pages.
void layout_body(NewsLayout& L) {
  const content::Theme& t = L.t;
  text::LayoutOptions bo = text_options(t, false, L.body_px);
  bo.width_px = L.body_w;
  bo.justify = true;
  bo.indent_em = t.lang.rfind("zh", 0) == 0 ? 2.f : 0.f;
  bo.paragraph_spacing_em = 0.35f;
  bo.shape.normalize_commas = t.lang.rfind("zh", 0) == 0;
  // Sub-headings: flush left, in the accent colour (news_page).
  L.heading.assign(L.paragraphs.size(), 0);
  for (size_t i = 0; i < L.heading.size(); ++i)
    L.heading[i] = is_heading(L.paragraphs[i]) && L.heading.size() > 1;
  bo.unindented = L.heading;
  // At most kMaxPages pages: an article of a hundred pages would hold the
  // screen for twenty minutes (and its layout the frame thread for a second
  // on a board). Only the text that can fill them is laid out: the page's
  // capacity in 1 em cells, twice over for Latin letters (about half an em
  // each), plus a page; the last page shown ends in an ellipsis.
  L.page_h = L.content_bottom - L.content_top;
  const size_t budget = static_cast<size_t>(2.f * (kMaxPages + 1) * std::max(1.f, L.body_w / L.body_px) *
                                            std::max(1.f, L.page_h / L.body_px));
  bool cut = false;
  const std::vector<std::string> shown = within_budget(L.paragraphs, budget, cut);
  L.body = text::layout_text(L.ctx.shaper, shown, bo);
  const float first_h = L.page_h - (L.sum_h > 0 ? L.sum_h + L.body_px * 0.8f : 0.f);
  L.ranges = pages_of(L.body, std::max(first_h, L.body.line_pitch), L.page_h, L.heading);
  if (L.ranges.size() > kMaxPages || cut) {
    bo.max_lines = static_cast<int>(L.ranges[std::min(L.ranges.size(), kMaxPages) - 1].second);
    L.body = text::layout_text(L.ctx.shaper, shown, bo);
    L.ranges = pages_of(L.body, std::max(first_h, L.body.line_pitch), L.page_h, L.heading);
    if (L.ranges.size() > kMaxPages) L.ranges.resize(kMaxPages);
  }
}

// The side column: the picture, then the code and its caption. The
// picture gives way to the code down to 40 % of the column's width; below
// that the code is left out.
void layout_side(NewsLayout& L) {
  const float caption_h = L.body_px * 0.7f * 1.5f + L.body_px * 0.4f;
  L.pic_h = L.pic ? L.side_w * kPictureHeight : 0.f;
  if (!L.side || L.qrm.size == 0) return;
  const float room = L.content_bottom - L.content_top - (L.pic_h > 0 ? L.gap : 0.f) - caption_h;
  if (L.pic_h > 0) L.pic_h = std::max(L.side_w * 0.4f, std::min(L.pic_h, room - L.qr_min_mod * L.qr_span));
  L.qr_mod = std::floor(std::min(L.side_w * 0.62f, room - L.pic_h) / L.qr_span);
  if (L.qr_mod < L.qr_min_mod) {
    L.ctx.warnings.push_back(
        "QR code left out: no room for it beside the picture at the smallest readable module size");
    L.qrm = {};
  }
}

// Page `p` of the body from `cy` down: one op per run of lines in one
// colour (body text, sub-headings).
void add_body(render::DisplayList& dl, const NewsLayout& L, size_t p, float cy) {
  const content::Theme& t = L.t;
  auto page =
      std::make_shared<const text::TextLayout>(text::page_of(L.body, L.ranges[p].first, L.ranges[p].second));
  const auto is_head = [&](size_t line) {
    const auto para = static_cast<size_t>(page->lines[line].paragraph);
    return para < L.heading.size() && L.heading[para] != 0;
  };
  for (size_t k = 0; k < page->lines.size();) {
    size_t e = k + 1;
    while (e < page->lines.size() && is_head(e) == is_head(k)) ++e;
    text_at(dl, t, page, L.a.x + L.m, cy, is_head(k) ? t.accent : t.foreground);
    auto& op = std::get<render::TextOp>(dl.ops.back());
    op.glyph_begin = page->lines[k].glyph_begin;
    op.glyph_end = page->lines[e - 1].glyph_end;
    k = e;
  }
}

// The side column's picture and code, or the code in the portrait footer.
void add_side(render::DisplayList& dl, const NewsLayout& L) {
  const content::Theme& t = L.t;
  const QrMatrix& qrm = L.qrm;
  if (L.side) {
    const float sx = L.a.x + L.W - L.m - L.side_w;
    float sy = L.content_top;
    if (L.pic_h > 0) {
      dl.ops.push_back(render::ImageOp{resolve_path(L.ctx, L.item.image), sx, sy, L.side_w, L.pic_h, true});
      sy += L.pic_h + L.gap;
    }
    if (qrm.size > 0) {
      const float mod = L.qr_mod;
      const float qx = sx + (L.side_w - mod * static_cast<float>(qrm.size)) / 2;
      dl.ops.push_back(
          render::QrOp{qx, sy + 2 * mod, mod, qrm.size, qrm.modules, {0x11, 0x11, 0x11}, {0xFF, 0xFF, 0xFF}});
      text::LayoutOptions co = text_options(t, false, std::round(L.body_px * 0.7f));
      co.width_px = L.side_w;
      co.align = text::Align::Center;
      text_at(dl, t,
              std::make_shared<const text::TextLayout>(text::layout_text(L.ctx.shaper, {"扫码阅读全文"}, co)),
              sx, sy + mod * static_cast<float>(qrm.size + 4) + L.body_px * 0.4f, t.muted);
    }
  } else if (qrm.size > 0) {
    const float mod = L.qr_min_mod;
    const float qs = mod * static_cast<float>(qrm.size);
    dl.ops.push_back(render::QrOp{L.a.x + L.m + 2 * mod,
                                  L.a.y + L.H - L.m - qs - 2 * mod,
                                  mod,
                                  qrm.size,
                                  qrm.modules,
                                  {0x11, 0x11, 0x11},
                                  {0xFF, 0xFF, 0xFF}});
  }
}

// Page indicator: "2 / 5" and a row of dots, bottom right.
void add_indicator(render::DisplayList& dl, const NewsLayout& L, size_t p) {
  const content::Theme& t = L.t;
  const float W = L.W, m = L.m;
  text::LayoutOptions io = text_options(t, false, std::round(L.body_px * 0.75f));
  io.width_px = W * 0.2f;
  io.align = text::Align::End;
  text::TextLayout ind =
      text::layout_text(L.ctx.shaper, {std::to_string(p + 1) + " / " + std::to_string(L.ranges.size())}, io);
  const float iy = L.a.y + L.H - m - ind.height;
  text_at(dl, t, std::make_shared<const text::TextLayout>(std::move(ind)), L.a.x + W - m - W * 0.2f, iy,
          t.muted);
  const float dot = std::max(6.f, L.body_px * 0.22f);
  float dx = L.a.x + W - m - W * 0.2f - dot * 2;
  for (size_t k = L.ranges.size(); k-- > 0; dx -= dot * 2)
    dl.ops.push_back(render::RectOp{dx, iy + L.body_px * 0.45f, dot, dot, k == p ? t.accent : t.muted});
}

render::DisplayList news_page(const NewsLayout& L, size_t p) {
  const content::Theme& t = L.t;
  const ComposeContext& ctx = L.ctx;
  const float x = L.a.x + L.m, body_px = L.body_px;
  render::DisplayList dl;
  dl.width = ctx.width;
  dl.height = ctx.height;
  add_background(dl, t, Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)});
  text_at(dl, t, L.head, x, L.y, t.foreground);
  text_at(dl, t, L.meta, x, L.meta_y, L.stale ? t.accent : t.muted);
  dl.ops.push_back(render::RectOp{x, L.rule_y,
                                  std::min(L.W * grid::kTitleRuleWidth, body_px * grid::kTitleRuleEm),
                                  std::max(grid::kRulePx, body_px * grid::kTitleRuleThick), t.accent});
  float cy = L.content_top;
  if (p == 0 && L.sum_h > 0) {
    dl.ops.push_back(render::RectOp{x, cy, L.body_w, L.sum_h, t.background2});
    dl.ops.push_back(render::RectOp{x, cy, std::max(4.f, body_px * 0.12f), L.sum_h, t.accent});
    text_at(dl, t, L.sum, x + body_px * 0.9f, cy + body_px * 0.6f, t.foreground);
    cy += L.sum_h + body_px * 0.8f;
  }
  add_body(dl, L, p, cy);
  add_side(dl, L);
  if (L.ranges.size() > 1) add_indicator(dl, L, p);
  return dl;
}

}  // namespace

std::vector<render::DisplayList> compose_news(const content::NewsSlide& s, const content::Theme& t,
                                              ComposeContext& ctx) {
  const content::NewsItem* item = s.news ? &*s.news : ctx.news;
  if (!item) return compose_notice("新闻暂不可用", "正在获取最新内容，请稍候", t, ctx);
  NewsLayout L(t, ctx, *item);
  layout_zones(L, s);
  layout_head(L);
  place_qr(L);
  layout_summary(L);
  layout_body(L);
  layout_side(L);
  std::vector<render::DisplayList> pages;
  for (size_t p = 0; p < L.ranges.size(); ++p) pages.push_back(news_page(L, p));
  return pages;
}

}  // namespace paizi::show
