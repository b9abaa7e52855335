#include "text/layout.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include "text/relax.h"

namespace paizi::text {
namespace {

constexpr float kEps = 1e-4f;
constexpr float kMinWordSpace = 0.25f;  // em (clreq: Latin word space shrinks to 1/4 em)
constexpr float kMaxWordSpace = 0.5f;   // em
constexpr float kMinCjkLatinGap = 0.125f;
constexpr float kMaxCjkLatinGap = 1.f / 3.f;

bool is_mark(char32_t c) { return char_class(c).mark(); }

// Shrink capacity of a code point in the middle of a line, em.
float shrink_cap(const ShapedParagraph& p, size_t i) {
  const char32_t c = p.cps[i];
  if (c == U' ') return std::max(0.f, p.adv[i] - kMinWordSpace);
  if (!(p.flags[i] & kCompressed) && p.halt_adv[i] < 0) return -p.halt_adv[i];
  return 0.f;
}
float gap_shrink_cap(const ShapedParagraph& p, size_t i) {
  return p.gap[i] > 0 ? p.gap[i] - kMinCjkLatinGap : 0.f;
}

// One line of a paragraph: code points [begin, end), trailing spaces excluded.
struct Span {
  size_t begin = 0, end = 0;
  bool start_compressed = false;  // opening bracket at line start, halt applied
  float natural = 0;              // em
};

// Prefix sums that make the width and shrink capacity of any range O(1).
class Measure {
 public:
  explicit Measure(const ShapedParagraph& p) : p_(p) {
    const size_t n = p.cps.size();
    w_.assign(n + 1, 0.f);
    s_.assign(n + 1, 0.f);
    for (size_t i = 0; i < n; ++i) {
      w_[i + 1] = w_[i] + p.adv[i] + p.gap[i];
      s_[i + 1] = s_[i] + shrink_cap(p, i) + gap_shrink_cap(p, i);
    }
  }
  // Natural width of [b, e), em (gap after the last code point excluded).
  float width(size_t b, size_t e) const { return e > b ? w_[e] - w_[b] - p_.gap[e - 1] : 0.f; }
  float shrink(size_t b, size_t e) const { return e > b ? s_[e] - s_[b] - gap_shrink_cap(p_, e - 1) : 0.f; }

 private:
  const ShapedParagraph& p_;
  std::vector<float> w_, s_;
};

size_t trim_spaces(const ShapedParagraph& p, size_t b, size_t e) {
  while (e > b + 1 && (p.flags[e - 1] & kSpace)) --e;
  return e;
}

// Break opportunities inside a word (ICU's dictionary word segmentation,
// which covers Chinese and Japanese): avoid[i] when a line may end after
// code point i but a word continues. Big balanced headlines and slogans
// break between words (热烈欢迎各位来宾 / 莅临参观指导, not 来 / 宾).
std::vector<char> word_internal_breaks(const ShapedParagraph& p) {
  const size_t n = p.cps.size();
  std::vector<char> avoid(n, 0);
  thread_local std::unique_ptr<icu::BreakIterator> words = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
    return U_FAILURE(err) ? nullptr : std::move(bi);
  }();
  if (!words || n == 0) return avoid;
  std::vector<char> boundary(n + 1, 0);  // boundary[k]: a word boundary before code point k
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(p.cps.data()), static_cast<int32_t>(n));
  words->setText(u);
  std::vector<size_t> starts;
  size_t cp = 0;
  int32_t at = 0;
  for (int32_t b = words->first(); b != icu::BreakIterator::DONE; b = words->next()) {
    cp += static_cast<size_t>(u.countChar32(at, b - at));
    at = b;
    if (cp <= n) {
      boundary[cp] = 1;
      starts.push_back(cp);
    }
  }
  // Two one-character Han "words" side by side are mostly a word missing
  // from the dictionary (莅|临, 入|驻, 中|试): not a place to prefer.
  for (size_t k = 1; k + 1 < starts.size(); ++k) {
    const size_t b = starts[k];
    if (b - starts[k - 1] == 1 && starts[k + 1] - b == 1 && is_cjk_letter(p.cps[b - 1]) &&
        is_cjk_letter(p.cps[b]))
      boundary[b] = 0;
  }
  for (size_t i = 0; i + 1 < n; ++i)
    if ((p.flags[i] & kBreakAfter) && !boundary[i + 1]) avoid[i] = 1;
  return avoid;
}

