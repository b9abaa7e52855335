#include "text/shaper.h"

#include <algorithm>
#include <cmath>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>

namespace paizi::text {
namespace {

using UTextPtr = platform::CPtr<UText, utext_close>;

bool is_ignorable(char32_t c) {
  return (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x2060 && c <= 0x206F) ||
         c == 0xFEFF || (c >= 0xE0100 && c <= 0xE01EF) || c == 0x00AD;
}

// A mark, ZWJ or variation selector: drawn with the code point before it.
bool attaches_to_previous(char32_t c, CharClass cls) { return cls.mark() || (c >= 0xE0100 && c <= 0xE01EF); }

// Emoji clusters (UTS #51): what starts one in emoji presentation, and what
// continues one (ZWJ, VS16, skin tone modifiers, tags, the keycap mark, the
// emoji after a ZWJ, the second regional indicator of a flag).
bool has_prop(char32_t c, UProperty p) { return u_hasBinaryProperty(static_cast<UChar32>(c), p); }
bool is_regional_indicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
// Code point i starts an emoji drawn in colour: emoji presentation by
// default (🎉 🧧 ✅), or an emoji followed by VS16 (❤️ ☺️ 1️⃣). Text
// presentation characters without VS16 (© ™ ❤ 1) stay in the text font.
bool starts_emoji(const std::u32string& cps, size_t i) {
  const char32_t c = cps[i];
  if (c < 0x80 && !(i + 1 < cps.size() && cps[i + 1] == 0xFE0F)) return false;  // fast path: ASCII
  return has_prop(c, UCHAR_EMOJI_PRESENTATION) ||
         (i + 1 < cps.size() && cps[i + 1] == 0xFE0F && has_prop(c, UCHAR_EMOJI));
}
// Code point i continues the emoji cluster that code point i - 1 is part of.
// `ri_open`: i - 1 is a regional indicator that starts a flag.
bool continues_emoji(const std::u32string& cps, size_t i, bool ri_open) {
  const char32_t c = cps[i];
  if (c == 0x200D || c == 0xFE0F || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) ||
      (c >= 0xE0020 && c <= 0xE007F))
    return true;
  if (is_regional_indicator(c)) return ri_open;
  return cps[i - 1] == 0x200D && has_prop(c, UCHAR_EMOJI);
}

bool is_rotated_in_vertical(char32_t c) {
  return u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_VERTICAL_ORIENTATION) == U_VO_ROTATED;
}

// Trims leading/trailing white space (incl. U+3000 used as a manual indent).
std::string_view trim(std::string_view s, const CodePoints& cp) {
  size_t a = 0, b = cp.cps.size();
  while (a < b && is_space(cp.cps[a])) ++a;
  while (b > a && is_space(cp.cps[b - 1])) --b;
  return s.substr(cp.offset[a], cp.offset[b] - cp.offset[a]);
}

}  // namespace

Shaper::Shaper(FontLibrary& fonts) : fonts_(fonts), buf_(hb_buffer_create()) {}

Shaper::~Shaper() = default;

icu::BreakIterator* Shaper::breaker(BreakLevel level, bool root) {
  const auto key = std::make_pair(static_cast<int>(level), root);
  auto& slot = breakers_[key];
  if (!slot) {
    UErrorCode err = U_ZERO_ERROR;
    const char* kw = level == BreakLevel::None     ? "zh@lb=loose"
                     : level == BreakLevel::Strict ? "zh@lb=strict"
                                                   : "zh@lb=normal";
    icu::Locale loc = root ? icu::Locale::getRoot() : icu::Locale(kw);
    slot.reset(icu::BreakIterator::createLineInstance(loc, err));
    if (U_FAILURE(err)) slot.reset();
  }
  return slot.get();
}

std::vector<int32_t> Shaper::uax14_breaks(std::string_view utf8, BreakLevel level, bool root) {
  std::vector<int32_t> out;
  icu::BreakIterator* bi = breaker(level, root);
  if (!bi) return out;
  UErrorCode err = U_ZERO_ERROR;
  const UTextPtr ut(utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &err));
  if (U_FAILURE(err)) return out;
  bi->setText(ut.get(), err);
  for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next())
    if (b < static_cast<int32_t>(utf8.size())) out.push_back(b);
  // Detach the iterator from the UText before it is closed (ut's destructor).
  bi->setText(icu::UnicodeString());
  return out;
}

