#include "text/relax.h"

#include <memory>

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

namespace paizi::text {
namespace {

// ICU's line breaker for a level; one per thread and level, kept.
icu::BreakIterator* line_breaker(BreakLevel level) {
  thread_local std::unique_ptr<icu::BreakIterator> its[3];
  auto& it = its[static_cast<int>(level)];
  if (!it) {
    UErrorCode err = U_ZERO_ERROR;
    const char* loc = level == BreakLevel::None     ? "zh@lb=loose"
                      : level == BreakLevel::Strict ? "zh@lb=strict"
                                                    : "zh@lb=normal";
    it.reset(icu::BreakIterator::createLineInstance(icu::Locale(loc), err));
    if (U_FAILURE(err)) it.reset();
  }
  return it.get();
}

// ICU's grapheme cluster breaker; one per thread, kept.
icu::BreakIterator* grapheme_breaker() {
  thread_local std::unique_ptr<icu::BreakIterator> it;
  if (!it) {
    UErrorCode err = U_ZERO_ERROR;
    it.reset(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), err));
    if (U_FAILURE(err)) it.reset();
  }
  return it.get();
}

// Calls f(cp) for each boundary `bi` finds inside `u` (n code points): cp
// is the index of the code point after it, 0 < cp < n. Nothing without `bi`.
template <class F>
void for_each_boundary(icu::BreakIterator* bi, const icu::UnicodeString& u, size_t n, F f) {
  if (!bi) return;
  bi->setText(u);
  size_t cp = 0;
  int32_t at = 0;
  for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next()) {
    cp += static_cast<size_t>(u.countChar32(at, b - at));
    at = b;
    if (cp > 0 && cp < n) f(cp);
  }
}

// Whether clreq at `level` forbids the break after code point i (the
// prohibitions of Shaper::mark_breaks: line start/end classes, inside ——
// ……, a number and its unit).
bool prohibited(const ShapedParagraph& p, size_t i, BreakLevel level, bool number) {
  const CharClass c = char_class(p.cps[i]), nc = char_class(p.cps[i + 1]);
  return (p.flags[i] & kNoJustifyAfter) || c.no_break_after(level) || nc.no_break_before(c, level) ||
         (level != BreakLevel::None && number && nc.number_unit());
}

}  // namespace

RelaxedBreaks::RelaxedBreaks(const ShapedParagraph& p, BreakLevel level) : p_(p) {
  const size_t n = p.cps.size();
  rank_.assign(n, kRankNever);
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(p.cps.data()), static_cast<int32_t>(n));
  // Only between grapheme clusters (UAX #29: not before a mark, inside an
  // emoji ZWJ sequence, a modifier or tag sequence, a flag's pair).
  for_each_boundary(grapheme_breaker(), u, n, [&](size_t cp) { rank_[cp - 1] = kRankAnywhere; });
  // A number split from its unit is an anywhere break, not a prohibited one.
  for (size_t i = 0; i + 1 < n; ++i)
    if (rank_[i] == kRankAnywhere && prohibited(p, i, BreakLevel::Basic, false)) rank_[i] = kRankProhibited;
  // The looser ICU levels, least loose first; their opportunities that clreq
  // at the same level allows. ICU runs over the text's own code points.
  auto relax_to = [&](BreakLevel l, BreakRank r) {
    icu::BreakIterator* bi = line_breaker(l);
    if (!bi) return;
    bool num = false;
    std::vector<char> allowed(n, 0);
    for_each_boundary(bi, u, n, [&](size_t cp) { allowed[cp - 1] = 1; });
    for (size_t i = 0; i + 1 < n; ++i) {
      const CharClass cc = char_class(p.cps[i]);
      num = cc.digit() || (num && (cc.number_unit() || p.cps[i] == U'.' || p.cps[i] == U','));
      if (allowed[i] && rank_[i] > r && rank_[i] != kRankNever && !prohibited(p, i, l, num)) rank_[i] = r;
    }
  };
  if (level == BreakLevel::Strict) relax_to(BreakLevel::Basic, kRankBasic);
  if (level != BreakLevel::None) relax_to(BreakLevel::None, kRankLoose);
  for (size_t i = 0; i + 1 < n; ++i)
    if (p.flags[i] & kBreakAfter) rank_[i] = kRankAllowed;
}

bool RelaxedBreaks::url_preferred(size_t i) const {
  if (i + 1 >= p_.cps.size()) return false;
  const char32_t c = p_.cps[i], nx = p_.cps[i + 1];
  if (c == U'/') return nx != U'/';  // after "//" or a path's '/', never between "//"
  return (nx == U'.' || nx == U'?' || nx == U'#' || nx == U'&' || nx == U'=') && c != U'/' && c != U'.';
}

}  // namespace paizi::text