// Even lines for balanced text: among the ways to break into exactly
// `lines` lines no wider than the measure (break opportunities only, none
// in `avoid`), the one with the least sum of squared slack. Empty when
// there is none or the paragraph is too long to bother (body text).
std::vector<Span> even_lines(const ShapedParagraph& p, const Measure& m, float first_avail, float avail,
                             bool compress_start, size_t lines, const std::vector<char>* avoid) {
  const size_t n = p.cps.size();
  std::vector<size_t> cand{0};  // line starts/ends: 0, break positions, n
  for (size_t i = 0; i + 1 < n; ++i)
    if ((p.flags[i] & kBreakAfter) && !(avoid && (*avoid)[i])) cand.push_back(i + 1);
  cand.push_back(n);
  const size_t c = cand.size();
  if (lines == 0 || c > 400) return {};
  // Per candidate, what a line starting or ending there needs, so that each
  // of the O(lines * c^2) steps below is O(1): a line from candidate i
  // starts at start[i] (leading spaces skipped) with its opening bracket
  // compressed by adj[i]; a line ending at candidate j ends at end[j]
  // (trailing spaces dropped).
  std::vector<size_t> start(c), end(c);
  std::vector<char> compressed(c, 0);
  std::vector<float> adj(c, 0.f);
  for (size_t i = 0; i < c; ++i) {
    size_t b = cand[i];
    while (b < n && (p.flags[b] & kSpace)) ++b;
    start[i] = b;
    compressed[i] = compress_start && b < n && char_class(p.cps[b]).punct() == PunctKind::Opening &&
                    !(p.flags[b] & kCompressed) && p.halt_adv[b] < 0;
    adj[i] = compressed[i] ? p.halt_adv[b] : 0.f;
    size_t e = cand[i];
    while (e > 0 && (p.flags[e - 1] & kSpace)) --e;
    end[i] = e;
  }
  // [from, to): empty (end <= begin) when only spaces lie between. A
  // non-space at start[from] < cand[to] keeps end[to] > start[from], which
  // is where trim_spaces would stop too.
  auto line_of = [&](size_t from, size_t to) {
    Span sp;
    if (start[from] >= cand[to]) return sp;
    sp.begin = start[from];
    sp.end = end[to];
    sp.start_compressed = compressed[from];
    sp.natural = m.width(sp.begin, sp.end) + adj[from];
    return sp;
  };
  constexpr float kInf = 1e30f;
  // cost[k][j]: best cost of k lines covering [0, cand[j]); from[k][j] its previous end.
  std::vector<std::vector<float>> cost(lines + 1, std::vector<float>(c, kInf));
  std::vector<std::vector<size_t>> from(lines + 1, std::vector<size_t>(c, 0));
  cost[0][0] = 0;
  std::vector<size_t> reached;  // candidates that k - 1 lines can end at, ascending
  for (size_t k = 1; k <= lines; ++k) {
    const float w = k == 1 ? first_avail : avail;
    reached.clear();
    for (size_t i = 0; i < c; ++i)
      if (cost[k - 1][i] < kInf) reached.push_back(i);
    size_t below = 0;  // reached[0, below) < j
    for (size_t j = 1; j < c; ++j) {
      while (below < reached.size() && reached[below] < j) ++below;
      for (size_t r = below; r-- > 0;) {
        const size_t i = reached[r];
        const Span sp = line_of(i, j);
        if (sp.end <= sp.begin) continue;
        const float cap = sp.start_compressed ? -p.halt_adv[sp.begin] : 0.f;
        const float min_w = sp.natural - (m.shrink(sp.begin, sp.end) - cap);
        if (min_w > w + kEps) break;  // longer lines from further back only get wider
        const float slack = std::max(0.f, w - sp.natural);
        const float total = cost[k - 1][i] + slack * slack;
        if (total < cost[k][j]) {
          cost[k][j] = total;
          from[k][j] = i;
        }
      }
    }
  }
  if (cost[lines][c - 1] >= kInf) return {};
  std::vector<Span> out(lines);
  for (size_t k = lines, j = c - 1; k > 0; j = from[k][j], --k) out[k - 1] = line_of(from[k][j], j);
  return out;
}

// Letters and digits, ASCII or full-width (not punctuation, spaces or
// marks) in [b, e).
size_t letters(const ShapedParagraph& p, size_t b, size_t e) {
  size_t k = 0;
  for (size_t i = b; i < e; ++i)
    k += (is_cjk_letter(p.cps[i]) || is_alnum_western(p.cps[i]) || is_digit(p.cps[i])) && !is_mark(p.cps[i]);
  return k;
}