Shaper::HaltDelta Shaper::halt_delta(const Face* face, char32_t c, bool vertical, std::string_view lang) {
  const uint64_t key = static_cast<uint64_t>(face->id()) << 33 | static_cast<uint64_t>(vertical) << 32 | c;
  if (auto it = halt_cache_.find(key); it != halt_cache_.end()) return it->second;
  auto shape_one = [&](bool with_halt, hb_glyph_position_t& pos) {
    hb_buffer_clear_contents(buf_.get());
    const uint32_t cp = c;
    hb_buffer_add_utf32(buf_.get(), &cp, 1, 0, 1);
    hb_buffer_set_direction(buf_.get(), vertical ? HB_DIRECTION_TTB : HB_DIRECTION_LTR);
    hb_buffer_set_script(buf_.get(), HB_SCRIPT_HAN);
    hb_buffer_set_language(buf_.get(), hb_language_from_string(lang.data(), static_cast<int>(lang.size())));
    hb_feature_t feat{};
    feat.tag = vertical ? HB_TAG('v', 'h', 'a', 'l') : HB_TAG('h', 'a', 'l', 't');
    feat.value = 1;
    feat.start = HB_FEATURE_GLOBAL_START;
    feat.end = HB_FEATURE_GLOBAL_END;
    hb_shape(face->hb(), buf_.get(), with_halt ? &feat : nullptr, with_halt ? 1 : 0);
    unsigned n = 0;
    const hb_glyph_position_t* p = hb_buffer_get_glyph_positions(buf_.get(), &n);
    pos = n ? p[0] : hb_glyph_position_t{};
  };
  hb_glyph_position_t a{}, b{};
  shape_one(false, a);
  shape_one(true, b);
  const float em = static_cast<float>(face->upem());
  HaltDelta d;
  if (vertical) {
    d.adv = static_cast<float>(-(b.y_advance - a.y_advance)) / em;
    d.u = static_cast<float>(-(b.y_offset - a.y_offset)) / em;
  } else {
    d.adv = static_cast<float>(b.x_advance - a.x_advance) / em;
    d.u = static_cast<float>(b.x_offset - a.x_offset) / em;
  }
  if (d.adv > 0) d = HaltDelta{};  // only ever a compression
  halt_cache_.emplace(key, d);
  return d;
}

int Shaper::pick(const FontChain& chain, char32_t c) {
  if (pick_chain_ != &chain) {
    for (auto& slot : pick_cache_) slot = PickSlot{};
    pick_chain_ = &chain;
  }
  PickSlot& slot = pick_cache_[c & 1023];
  if (slot.cp != c) slot = PickSlot{c, chain.pick(c)};
  return slot.face;
}

// The buffer for code points [b, e) of the paragraph, the rest as context.
void Shaper::fill_buffer(const ShapedParagraph& p, size_t b, size_t e, hb_direction_t dir, int script,
                         hb_language_t lang) {
  hb_buffer_clear_contents(buf_.get());
  hb_buffer_set_cluster_level(buf_.get(), HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
  hb_buffer_add_utf32(buf_.get(), reinterpret_cast<const uint32_t*>(p.cps.data()),
                      static_cast<int>(p.cps.size()), static_cast<unsigned>(b), static_cast<int>(e - b));
  hb_buffer_set_direction(buf_.get(), dir);
  const char* sn = uscript_getShortName(static_cast<UScriptCode>(script));
  hb_buffer_set_script(buf_.get(), hb_script_from_string(sn ? sn : "Zyyy", -1));
  hb_buffer_set_language(buf_.get(), lang);
}

// Tate-chu-yoko (縦中横, CSS text-combine-upright: digits 2): in vertical
// text one or two ASCII digits standing alone between upright characters
// (第3季度, 12月8日) are set upright and side by side in one em cell,
// two digits in their half-width forms, instead of lying on their side.
// Longer numbers (2026) and anything with a letter or sign (15%, A1) stay
// rotated. Returns false (nothing shaped) when [b, e) is not such a run or
// the digits would not fit the column.
bool Shaper::set_upright_digits(ShapedParagraph& p, size_t b, size_t e, const Face* face, int script,
                                hb_language_t lang) {
  if (e - b > 2) return false;
  for (size_t i = b; i < e; ++i)
    if (p.cps[i] < U'0' || p.cps[i] > U'9') return false;
  fill_buffer(p, b, e, HB_DIRECTION_LTR, script, lang);
  static const hb_feature_t kHalfWidth = {HB_TAG('h', 'w', 'i', 'd'), 1, HB_FEATURE_GLOBAL_START,
                                          HB_FEATURE_GLOBAL_END};
  hb_shape(face->hb(), buf_.get(), &kHalfWidth, e - b == 2 ? 1u : 0u);
  unsigned count = 0;
  const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf_.get(), &count);
  const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf_.get(), &count);
  if (count == 0) return false;
  const float em = static_cast<float>(face->upem());
  float width = 0;
  for (unsigned g = 0; g < count; ++g) width += static_cast<float>(pos[g].x_advance) / em;
  // Fonts without half-width digits give ~1.1 em for two; more would
  // stick out of the column.
  if (width > 1.15f) return false;
  // The baseline sits where the font puts it for its upright glyphs (the
  // vertical origin, VORG), so the digits line up with the ideographs.
  hb_position_t ox = 0, oy = 0;
  hb_font_get_glyph_v_origin(face->hb(), info[0].codepoint, &ox, &oy);
  const float base = static_cast<float>(oy) / em;
  float x = -width / 2;
  for (unsigned g = 0; g < count; ++g) {
    ShapedGlyph sg;
    sg.face = face;
    sg.gid = info[g].codepoint;
    sg.u = base - static_cast<float>(pos[g].y_offset) / em;
    sg.v = x + static_cast<float>(pos[g].x_offset) / em;
    sg.adv = 0;  // all drawn from the pen of the cell's first code point
    x += static_cast<float>(pos[g].x_advance) / em;
    p.glyphs.push_back(sg);
  }
  p.first_glyph[b + 1] = static_cast<uint32_t>(p.glyphs.size());
  p.adv[b] = 1.f;  // one em cell, like an ideograph
  for (size_t i = b; i < e; ++i) p.flags[i] |= kUpright;
  if (e - b == 2) p.flags[b] |= kNoJustifyAfter;
  return true;
}

