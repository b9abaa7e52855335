#include "text/unicode.h"

#include <algorithm>
#include <array>
#include <memory>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace paizi::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Unified ideographs and syllables: never punctuation, never prohibited.
bool plain_letter(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF); }

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

template <size_t N>
bool in_list(char32_t c, const std::array<char32_t, N>& list) {
  return std::find(list.begin(), list.end(), c) != list.end();
}

constexpr std::array<char32_t, 20> kOpening = {U'（', U'［', U'｛', U'〔', U'〈', U'《', U'「',
                                               U'『', U'【', U'〘', U'〖', U'“',  U'‘',  U'｟',
                                               U'〝', U'(',  U'[',  U'{',  U'⦅',  U'〚'};
constexpr std::array<char32_t, 34> kClosing = {U'）', U'］', U'｝', U'〕', U'〉', U'》', U'」', U'』', U'】',
                                               U'〙', U'〗', U'”',  U'’',  U'｠', U'〞', U'〟', U'、', U'，',
                                               U'。', U'．', U'：', U'；', U'！', U'？', U'‼',  U'⁇',  U'⁈',
                                               U'⁉',  U'〛', U'﹐', U'﹑', U'﹒', U'﹔', U'﹕'};
constexpr std::array<char32_t, 4> kMiddle = {U'·', U'・', U'･', U'‧'};
constexpr std::array<char32_t, 26> kSmallKana = {
    U'ぁ', U'ぃ', U'ぅ', U'ぇ', U'ぉ', U'っ', U'ゃ', U'ゅ', U'ょ', U'ゎ', U'ゕ', U'ゖ', U'ァ',
    U'ィ', U'ゥ', U'ェ', U'ォ', U'ッ', U'ャ', U'ュ', U'ョ', U'ヮ', U'ヵ', U'ヶ', U'ㇰ', U'ㇱ'};
constexpr std::array<char32_t, 6> kIteration = {U'ヽ', U'ヾ', U'ゝ', U'ゞ', U'々', U'〻'};
constexpr std::array<char32_t, 5> kHyphens = {U'‐', U'〜', U'゠', U'–', U'～'};
constexpr std::array<char32_t, 9> kHalfClosing = {U',', U'.', U';', U':', U'!', U'?', U')', U']', U'}'};

constexpr std::u32string_view kUnits =
    U"年月日号时點点分秒个位名人次件项家户元角万亿千百米吨斤克度倍岁天周条台辆座所种亩"
    U"成届期批轮场层楼页章节款份张本部篇只头套架艘瓦伏焦帕赫兆升寸尺里季代"
    U"支类组对双群片块根棵株颗杯瓶盒箱包袋"
    U"%％‰℃㎡㎞萬億円歳個回";

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

CodePoints decode_utf8(std::string_view in) {
  CodePoints r;
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  // Sized for the worst case (every byte a U+FFFD, 3 bytes), written
  // through pointers, cut to size at the end.
  r.cps.resize(n);
  r.offset.resize(n + 1);
  r.utf8.resize(3 * n);
  char32_t* cps = r.cps.data();
  uint32_t* off = r.offset.data();
  char* const out0 = r.utf8.data();
  char* out = out0;
  size_t i = 0;
  while (i < n) {
    const unsigned char b = s[i];
    char32_t cp = kReplacement;
    size_t len = 1;
    bool valid = false;  // cp is encoded by the `len` bytes at s + i
    if (b < 0x80) {
      cp = b;
      valid = true;
    } else if (b >= 0xC2 && b <= 0xF4) {
      const size_t need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      char32_t v = b & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
      size_t k = 1;
      for (; k < need && i + k < n; ++k) {
        const unsigned char c = s[i + k];
        // Second-byte ranges that exclude overlongs, surrogates and > U+10FFFF.
        unsigned char lo = 0x80, hi = 0xBF;
        if (k == 1) {
          if (b == 0xE0) lo = 0xA0;
          if (b == 0xED) hi = 0x9F;
          if (b == 0xF0) lo = 0x90;
          if (b == 0xF4) hi = 0x8F;
        }
        if (c < lo || c > hi) break;
        v = (v << 6) | (c & 0x3F);
      }
      if (k == need) {
        cp = v;
        len = need;
        valid = true;
      } else {
        len = k;  // maximal invalid subsequence -> one U+FFFD
      }
    }
    const size_t at = i;
    i += len;
    if (cp == U'\t') {
      cp = U' ';
      valid = false;
    }
    if (is_control(cp)) continue;
    *off++ = static_cast<uint32_t>(out - out0);
    *cps++ = cp;
    if (valid) {
      // Well-formed input is its own clean encoding.
      for (size_t k = 0; k < len; ++k) *out++ = static_cast<char>(s[at + k]);
    } else {
      std::string enc;
      append_utf8(enc, cp);
      for (char ch : enc) *out++ = ch;
    }
  }
  *off = static_cast<uint32_t>(out - out0);
  r.cps.resize(static_cast<size_t>(cps - r.cps.data()));
  r.offset.resize(r.cps.size() + 1);
  r.utf8.resize(static_cast<size_t>(out - out0));
  return r;
}

std::string sanitize_utf8(std::string_view in) { return decode_utf8(in).utf8; }