// No line of one character (段末孤字: "内。" alone under a full line; a
// "９" alone between a full line and a number's unit that did not fit
// beside it). The line before gives up its last breakable piece when the
// short line still fits with it (compressed if need be); the shortened line
// is then justified like any other. Lines after are unchanged.
void avoid_short_lines(const ShapedParagraph& p, const Measure& m, float avail, bool compress_start,
                       std::vector<Span>& spans) {
  const size_t n = p.cps.size();
  for (size_t k = 1; k < spans.size(); ++k) {
    Span& prev = spans[k - 1];
    Span& line = spans[k];
    if (letters(p, line.begin, line.end) >= 2) continue;
    for (size_t b = line.begin - 1; b > prev.begin + 1; --b) {
      if (!(p.flags[b - 1] & kBreakAfter)) continue;
      size_t s = b;
      while (s < n && (p.flags[s] & kSpace)) ++s;
      if (s >= line.begin) continue;  // only spaces between: no gain
      const size_t e = line.end;
      const bool sc = compress_start && char_class(p.cps[s]).punct() == PunctKind::Opening &&
                      !(p.flags[s] & kCompressed) && p.halt_adv[s] < 0;
      const float adj = sc ? p.halt_adv[s] : 0.f;
      const float nat = m.width(s, e) + adj;
      if (nat - (m.shrink(s, e) + adj) > avail + kEps) break;  // would not fit
      if (letters(p, s, e) < 2) continue;
      const size_t pe = trim_spaces(p, prev.begin, b);
      if (letters(p, prev.begin, pe) < 2) break;
      prev.end = pe;
      prev.natural = m.width(prev.begin, pe) + (prev.start_compressed ? p.halt_adv[prev.begin] : 0.f);
      line.begin = s;
      line.end = e;
      line.start_compressed = sc;
      line.natural = nat;
      break;
    }
  }
}

// The least bad end for a line from code point s in a measure of w em that
// no break at the configured level fits (the contract of relax.h): among
// the breaks that fit (compressed if need be), the least rank, the furthest
// of that rank; among anywhere breaks a URL's (RelaxedBreaks::url_preferred)
// when it fills at least kUrlMinFill of the line; and not a break that
// leaves a single letter as the paragraph's last line while one of no
// worse rank fits. Returns the line's end (> s); the first cluster when
// even it is wider than the line (overflow cannot be avoided).
// A URL's own break is worth a line up to two thirds empty: a reader
// copies a URL by its parts, and a narrow column has few letters per line.
constexpr float kUrlMinFill = 1.f / 3.f;
size_t forced_break(const ShapedParagraph& p, const Measure& m, const RelaxedBreaks& rb, size_t s, float w,
                    float start_adj, float start_cap) {
  const size_t n = p.cps.size();
  // fits[k]: candidate line ends b (breaks after b - 1) that fit, in order.
  std::vector<size_t> fits;
  for (size_t b = s + 1; b < n; ++b) {
    const size_t e = trim_spaces(p, s, b);
    if (m.width(s, e) + start_adj - (m.shrink(s, e) - start_cap) > w + kEps) break;
    if (rb.rank(b - 1) < kRankNever) fits.push_back(b);
  }
  if (fits.empty()) {
    size_t e = s + 1;
    while (e < n && rb.rank(e - 1) == kRankNever) ++e;
    return e;
  }
  BreakRank least = kRankNever;
  for (size_t b : fits) least = std::min(least, rb.rank(b - 1));
  size_t pick = 0, url = 0;
  for (size_t b : fits) {
    if (rb.rank(b - 1) != least) continue;
    pick = b;
    if (least == kRankAnywhere && rb.url_preferred(b - 1) && m.width(s, b) >= kUrlMinFill * w) url = b;
  }
  if (url) pick = url;
  if (letters(p, pick, n) == 1 && letters(p, s, pick) > 2) {
    // One letter would be left for the last line: end one piece earlier.
    const BreakRank worst = std::max(least, kRankAnywhere);
    for (size_t k = fits.size(); k-- > 0;)
      if (fits[k] < pick && rb.rank(fits[k] - 1) <= worst && letters(p, s, fits[k]) >= 2) return fits[k];
  }
  return pick;
}