// Emoji from a colour bitmap face (Noto Color Emoji): shaped left to right
// in that face (its GSUB makes one glyph of a ZWJ sequence, a flag or a
// keycap), each glyph scaled to one em tall (Face::em_units) and its box
// centred on the text's ideographic em box, so that it sits on the line like
// an ideograph. In vertical text the emoji stand upright, one em cell each,
// centred on the column axis.
void Shaper::set_color_bitmap_run(ShapedParagraph& p, size_t b, size_t e, const Face* face, const Face& text,
                                  bool vertical) {
  fill_buffer(p, b, e, HB_DIRECTION_LTR, USCRIPT_COMMON, hb_language_get_default());
  hb_shape(face->hb(), buf_.get(), nullptr, 0);
  unsigned count = 0;
  const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf_.get(), &count);
  const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf_.get(), &count);
  const float em = static_cast<float>(face->em_units());
  const float asc = static_cast<float>(face->ascender()) / em;  // emoji box top above its baseline, em
  const float text_asc = static_cast<float>(text.ascender()) / static_cast<float>(text.upem());
  const float text_desc = static_cast<float>(text.descender()) / static_cast<float>(text.upem());
  // Baseline shift (down, em) that centres the 1 em emoji box on the text's em box.
  const float shift = (asc - 0.5f) - (text_asc + text_desc) / 2.f;
  for (unsigned g = 0; g < count; ++g) {
    ShapedGlyph sg;
    sg.face = face;
    sg.gid = info[g].codepoint;
    const float adv = static_cast<float>(pos[g].x_advance) / em;
    if (vertical) {
      sg.u = asc;       // the box's top at the pen
      sg.v = -adv / 2;  // centred across the column
      sg.adv = adv > 0 ? 1.f : 0.f;
    } else {
      sg.u = static_cast<float>(pos[g].x_offset) / em;
      sg.v = shift;
      sg.adv = adv;
    }
    const uint32_t cl = info[g].cluster;
    p.adv[cl] += sg.adv;
    p.glyphs.push_back(sg);
    p.first_glyph[cl + 1] = static_cast<uint32_t>(p.glyphs.size());
  }
}

