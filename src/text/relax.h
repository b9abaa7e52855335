// Forced breaks: how bad each break is when a line has no break opportunity
// under the configured rules that fits its measure (a URL, a long Latin
// word, a run of small kana, CJK text whose only opportunities are
// prohibited). Relaxation goes level by level, as CSS line-break and
// overflow-wrap do: strict, then normal (clreq basic), then loose (UAX #14
// only), then anywhere; the line breaker takes the least bad break that fits.
#pragma once

#include <cstdint>
#include <vector>

#include "text/shaper.h"

namespace paizi::text {

// Rank of the break after a code point, least bad first.
enum BreakRank : uint8_t {
  kRankAllowed = 0,  // an opportunity at the configured level (kBreakAfter)
  kRankBasic = 1,    // allowed by ICU normal + clreq basic (configured: strict)
  kRankLoose = 2,    // allowed by ICU loose, no clreq prohibition (configured: strict or basic)
  kRankAnywhere =
      3,  // a grapheme boundary that breaks no clreq basic prohibition (inside a word, a URL, a number)
  kRankProhibited = 4,  // a grapheme boundary before 、。」 small kana, after 「, inside —— ……: last resort
  kRankNever = 5,  // inside a grapheme cluster (before a mark, inside an emoji sequence)
};

// The ranks of every break of a shaped paragraph. Costs a line-break pass
// of ICU per relaxed level, so the line breaker makes one only for a
// paragraph that needs a forced break. Valid while `p` lives.
class RelaxedBreaks {
 public:
  RelaxedBreaks(const ShapedParagraph& p, BreakLevel level);
  // Rank of a break after code point i (i + 1 < size of the paragraph).
  BreakRank rank(size_t i) const { return static_cast<BreakRank>(rank_[i]); }
  // A break after code point i is where URLs break (after '/', before
  // '.', '?', '#', '&', '=', as the Chicago Manual of Style breaks URLs):
  // preferred among anywhere breaks. A hyphen needs no
  // rule: UAX #14 already offers the break after '-' (LB21 keeps it at the
  // line end), at every level, so a URL hyphen behaves like any hyphen.
  bool url_preferred(size_t i) const;

 private:
  const ShapedParagraph& p_;
  std::vector<uint8_t> rank_;
};

}  // namespace paizi::text