// Greedy line breaking, clreq order: a candidate line is taken if it fits
// at natural width or after compressing its punctuation and spaces (先挤进);
// only then is text pushed to the next line (后推出).
std::vector<Span> break_paragraph(const ShapedParagraph& p, const Measure& m, float first_avail, float avail,
                                  bool compress_start, BreakLevel level,
                                  const std::vector<char>* avoid = nullptr, bool* forced = nullptr) {
  std::vector<Span> spans;
  const size_t n = p.cps.size();
  std::optional<RelaxedBreaks> relaxed;  // made for the first forced break
  size_t s = 0;
  while (s < n) {
    const float w = spans.empty() ? first_avail : avail;
    Span sp;
    sp.begin = s;
    sp.start_compressed = compress_start && char_class(p.cps[s]).punct() == PunctKind::Opening &&
                          !(p.flags[s] & kCompressed) && p.halt_adv[s] < 0;
    const float start_adj = sp.start_compressed ? p.halt_adv[s] : 0.f;
    const float start_cap = sp.start_compressed ? -p.halt_adv[s] : 0.f;
    size_t best = 0;
    for (size_t i = s; i < n; ++i) {
      if (!(((p.flags[i] & kBreakAfter) && !(avoid && (*avoid)[i])) || i + 1 == n)) {
        // Even fully compressed the text up to here is too wide: stop.
        if (best && m.width(s, i + 1) + start_adj - (m.shrink(s, i + 1) - start_cap) > w + kEps) break;
        continue;
      }
      const size_t e = trim_spaces(p, s, i + 1);
      const float nat = m.width(s, e) + start_adj;
      const float min_w = nat - (m.shrink(s, e) - start_cap);
      if (nat <= w + kEps || min_w <= w + kEps) {
        best = i + 1;
        sp.end = e;
        sp.natural = nat;
      } else {
        break;
      }
    }
    if (!best) {
      if (forced) *forced = true;
      // Nothing fits: the least bad break inside the segment (relax.h),
      // never an overflow (at least one cluster per line).
      if (!relaxed) relaxed.emplace(p, level);
      best = forced_break(p, m, *relaxed, s, w, start_adj, start_cap);
      sp.end = trim_spaces(p, s, best);
      sp.natural = m.width(s, sp.end) + start_adj;
    }
    spans.push_back(sp);
    s = best;
    while (s < n && (p.flags[s] & kSpace)) ++s;  // spaces after a break hang
  }
  avoid_short_lines(p, m, avail, compress_start, spans);
  return spans;
}

struct Item {
  size_t i;
  float cap;
};

struct Adjust {
  std::vector<float> du, dadv, dgap;  // per code point of the line, em
  // Scratch lists for shrink_line/expand_line, kept across lines.
  std::vector<Item> items, items2;
  std::vector<size_t> slots;
};

// Distributes `amount` (em, > 0) over items in proportion to their capacity,
// at most the whole capacity; returns what is left.
template <typename Item, typename Apply>
float distribute(const std::vector<Item>& items, float amount, Apply apply) {
  float total = 0;
  for (const auto& it : items) total += it.cap;
  if (total <= kEps || amount <= kEps) return amount;
  const float f = std::min(1.f, amount / total);
  for (const auto& it : items) apply(it, f);
  return amount - f * total;
}

// Shrinks a line in clreq's order: line-end punctuation, word spaces,
// middle dots, brackets, 、，；：, the CJK-Latin gap, 。？！.
void shrink_line(const ShapedParagraph& p, const Span& sp, float need, Adjust& a) {
  auto punct_items = [&](auto pred) -> const std::vector<Item>& {
    std::vector<Item>& v = a.items;
    v.clear();
    for (size_t i = sp.begin; i < sp.end; ++i) {
      if (i == sp.begin && sp.start_compressed) continue;
      if (!(p.flags[i] & kCompressed) && p.halt_adv[i] < 0 && a.dadv[i - sp.begin] == 0.f && pred(i))
        v.push_back({i, -p.halt_adv[i]});
    }
    return v;
  };
  auto apply_halt = [&](const Item& it, float f) {
    a.du[it.i - sp.begin] += f * p.halt_u[it.i];
    a.dadv[it.i - sp.begin] += f * p.halt_adv[it.i];
  };
  const size_t last = sp.end - 1;
  need = distribute(punct_items([&](size_t i) {
                      const PunctKind k = char_class(p.cps[i]).punct();
                      return i == last && (k == PunctKind::Closing || k == PunctKind::Middle);
                    }),
                    need, apply_halt);
  std::vector<Item>& spaces = a.items2;
  spaces.clear();
  for (size_t i = sp.begin; i < sp.end; ++i)
    if (p.cps[i] == U' ' && p.adv[i] > kMinWordSpace) spaces.push_back({i, p.adv[i] - kMinWordSpace});
  need = distribute(spaces, need, [&](const Item& it, float f) { a.dadv[it.i - sp.begin] -= f * it.cap; });
  for (ShrinkClass cls : {ShrinkClass::Middle, ShrinkClass::Bracket, ShrinkClass::Comma}) {
    need = distribute(punct_items([&](size_t i) { return char_class(p.cps[i]).shrink() == cls; }), need,
                      apply_halt);
  }
  std::vector<Item>& gaps = a.items2;
  gaps.clear();
  for (size_t i = sp.begin; i + 1 < sp.end; ++i)
    if (p.gap[i] > kMinCjkLatinGap) gaps.push_back({i, p.gap[i] - kMinCjkLatinGap});
  need = distribute(gaps, need, [&](const Item& it, float f) { a.dgap[it.i - sp.begin] -= f * it.cap; });
  distribute(punct_items([&](size_t i) { return char_class(p.cps[i]).shrink() == ShrinkClass::Stop; }), need,
             apply_halt);
}