void Shaper::shape_runs(ShapedParagraph& p, const ShapeOptions& opt, const FontChain& chain) {
  const size_t n = p.cps.size();
  const std::vector<CharClass>& cls = cls_;
  // Font per code point (marks follow their base), -1 = missing.
  std::vector<int>& font = font_;
  font.assign(n, 0);
  // emoji_tail_[i]: code point i continues an emoji cluster (drawn with its
  // first code point's face; without an emoji font the cluster is one box).
  std::vector<char>& tail = emoji_tail_;
  tail.assign(n, 0);
  bool in_emoji = false, ri_open = false;
  for (size_t i = 0; i < n; ++i) {
    const char32_t c = p.cps[i];
    if (in_emoji && continues_emoji(p.cps, i, ri_open)) {
      tail[i] = 1;
      font[i] = font[i - 1];
      ri_open = false;
      continue;
    }
    in_emoji = starts_emoji(p.cps, i);
    ri_open = in_emoji && is_regional_indicator(c);
    if (i > 0 && attaches_to_previous(c, cls[i])) {
      font[i] = font[i - 1];
      continue;
    }
    const Face* emoji = chain.emoji >= 0 ? chain.faces[static_cast<size_t>(chain.emoji)] : nullptr;
    int f = in_emoji && emoji && emoji->covers(c) && emoji->ok() ? chain.emoji : pick(chain, c);
    if (f < 0 && !is_ignorable(c)) ++p.missing;
    font[i] = f;
  }
  // Script per code point; Common/Inherited take their neighbour's script.
  std::vector<int>& script = script_;
  script.assign(n, USCRIPT_COMMON);
  UScriptCode last = USCRIPT_COMMON;
  for (size_t i = 0; i < n; ++i) {
    UScriptCode sc = static_cast<UScriptCode>(cls[i].script());
    if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) sc = last;
    // Kana and Han share a run: HarfBuzz treats them alike, fonts too.
    if (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA) sc = USCRIPT_HAN;
    script[i] = last = sc;
  }
  for (size_t i = n; i-- > 0;)
    if (script[i] == USCRIPT_COMMON && i + 1 < n) script[i] = script[i + 1];

  const hb_language_t lang =
      hb_language_from_string(opt.font.lang.c_str(), static_cast<int>(opt.font.lang.size()));
  Face* primary = chain.primary();
  p.glyphs.reserve(n);
  p.first_glyph.assign(n + 1, 0);
  size_t run = 0;
  while (run < n) {
    const bool rot = opt.vertical && is_rotated_in_vertical(p.cps[run]);
    size_t end = run + 1;
    while (end < n && font[end] == font[run] && script[end] == script[run] &&
           (!opt.vertical || attaches_to_previous(p.cps[end], cls[end]) ||
            is_rotated_in_vertical(p.cps[end]) == rot))
      ++end;
    const bool missing = font[run] < 0;
    const Face* face = missing ? primary : chain.faces[static_cast<size_t>(font[run])];
    const float em = static_cast<float>(face->em_units());
    if (face->color_bitmap()) {
      set_color_bitmap_run(p, run, end, face, *primary, opt.vertical);
      run = end;
      continue;
    }
    if (rot && !missing && (run == 0 || !is_rotated_in_vertical(p.cps[run - 1])) &&
        (end == n || !is_rotated_in_vertical(p.cps[end])) &&
        set_upright_digits(p, run, end, face, script[run], lang)) {
      run = end;
      continue;
    }
    const bool ttb = opt.vertical && !rot;

    fill_buffer(p, run, end, ttb ? HB_DIRECTION_TTB : HB_DIRECTION_LTR, script[run], lang);
    static const hb_feature_t kFeats[2] = {
        {HB_TAG('k', 'e', 'r', 'n'), 1, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END},
        {HB_TAG('v', 'e', 'r', 't'), 1, HB_FEATURE_GLOBAL_START, HB_FEATURE_GLOBAL_END}};
    hb_shape(face->hb(), buf_.get(), kFeats, ttb ? 2u : 1u);

    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf_.get(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf_.get(), &count);
    // Rotated glyphs sit with their em box centred on the column axis.
    const float rot_shift = -(static_cast<float>(face->ascender() + face->descender()) / 2.f) / em;
    for (unsigned g = 0; g < count; ++g) {
      ShapedGlyph sg;
      sg.face = face;
      sg.gid = info[g].codepoint;
      sg.missing = missing;
      sg.rotated = rot;
      if (ttb) {
        sg.u = static_cast<float>(-pos[g].y_offset) / em;
        sg.v = static_cast<float>(pos[g].x_offset) / em;
        sg.adv = static_cast<float>(-pos[g].y_advance) / em;
      } else {
        sg.u = static_cast<float>(pos[g].x_offset) / em;
        sg.v = static_cast<float>(-pos[g].y_offset) / em + (rot ? rot_shift : 0.f);
        sg.adv = static_cast<float>(pos[g].x_advance) / em;
      }
      const uint32_t cl = info[g].cluster;
      // A missing emoji cluster is one box, not one per code point.
      if (missing && tail[cl]) continue;
      p.adv[cl] += sg.adv;
      p.glyphs.push_back(sg);
      // Glyphs come in cluster order, so the end of cluster cl is the start
      // of cluster cl+1.
      p.first_glyph[cl + 1] = static_cast<uint32_t>(p.glyphs.size());
    }
    if (ttb || !opt.vertical) {
      for (size_t i = run; i < end; ++i) {
        const PunctKind k = cls[i].punct();
        if (k == PunctKind::Opening || k == PunctKind::Closing || k == PunctKind::Middle) {
          const HaltDelta d = halt_delta(face, p.cps[i], ttb, opt.font.lang);
          p.halt_adv[i] = d.adv;
          p.halt_u[i] = d.u;
        }
      }
    }
    run = end;
  }
  // Clusters without glyphs of their own (ligature tails) end where the
  // previous cluster ends.
  for (size_t i = 1; i <= n; ++i) p.first_glyph[i] = std::max(p.first_glyph[i], p.first_glyph[i - 1]);
}

