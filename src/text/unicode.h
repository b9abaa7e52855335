// Unicode helpers for the typesetting engine: UTF-8 decoding with repair and
// the character classes that CJK line breaking and spacing need.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paizi::text {

// A paragraph decoded to code points. `utf8` is the cleaned text (invalid
// sequences replaced by U+FFFD, control characters dropped); `offset[i]` is
// the byte offset of code point i in `utf8`, offset[size] == utf8.size().
struct CodePoints {
  std::u32string cps;
  std::vector<uint32_t> offset;
  std::string utf8;
};

// Decodes UTF-8. Never fails: malformed bytes become U+FFFD (one per maximal
// invalid subsequence), C0/C1 controls (except TAB, which becomes a space) are
// dropped.
CodePoints decode_utf8(std::string_view in);

// Cleans a UTF-8 string the same way decode_utf8 does.
std::string sanitize_utf8(std::string_view in);

void append_utf8(std::string& out, char32_t cp);

// Line-breaking strictness (clreq/JLreq): none = UAX #14 only (ICU "loose"),
// basic = the default prohibition set, strict = basic plus prolonged sound
// mark and small kana extensions (ICU "strict").
enum class BreakLevel { None, Basic, Strict };

// Where a full-width punctuation glyph carries its blank half: Opening
// brackets have it on the leading side, Closing marks (incl. 。，、：；！？
// in Chinese/Japanese fonts) on the trailing side, Middle marks (·・) on both.
enum class PunctKind { None, Opening, Closing, Middle, Dash, Ellipsis };

PunctKind punct_kind(char32_t c);

// CJK ideographs, kana, hangul, bopomofo (not punctuation).
bool is_cjk_letter(char32_t c);
// Any CJK character including full-width punctuation and symbols.
bool is_cjk(char32_t c);
// Latin/Greek/Cyrillic letters and ASCII/full-width digits.
bool is_alnum_western(char32_t c);
bool is_digit(char32_t c);
bool is_space(char32_t c);

// clreq/JLreq prohibitions. `prev` is the character before `c` in the text.
bool no_break_before(char32_t c, char32_t prev, BreakLevel level);
bool no_break_after(char32_t c, BreakLevel level);
// Characters that count as a unit or measure word after a number
// (40万元, 2022年, 18%): no break between a number and them.
bool is_number_unit(char32_t c);

// Shrink classes for justification, in clreq's shrink order.
enum class ShrinkClass { None, Middle, Bracket, Comma, Stop };
ShrinkClass shrink_class(char32_t c);

// Every class above (and the two ICU properties the shaper itemises by) of
// one code point, packed, for the per-character loops of shaping and
// setting. char_class() reads a table for the BMP, filled from the functions
// above one block of 256 code points at a time, when a block is first met (a
// process that sets one slide of Chinese touches a few dozen blocks; filling
// all 65,536 entries up front cost `paizi render` ~8 ms), and calls the
// functions directly beyond the BMP: the answers are the same by
// construction (tests/text/test_unicode.cpp checks every code point).
class CharClass {
 public:
  CharClass() = default;
  static CharClass of(char32_t c);  // computed, no table

  PunctKind punct() const { return static_cast<PunctKind>(bits_ & 7u); }
  ShrinkClass shrink() const { return static_cast<ShrinkClass>((bits_ >> 3) & 7u); }
  bool cjk_letter() const { return bits_ & kCjkLetter; }
  bool cjk() const { return bits_ & kCjk; }
  bool alnum_western() const { return bits_ & kAlnumWestern; }
  bool digit() const { return bits_ & kDigit; }
  bool space() const { return bits_ & kSpaceBit; }
  bool number_unit() const { return bits_ & kNumberUnit; }
  // A combining mark (general category Mn, Me or Mc), ZWJ or a variation selector.
  bool mark() const { return bits_ & kMark; }
  // ICU script (uscript_getScript), a UScriptCode.
  int script() const { return static_cast<int>(bits_ >> 24); }
  // no_break_after(c, level) and no_break_before(c, prev, level).
  bool no_break_after(BreakLevel level) const { return level != BreakLevel::None && (bits_ & kNoBreakAfter); }
  bool no_break_before(CharClass prev, BreakLevel level) const {
    if (level == BreakLevel::None) return false;
    return (bits_ & (level == BreakLevel::Strict ? kNoBreakBeforeStrict : kNoBreakBeforeBasic)) ||
           ((bits_ & kHalfClosingBit) && prev.cjk());
  }
  uint32_t bits() const { return bits_; }

 private:
  friend CharClass char_class(char32_t c);
  enum : uint32_t {
    kCjkLetter = 1u << 6,
    kCjk = 1u << 7,
    kAlnumWestern = 1u << 8,
    kDigit = 1u << 9,
    kSpaceBit = 1u << 10,
    kNumberUnit = 1u << 11,
    kMark = 1u << 12,
    kNoBreakAfter = 1u << 13,
    kNoBreakBeforeBasic = 1u << 14,
    kNoBreakBeforeStrict = 1u << 15,
    kHalfClosingBit = 1u << 16,
  };
  explicit CharClass(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

namespace detail {
// Block b holds the bits of U+b00..U+bFF, or is null until first asked for.
extern std::atomic<const uint32_t*> char_class_blocks[256];
const uint32_t* char_class_fill(unsigned block);  // thread-safe; the block stays for the process
}  // namespace detail

inline CharClass char_class(char32_t c) {
  if (c >= 0x10000) return CharClass::of(c);
  const uint32_t* b = detail::char_class_blocks[c >> 8].load(std::memory_order_acquire);
  if (!b) b = detail::char_class_fill(static_cast<unsigned>(c >> 8));
  return CharClass(b[c & 0xFF]);
}

}  // namespace paizi::text