// Expands a justified line: word spaces to 1/2 em, the CJK-Latin gap to
// 1/3 em, then every inter-character gap equally (never inside —— or ……).
void expand_line(const ShapedParagraph& p, const Span& sp, float slack, Adjust& a) {
  std::vector<Item>& spaces = a.items;
  std::vector<Item>& gaps = a.items2;
  spaces.clear();
  gaps.clear();
  for (size_t i = sp.begin; i < sp.end; ++i) {
    if (p.cps[i] == U' ' && p.adv[i] < kMaxWordSpace) spaces.push_back({i, kMaxWordSpace - p.adv[i]});
    if (i + 1 < sp.end && p.gap[i] > 0 && p.gap[i] < kMaxCjkLatinGap)
      gaps.push_back({i, kMaxCjkLatinGap - p.gap[i]});
  }
  slack = distribute(spaces, slack, [&](const Item& it, float f) { a.dadv[it.i - sp.begin] += f * it.cap; });
  slack = distribute(gaps, slack, [&](const Item& it, float f) { a.dgap[it.i - sp.begin] += f * it.cap; });
  if (slack <= kEps) return;
  std::vector<size_t>& slots = a.slots;
  slots.clear();
  for (size_t i = sp.begin; i + 1 < sp.end; ++i) {
    const CharClass nx = char_class(p.cps[i + 1]);
    if ((p.flags[i] & kNoJustifyAfter) || nx.mark()) continue;
    if (char_class(p.cps[i]).cjk() || nx.cjk()) slots.push_back(i);
  }
  if (slots.empty()) {
    for (size_t i = sp.begin; i < sp.end; ++i)
      if (p.cps[i] == U' ') slots.push_back(i);
    for (size_t i : slots) a.dadv[i - sp.begin] += slack / static_cast<float>(slots.size());
    return;
  }
  for (size_t i : slots) a.dgap[i - sp.begin] += slack / static_cast<float>(slots.size());
}

// Positions the glyphs of one line. `u0` is the line start along the line,
// px; returns the end position, px.
float place_line(const ShapedParagraph& p, const Span& sp, const Adjust& a, float u0, float size,
                 bool vertical, float axis, TextLayout& out) {
  float pen = u0;
  for (size_t i = sp.begin; i < sp.end; ++i) {
    const size_t k = i - sp.begin;
    float local = pen;
    for (uint32_t g = p.first_glyph[i]; g < p.first_glyph[i + 1]; ++g) {
      const ShapedGlyph& sg = p.glyphs[g];
      const float u = local + (sg.u + (g == p.first_glyph[i] ? a.du[k] : 0.f)) * size;
      // Written in place: a glyph built on the stack and copied costs a
      // store-forwarding stall per glyph.
      PositionedGlyph& pg = out.glyphs.emplace_back();
      pg.face = sg.face;
      pg.gid = sg.gid;
      pg.x = vertical ? axis + sg.v * size : u;
      pg.y = vertical ? u : axis + sg.v * size;
      pg.size = size;
      pg.rotated = sg.rotated;
      pg.missing = sg.missing;
      local += sg.adv * size;
    }
    pen += (p.adv[i] + a.dadv[k]) * size;
    if (i + 1 < sp.end) pen += (p.gap[i] + a.dgap[k]) * size;
  }
  return pen;
}

}  // namespace