void Shaper::mark_breaks(ShapedParagraph& p, const ShapeOptions& opt) {
  const size_t n = p.cps.size();
  if (n == 0) return;
  // UAX #14 opportunities from ICU, run over UTF-16 (one chunk, no UTF-8
  // UText mapping); positions are then code point indices, or are mapped
  // to them when the text has supplementary characters.
  if (icu::BreakIterator* bi = breaker(opt.line_break, false)) {
    std::u16string& u16 = u16_;
    u16.clear();
    bool supplementary = false;
    for (char32_t c : p.text.cps) {
      if (c < 0x10000) {
        u16.push_back(static_cast<char16_t>(c));
      } else {
        u16.push_back(static_cast<char16_t>(U16_LEAD(c)));
        u16.push_back(static_cast<char16_t>(U16_TRAIL(c)));
        supplementary = true;
      }
    }
    std::vector<uint32_t>& cp_at = u16_to_cp_;
    if (supplementary) {
      cp_at.assign(u16.size() + 1, 0);
      size_t k = 0;
      for (size_t i = 0; i < p.text.cps.size(); ++i) {
        cp_at[k++] = static_cast<uint32_t>(i);
        if (p.text.cps[i] >= 0x10000) cp_at[k++] = static_cast<uint32_t>(i + 1);  // never a boundary
      }
      cp_at[k] = static_cast<uint32_t>(p.text.cps.size());
    }
    UErrorCode err = U_ZERO_ERROR;
    UText ut_storage = UTEXT_INITIALIZER;
    const UTextPtr ut(utext_openUChars(&ut_storage, u16.data(), static_cast<int64_t>(u16.size()), &err));
    if (U_SUCCESS(err)) bi->setText(ut.get(), err);
    if (U_SUCCESS(err)) {
      const auto len = static_cast<int32_t>(u16.size());
      for (int32_t b = bi->next(); b != icu::BreakIterator::DONE && b < len; b = bi->next()) {
        const size_t idx = supplementary ? cp_at[static_cast<size_t>(b)] : static_cast<size_t>(b);
        if (idx > 0 && idx < n) p.flags[idx - 1] |= kBreakAfter;
      }
    }
    bi->setText(icu::UnicodeString());  // detached before ut closes
  }
  const std::vector<CharClass>& cls = cls_;
  bool number = false;
  for (size_t i = 0; i < n; ++i) {
    const char32_t c = p.cps[i];
    const CharClass cc = cls[i];
    if (cc.space()) p.flags[i] |= kSpace;
    number = cc.digit() || (number && (cc.number_unit() || c == U'.' || c == U','));
    if (i + 1 >= n) break;
    const CharClass nc = cls[i + 1];
    const PunctKind k = cc.punct();
    const bool same_run = (k == PunctKind::Dash || k == PunctKind::Ellipsis) && nc.punct() == k;
    if (same_run) p.flags[i] |= kNoJustifyAfter;
    if (same_run || cc.no_break_after(opt.line_break) || nc.no_break_before(cc, opt.line_break) ||
        (number && nc.number_unit()))
      p.flags[i] &= static_cast<uint8_t>(~kBreakAfter);
  }
}

