#include <catch2/catch.hpp>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "text/unicode.h"
#include "text_fixture.h"

using namespace paizi;

TEST_CASE("invalid UTF-8 becomes U+FFFD, controls are dropped") {
  const std::string bad =
      std::string("A\xC3") + "B" + "\xE4\xB8" + "\xFF" + "\xF0\x9F\x98\x80" + "\x01\x7F" + "\xC2\x85" + "C";
  const auto cp = text::decode_utf8(bad);
  CHECK(cp.cps == std::u32string{U'A', 0xFFFD, U'B', 0xFFFD, 0xFFFD, 0x1F600, U'C'});
  CHECK(cp.utf8 ==
        "A\xEF\xBF\xBD"
        "B\xEF\xBF\xBD\xEF\xBF\xBD\xF0\x9F\x98\x80"
        "C");
  CHECK(cp.offset.size() == cp.cps.size() + 1);
  CHECK(cp.offset.back() == cp.utf8.size());
}

TEST_CASE("overlong encodings and surrogates are rejected") {
  CHECK(text::decode_utf8("\xC0\xAF").cps == std::u32string{0xFFFD, 0xFFFD});
  CHECK(text::decode_utf8("\xED\xA0\x80").cps == std::u32string{0xFFFD, 0xFFFD, 0xFFFD});
  CHECK(text::decode_utf8("\xF4\x90\x80\x80").cps.size() == 4);
}

TEST_CASE("layout of invalid UTF-8 does not crash and shows U+FFFD") {
  auto l = test::Lay().run(std::string("坏\xFF\xFE字节\x01"));
  REQUIRE(l.lines.size() == 1);
  CHECK(l.lines[0].text == "坏\xEF\xBF\xBD\xEF\xBF\xBD字节");
}

TEST_CASE("punctuation kinds") {
  CHECK(text::punct_kind(U'「') == text::PunctKind::Opening);
  CHECK(text::punct_kind(U'。') == text::PunctKind::Closing);
  CHECK(text::punct_kind(U'・') == text::PunctKind::Middle);
  CHECK(text::punct_kind(U'—') == text::PunctKind::Dash);
  CHECK(text::punct_kind(U'…') == text::PunctKind::Ellipsis);
  CHECK(text::punct_kind(U'文') == text::PunctKind::None);
  CHECK(text::punct_kind(U',') == text::PunctKind::None);
}

namespace {

// Checks char_class(c) against the functions it packs.
void check_class(char32_t c) {
  const text::CharClass k = text::char_class(c);
  const auto gc = u_charType(static_cast<UChar32>(c));
  const bool mark = gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK ||
                    c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
  UErrorCode err = U_ZERO_ERROR;
  const int script = uscript_getScript(static_cast<UChar32>(c), &err);
  bool ok = k.bits() == text::CharClass::of(c).bits() && k.punct() == text::punct_kind(c) &&
            k.shrink() == text::shrink_class(c) && k.cjk_letter() == text::is_cjk_letter(c) &&
            k.cjk() == text::is_cjk(c) && k.alnum_western() == text::is_alnum_western(c) &&
            k.digit() == text::is_digit(c) && k.space() == text::is_space(c) &&
            k.number_unit() == text::is_number_unit(c) && k.mark() == mark && k.script() == script;
  for (auto level : {text::BreakLevel::None, text::BreakLevel::Basic, text::BreakLevel::Strict}) {
    ok = ok && k.no_break_after(level) == text::no_break_after(c, level);
    for (char32_t prev : {char32_t{0}, U'文', U'a', U'，', U'」', U'1', U'ー'})
      ok = ok && k.no_break_before(text::char_class(prev), level) == text::no_break_before(c, prev, level);
  }
  if (!ok) FAIL("char_class disagrees for U+" << std::hex << static_cast<uint32_t>(c));
}

}  // namespace

TEST_CASE("char_class agrees with the character functions for every BMP code point") {
  for (char32_t c = 0; c < 0x10000; ++c) check_class(c);
  for (char32_t c = 0x10000; c <= 0x10FFFF; c += 97) check_class(c);
  for (char32_t c = 0xE0100; c <= 0xE01EF; ++c) check_class(c);
  for (char32_t c = 0x20000; c < 0x20100; ++c) check_class(c);
  SUCCEED();
}

TEST_CASE("decoding: clean UTF-8 is the re-encoding of the code points, offsets match") {
  // Random bytes biased towards UTF-8 lead/continuation bytes and controls.
  uint32_t seed = 12345;
  auto rnd = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  const unsigned char pool[] = {0x00, 0x09, 0x0A, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xBF,
                                0xC0, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  for (int round = 0; round < 2000; ++round) {
    std::string in;
    const size_t len = rnd() % 24;
    for (size_t i = 0; i < len; ++i) {
      const uint32_t r = rnd();
      in += static_cast<char>(r % 3 ? pool[r % sizeof pool] : static_cast<unsigned char>(r >> 4));
    }
    const auto d = text::decode_utf8(in);
    std::string enc;
    REQUIRE(d.offset.size() == d.cps.size() + 1);
    for (size_t i = 0; i < d.cps.size(); ++i) {
      REQUIRE(d.offset[i] == enc.size());
      text::append_utf8(enc, d.cps[i]);
    }
    REQUIRE(d.offset.back() == enc.size());
    REQUIRE(d.utf8 == enc);
  }
}