TextLayout set_text(const ShapedText& shaped, const LayoutOptions& opt) {
  TextLayout out;
  out.size_px = opt.size_px;
  out.vertical = shaped.vertical;
  out.missing_glyphs = shaped.missing;
  const float size = opt.size_px;
  const float pitch = opt.line_height * size;
  out.line_pitch = pitch;
  const float avail = opt.width_px / size;  // em
  const float para_indent = std::max(0.f, std::min(opt.indent_em, avail));
  // Cross position (top of each line box, px) kept until the total is known.
  std::vector<float> cross;
  size_t glyph_total = shaped.ellipsis.size();
  for (const ShapedParagraph& p : shaped.paragraphs) glyph_total += p.glyphs.size();
  out.glyphs.reserve(glyph_total);
  Adjust a;  // per line, storage reused
  float c = 0;
  bool stop = false;
  for (size_t pi = 0; pi < shaped.paragraphs.size() && !stop; ++pi) {
    const ShapedParagraph& p = shaped.paragraphs[pi];
    const Measure m(p);
    const float indent = pi < opt.unindented.size() && opt.unindented[pi] ? 0.f : para_indent;
    std::vector<Span> spans =
        break_paragraph(p, m, avail - indent, avail, opt.compress_line_start, opt.shape.line_break);
    if (opt.balance && spans.size() > 1) {
      // Narrowest measure that still needs no more lines: even lines
      // instead of a full first line and a short last one. Between words
      // when that is possible in as many lines, else between characters.
      const std::vector<char> inside_words = word_internal_breaks(p);
      auto lines_at = [&](float width, const std::vector<char>* avoid) {
        bool forced = false;
        const size_t k = break_paragraph(p, m, width - indent, width, opt.compress_line_start,
                                         opt.shape.line_break, avoid, &forced)
                             .size();
        return forced ? SIZE_MAX : k;
      };
      const std::vector<char>* avoid =
          lines_at(avail, &inside_words) <= spans.size() ? &inside_words : nullptr;
      float lo = 0, hi = avail;
      for (int it = 0; it < 14; ++it) {
        const float mid = (lo + hi) / 2;
        if (lines_at(mid, avoid) <= spans.size())
          hi = mid;
        else
          lo = mid;
      }
      spans = break_paragraph(p, m, hi - indent, hi, opt.compress_line_start, opt.shape.line_break, avoid);
      std::vector<Span> even =
          even_lines(p, m, hi - indent, hi, opt.compress_line_start, spans.size(), avoid);
      if (!even.empty()) spans = std::move(even);
      for (size_t k = 0; k + 1 < spans.size(); ++k)
        out.broken_words += spans[k].end > spans[k].begin && inside_words[spans[k].end - 1];
    }
    if (spans.empty()) spans.push_back(Span{});  // an empty paragraph is an empty line
    for (size_t li = 0; li < spans.size(); ++li) {
      Span sp = spans[li];
      const bool first = li == 0;
      bool last = li + 1 == spans.size();
      const float w = first ? avail - indent : avail;
      bool ellipsis = false;
      if (opt.max_lines > 0 && static_cast<int>(out.lines.size()) + 1 == opt.max_lines &&
          (!last || pi + 1 < shaped.paragraphs.size())) {
        // Truncate: keep what fits before the ellipsis.
        ellipsis = true;
        stop = true;
        const float room = w - shaped.ellipsis_adv;
        size_t e = sp.end;
        if (!last) e = spans[li + 1].begin;
        while (e > sp.begin &&
               (m.width(sp.begin, e) - m.shrink(sp.begin, e) > room + kEps || (p.flags[e - 1] & kSpace) ||
                char_class(p.cps[e - 1]).no_break_after(opt.shape.line_break)))
          --e;
        sp.end = e;
        sp.natural = m.width(sp.begin, e) + (sp.start_compressed ? p.halt_adv[sp.begin] : 0.f);
        last = true;
        out.truncated = true;
      }
      const size_t len = sp.end - sp.begin;
      a.du.assign(len, 0.f);
      a.dadv.assign(len, 0.f);
      a.dgap.assign(len, 0.f);
      if (sp.start_compressed && len) {
        a.du[0] += p.halt_u[sp.begin];
        a.dadv[0] += p.halt_adv[sp.begin];
      }
      // Ragged (non-justified) lines drop the blank half of a closing mark
      // at their end, so centred and end-aligned text balances optically.
      if (!opt.justify && len && !ellipsis) {
        const size_t e = sp.end - 1;
        const PunctKind k = char_class(p.cps[e]).punct();
        if ((k == PunctKind::Closing || k == PunctKind::Middle) && !(p.flags[e] & kCompressed) &&
            p.halt_adv[e] < 0 && !(e == sp.begin && sp.start_compressed)) {
          a.du[len - 1] += p.halt_u[e];
          a.dadv[len - 1] += p.halt_adv[e];
          sp.natural += p.halt_adv[e];
        }
      }
      const float room = ellipsis ? w - shaped.ellipsis_adv : w;
      const float slack = room - sp.natural;
      if (slack < -kEps)
        shrink_line(p, sp, -slack, a);
      else if (slack > kEps && opt.justify && !last)
        expand_line(p, sp, slack, a);

      LayoutLine line;
      line.paragraph = static_cast<int>(pi);
      line.text =
          len ? p.text.utf8.substr(p.text.offset[sp.begin], p.text.offset[sp.end] - p.text.offset[sp.begin])
              : std::string();
      line.natural = sp.natural * size;
      line.ellipsis = ellipsis;
      line.paragraph_end = last;
      line.glyph_begin = out.glyphs.size();
      const float start = first ? indent * size : 0.f;
      // Axis: baseline (horizontal) or column centre (vertical), fixed below.
      const float axis = shaped.vertical ? 0.f : c + (pitch - size) / 2 + shaped.ascender * size;
      float end = place_line(p, sp, a, start, size, shaped.vertical, axis, out);
      if (ellipsis) {
        for (const ShapedGlyph& sg : shaped.ellipsis) {
          PositionedGlyph pg{sg.face, sg.gid, 0, 0, size, sg.rotated, sg.missing};
          const float u = end + sg.u * size;
          pg.x = shaped.vertical ? sg.v * size : u;
          pg.y = shaped.vertical ? u : axis + sg.v * size;
          out.glyphs.push_back(pg);
          end += sg.adv * size;
        }
      }
      float shift = 0;
      const float used = end - start;
      const float box = w * size;
      if (!(opt.justify && !last)) {
        if (opt.align == Align::Center)
          shift = (box - used) / 2;
        else if (opt.align == Align::End)
          shift = box - used;
      }
      if (shift != 0) {
        for (size_t g = line.glyph_begin; g < out.glyphs.size(); ++g)
          (shaped.vertical ? out.glyphs[g].y : out.glyphs[g].x) += shift;
      }
      line.glyph_end = out.glyphs.size();
      line.length = used;
      line.x = shaped.vertical ? 0.f : start + shift;
      line.y = shaped.vertical ? start + shift : axis;
      out.lines.push_back(std::move(line));
      cross.push_back(c);
      c += pitch;
      out.width = std::max(out.width, start + shift + used);
      if (stop) break;
    }
    if (pi + 1 < shaped.paragraphs.size()) c += opt.paragraph_spacing_em * size;
  }
  const float extent = out.lines.empty() ? 0.f : cross.back() + pitch;
  if (shaped.vertical) {
    // Columns run right to left: the first column is at the right edge.
    out.height = out.width;
    out.width = extent;
    for (size_t k = 0; k < out.lines.size(); ++k) {
      const float axis = extent - cross[k] - pitch / 2;
      out.lines[k].x = axis;
      for (size_t g = out.lines[k].glyph_begin; g < out.lines[k].glyph_end; ++g) out.glyphs[g].x += axis;
    }
  } else {
    out.height = extent;
  }
  return out;
}