void Shaper::apply_adjacency(ShapedParagraph& p, const ShapeOptions& opt) {
  const size_t n = p.cps.size();
  auto compress = [&](size_t i) {
    if (p.flags[i] & kCompressed || p.halt_adv[i] >= 0) return;
    const uint32_t g = p.first_glyph[i];
    if (g < p.first_glyph[i + 1]) {
      p.glyphs[g].u += p.halt_u[i];
      p.glyphs[g].adv += p.halt_adv[i];
    }
    p.adv[i] += p.halt_adv[i];
    p.flags[i] |= kCompressed;
  };
  const std::vector<CharClass>& cls = cls_;
  for (size_t i = 0; i + 1 < n; ++i) {
    const PunctKind a = cls[i].punct();
    const PunctKind b = cls[i + 1].punct();
    const bool a_punct = a == PunctKind::Opening || a == PunctKind::Closing || a == PunctKind::Middle;
    const bool b_punct = b == PunctKind::Opening || b == PunctKind::Closing || b == PunctKind::Middle;
    if (!a_punct || !b_punct) continue;
    // The blank halves that meet are removed: a closing mark loses its
    // trailing half before another mark, an opening bracket its leading half
    // after one (clreq 3.1.6, JLreq 3.1.4).
    if (a == PunctKind::Closing) compress(i);
    if (b == PunctKind::Opening) compress(i + 1);
  }
  if (opt.cjk_latin_space) {
    for (size_t i = 0; i + 1 < n; ++i) {
      const CharClass a = cls[i], b = cls[i + 1];
      // Numbers stay tight with units on either side (2026年4月26日, 36家).
      if ((a.digit() && b.number_unit()) || (b.digit() && a.number_unit())) continue;
      // Upright digits in vertical text sit in the ideographic flow.
      if ((p.flags[i] | p.flags[i + 1]) & kUpright) continue;
      if ((a.cjk_letter() && b.alnum_western()) || (a.alnum_western() && b.cjk_letter())) p.gap[i] = 0.25f;
    }
  }
}

ShapedParagraph Shaper::shape_paragraph(std::string_view utf8, const ShapeOptions& opt) {
  ShapedParagraph p;
  {
    CodePoints raw = decode_utf8(utf8);
    const std::string_view t = trim(raw.utf8, raw);
    p.text = t.size() == raw.utf8.size() ? std::move(raw) : decode_utf8(t);
  }
  p.cps = p.text.cps;
  const size_t n = p.cps.size();
  if (opt.normalize_commas) {
    for (size_t i = 1; i + 1 < n; ++i)
      if (p.cps[i] == U',' && char_class(p.cps[i - 1]).cjk_letter() && char_class(p.cps[i + 1]).cjk_letter())
        p.cps[i] = U'，';
  }
  // Classes of the code points as shaped, for the per-character loops below.
  cls_.resize(n);
  for (size_t i = 0; i < n; ++i) cls_[i] = char_class(p.cps[i]);
  p.adv.assign(n, 0.f);
  p.gap.assign(n, 0.f);
  p.halt_adv.assign(n, 0.f);
  p.halt_u.assign(n, 0.f);
  p.flags.assign(n, 0);
  if (n == 0) {
    p.first_glyph.assign(1, 0);
    return p;
  }
  const FontChain& chain = fonts_.chain(opt.font);
  if (!chain.primary()) {
    p.first_glyph.assign(n + 1, 0);
    p.missing = static_cast<int>(n);
    return p;
  }
  shape_runs(p, opt, chain);
  mark_breaks(p, opt);
  apply_adjacency(p, opt);
  return p;
}

ShapedText Shaper::shape(const std::vector<std::string>& paragraphs, const ShapeOptions& opt) {
  ShapedText out;
  out.vertical = opt.vertical;
  if (const Face* f = fonts_.chain(opt.font).primary()) {
    out.ascender = static_cast<float>(f->ascender()) / static_cast<float>(f->upem());
    out.descender = static_cast<float>(f->descender()) / static_cast<float>(f->upem());
  }
  {
    // The truncation mark, shaped once per font request and direction.
    auto& e = ellipsis_cache_[std::make_pair(opt.font, opt.vertical)];
    if (e.glyphs.empty()) {
      ShapeOptions eo = opt;
      eo.normalize_commas = false;
      e = shape_paragraph(opt.font.lang.starts_with("ja") ? "…" : "……", eo);
    }
    out.ellipsis = e.glyphs;
    for (float a : e.adv) out.ellipsis_adv += a;
  }
  out.paragraphs.reserve(paragraphs.size());
  for (const auto& para : paragraphs) {
    out.paragraphs.push_back(shape_paragraph(para, opt));
    out.missing += out.paragraphs.back().missing;
  }
  return out;
}

}  // namespace paizi::text