PunctKind punct_kind(char32_t c) {
  if (plain_letter(c)) return PunctKind::None;
  if (c == U'—' || c == U'―' || c == U'─') return PunctKind::Dash;
  if (c == U'…' || c == U'⋯') return PunctKind::Ellipsis;
  if (c < 0x2000) {
    if (c == U'·') return PunctKind::Middle;
    return PunctKind::None;  // ASCII punctuation is proportional, not full-width
  }
  if (in_list(c, kOpening)) return PunctKind::Opening;
  if (in_list(c, kClosing)) return PunctKind::Closing;
  if (in_list(c, kMiddle)) return PunctKind::Middle;
  return PunctKind::None;
}

bool is_cjk_letter(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x3FFFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) ||
         (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
         (c >= 0x3130 && c <= 0x318F) || (c >= 0x3100 && c <= 0x312F) || c == 0x3005 || c == 0x3007 ||
         (c >= 0xFF66 && c <= 0xFF9F);
}

bool is_cjk(char32_t c) {
  return is_cjk_letter(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) || c == U'“' ||
         c == U'”' || c == U'‘' || c == U'’' || c == U'…' || c == U'—';
}

bool is_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }

bool is_alnum_western(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x4FF);
}

bool is_space(char32_t c) {
  return c == U' ' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

bool no_break_before(char32_t c, char32_t prev, BreakLevel level) {
  if (level == BreakLevel::None || plain_letter(c)) return false;
  if (in_list(c, kClosing) || in_list(c, kMiddle) || in_list(c, kSmallKana) || in_list(c, kIteration) ||
      in_list(c, kHyphens))
    return true;
  if (level == BreakLevel::Strict && (c == U'ー' || c == U'ｰ' || (c >= 0x31F0 && c <= 0x31FF))) return true;
  if (in_list(c, kHalfClosing) && is_cjk(prev)) return true;
  return false;
}

bool no_break_after(char32_t c, BreakLevel level) {
  if (level == BreakLevel::None || plain_letter(c)) return false;
  return in_list(c, kOpening);
}

bool is_number_unit(char32_t c) {
  if (c < 0x80) return c == U'%';
  // Sorted once; binary search instead of a scan (called per code point).
  static const std::u32string sorted = [] {
    std::u32string s(kUnits);
    std::sort(s.begin(), s.end());
    return s;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), c);
}

ShrinkClass shrink_class(char32_t c) {
  if (plain_letter(c)) return ShrinkClass::None;
  if (in_list(c, kMiddle)) return ShrinkClass::Middle;
  switch (c) {
    case U'、':
    case U'，':
    case U'；':
    case U'：':
    case U'﹐':
    case U'﹑':
      return ShrinkClass::Comma;
    case U'。':
    case U'？':
    case U'！':
    case U'．':
    case U'‼':
    case U'⁇':
      return ShrinkClass::Stop;
    default:
      break;
  }
  const PunctKind k = punct_kind(c);
  if (k == PunctKind::Opening || k == PunctKind::Closing) return ShrinkClass::Bracket;
  return ShrinkClass::None;
}

CharClass CharClass::of(char32_t c) {
  static_assert(USCRIPT_CODE_LIMIT <= 256, "the script must fit in 8 bits");
  uint32_t b = static_cast<uint32_t>(punct_kind(c)) | static_cast<uint32_t>(shrink_class(c)) << 3;
  auto set = [&](bool on, uint32_t bit) {
    if (on) b |= bit;
  };
  set(is_cjk_letter(c), kCjkLetter);
  set(is_cjk(c), kCjk);
  set(is_alnum_western(c), kAlnumWestern);
  set(is_digit(c), kDigit);
  set(is_space(c), kSpaceBit);
  set(is_number_unit(c), kNumberUnit);
  const auto gc = u_charType(static_cast<UChar32>(c));
  set(gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK || c == 0x200D ||
          (c >= 0xFE00 && c <= 0xFE0F),
      kMark);
  set(text::no_break_after(c, BreakLevel::Basic), kNoBreakAfter);
  // prev = 0 is not CJK: these are the prev-independent parts.
  set(text::no_break_before(c, 0, BreakLevel::Basic), kNoBreakBeforeBasic);
  set(text::no_break_before(c, 0, BreakLevel::Strict), kNoBreakBeforeStrict);
  set(!plain_letter(c) && in_list(c, kHalfClosing), kHalfClosingBit);
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode sc = uscript_getScript(static_cast<UChar32>(c), &err);
  b |= static_cast<uint32_t>(U_FAILURE(err) ? USCRIPT_COMMON : sc) << 24;
  return CharClass(b);
}

std::atomic<const uint32_t*> detail::char_class_blocks[256];

const uint32_t* detail::char_class_fill(unsigned block) {
  // Two threads may fill the same block at once: both compute the same
  // values, one wins the exchange and the other frees its copy. A published
  // block is never freed (at most 256 KiB in all).
  auto fresh = std::make_unique<uint32_t[]>(256);
  const char32_t base = static_cast<char32_t>(block) << 8;
  for (char32_t i = 0; i < 256; ++i) fresh[i] = CharClass::of(base + i).bits();
  const uint32_t* expected = nullptr;
  if (char_class_blocks[block].compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel,
                                                       std::memory_order_acquire))
    return fresh.release();
  return expected;
}

}  // namespace paizi::text