TextLayout layout_text(Shaper& shaper, const std::vector<std::string>& paragraphs, const LayoutOptions& opt) {
  return set_text(shaper.shape(paragraphs, opt.shape), opt);
}

TextLayout fit_text(Shaper& shaper, const std::vector<std::string>& paragraphs, LayoutOptions opt,
                    const FitBox& box) {
  const ShapedText shaped = shaper.shape(paragraphs, opt.shape);
  opt.width_px = shaped.vertical ? box.height : box.width;
  opt.max_lines = 0;
  auto fits = [&](const TextLayout& l) {
    return (box.max_lines <= 0 || static_cast<int>(l.lines.size()) <= box.max_lines) &&
           l.width <= box.width + 0.5f && l.height <= box.height + 0.5f;
  };
  auto at = [&](int px, bool balance) {
    LayoutOptions o = opt;
    o.size_px = static_cast<float>(px);
    o.balance = balance;
    return set_text(shaped, o);
  };
  // The size search uses greedy breaking. Balancing only narrows the
  // measure while keeping the greedy line count (greedy breaking needs the
  // fewest lines), so it never turns a fitting size into one that does not
  // fit; it costs some twenty greedy passes, which the search need not pay.
  auto try_size = [&](int px) {
    TextLayout l = at(px, false);
    const bool f = fits(l);
    return std::make_pair(f, std::move(l));
  };
  int lo = static_cast<int>(std::ceil(box.min_size));
  int hi = static_cast<int>(std::floor(box.max_size));
  if (hi < lo) hi = lo;
  // The chosen size, laid out as asked. Balanced text that had to break
  // inside a word there: up to 20 % smaller, if that lets every line end
  // between words.
  const int min_px = lo;
  auto finish = [&](int px, TextLayout greedy) {
    if (!opt.balance) return greedy;
    TextLayout l = at(px, true);
    if (!fits(l)) return greedy;  // cannot happen by the argument above; the box is the contract
    for (int q = px - 1; l.broken_words > 0 && q >= std::max(min_px, static_cast<int>(px * 0.8f)); --q)
      if (TextLayout s = at(q, true); fits(s) && s.broken_words == 0) return s;
    return l;
  };
  if (auto [f, l] = try_size(hi); f) return finish(hi, std::move(l));
  auto [lo_fits, best] = try_size(lo);
  if (!lo_fits) {
    // Even the minimum does not fit: truncate at the lines that fit.
    opt.size_px = static_cast<float>(lo);
    const float per_line = opt.line_height * opt.size_px;
    const int cross_room = static_cast<int>((shaped.vertical ? box.width : box.height) / per_line);
    int lines = std::max(1, cross_room);
    if (box.max_lines > 0) lines = std::min(lines, box.max_lines);
    opt.max_lines = lines;
    return set_text(shaped, opt);
  }
  while (hi - lo > 1) {  // invariant: lo fits, hi does not
    const int mid = (lo + hi) / 2;
    auto [f, l] = try_size(mid);
    if (f) {
      lo = mid;
      best = std::move(l);
    } else {
      hi = mid;
    }
  }
  return finish(lo, std::move(best));
}

