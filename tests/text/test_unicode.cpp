#include <catch2/catch.hpp>

#include "text/unicode.h"
#include "text_fixture.h"

using namespace paizi;

TEST_CASE("invalid UTF-8 becomes U+FFFD, controls are dropped") {
  const std::string bad = std::string("A\xC3") + "B" + "\xE4\xB8" + "\xFF" + "\xF0\x9F\x98\x80" + "\x01\x7F" + "\xC2\x85" + "C";
  const auto cp = text::decode_utf8(bad);
  CHECK(cp.cps == std::u32string{U'A', 0xFFFD, U'B', 0xFFFD, 0xFFFD, 0x1F600, U'C'});
  CHECK(cp.utf8 == "A\xEF\xBF\xBD" "B\xEF\xBF\xBD\xEF\xBF\xBD\xF0\x9F\x98\x80" "C");
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
