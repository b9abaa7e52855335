// Unicode helpers for the typesetting engine: UTF-8 decoding with repair and
// the character classes that CJK line breaking and spacing need.
#pragma once

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

}  // namespace paizi::text