std::vector<size_t> paginate(const TextLayout& layout, float page_height) {
  std::vector<size_t> pages;
  const auto& L = layout.lines;
  if (L.empty()) return {0};
  const float pitch = layout.line_pitch;
  const float top_off = L[0].y;  // baseline of the first line below its box top
  auto box_top = [&](size_t k) { return L[k].y - top_off; };
  auto para_first = [&](size_t k) { return k == 0 || L[k - 1].paragraph != L[k].paragraph; };
  size_t first = 0;
  while (first < L.size()) {
    pages.push_back(first);
    size_t k = first;
    while (k < L.size() && box_top(k) + pitch - box_top(first) <= page_height + 0.5f) ++k;
    if (k == L.size()) break;
    if (k == first) k = first + 1;
    // Orphan: a paragraph's first line alone at the page end moves on.
    if (k - first > 1 && para_first(k - 1) && !L[k - 1].paragraph_end) --k;
    // Widow: a paragraph's last line alone at the next page's start takes
    // one more line with it (if that does not leave an orphan behind).
    else if (L[k].paragraph_end && !para_first(k) && k - first > 1) {
      --k;
      if (k - first > 1 && para_first(k - 1)) --k;
    }
    first = k;
  }
  return pages;
}

TextLayout page_of(const TextLayout& layout, size_t first, size_t last) {
  TextLayout out;
  out.size_px = layout.size_px;
  out.line_pitch = layout.line_pitch;
  out.vertical = layout.vertical;
  out.missing_glyphs = layout.missing_glyphs;
  if (first >= last || last > layout.lines.size()) return out;
  const float dy = layout.lines[first].y - layout.lines[0].y;
  for (size_t k = first; k < last; ++k) {
    LayoutLine line = layout.lines[k];
    const size_t gb = out.glyphs.size();
    for (size_t g = line.glyph_begin; g < line.glyph_end; ++g) {
      PositionedGlyph pg = layout.glyphs[g];
      pg.y -= dy;
      out.glyphs.push_back(pg);
    }
    line.glyph_begin = gb;
    line.glyph_end = out.glyphs.size();
    line.y -= dy;
    out.width = std::max(out.width, line.x + line.length);
    out.lines.push_back(std::move(line));
  }
  out.height = out.lines.back().y - layout.lines[0].y + layout.line_pitch;
  return out;
}

}  // namespace paizi::text
