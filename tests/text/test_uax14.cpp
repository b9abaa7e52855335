// Conformance: the base line breaker (ICU's untailored UAX #14, reached
// through Shaper::uax14_breaks with root = true) against every case of
// Unicode's LineBreakTest.txt as shipped by Debian's unicode-data package.
//
// Each test line is a sequence of hex code points separated by ÷ (break
// opportunity) or × (no break); the marks before the first and after the
// last code point are not compared (uax14_breaks excludes both ends).
//
// ICU 72 (Debian 12) implements Unicode 15.0, the version of the data file,
// yet its root line rules deliberately differ from UAX #14 on 22 of the
// 7654 cases. ICU's own conformance test skips exactly these as known issues
// (icu4c/source/test/intltest/rbbitst.cpp, RBBITest::testCaseIsKnownIssue):
//   ICU-8151:  ICU keeps a hyphen-minus with a following letter or symbol
//              ("-#", "-§", "-ก"): the Finnish hyphen tailoring moved to root.
//   ICU-12017: ICU's number rules keep "," / "." with a following digit
//              (",0", "a.2", " .35"), where the file's LB25 tailoring breaks.
// They are listed below by content, not skipped: each must still be in the
// file and still give ICU's answer, so an ICU or data upgrade that resolves
// (or changes) one fails this test until the list is updated.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "text/fonts.h"
#include "text/shaper.h"
#include "text/unicode.h"

namespace {

constexpr const char* kLineBreakTest = "/usr/share/unicode/auxiliary/LineBreakTest.txt";
constexpr std::string_view kBreak = "\xC3\xB7";    // U+00F7 ÷
constexpr std::string_view kNoBreak = "\xC3\x97";  // U+00D7 ×

struct BreakCase {
  int line_no = 0;
  std::string source;             // the test line without its comment
  std::u32string cps;             // the code points
  std::string utf8;               // the code points, encoded
  std::vector<int32_t> expected;  // byte offsets of interior ÷ marks
};

// A case where ICU's root rules differ from UAX #14 (see the file comment).
struct KnownDivergence {
  const char* ticket;
  std::u32string cps;
  std::vector<int32_t> icu;  // ICU 72's break offsets (bytes, ends excluded)
  bool seen = false;
};

std::vector<KnownDivergence> known_divergences() {
  return {
      {"ICU-8151", U"-#", {}},
      {"ICU-8151", U"-\u0308#", {}},
      {"ICU-8151", U"-\u00A7", {}},
      {"ICU-8151", U"-\u0308\u00A7", {}},
      {"ICU-8151", U"-\U00050005", {}},
      {"ICU-8151", U"-\u0308\U00050005", {}},
      {"ICU-8151", U"-\u0E01", {}},
      {"ICU-8151", U"-\u0308\u0E01", {}},
      {"ICU-12017", U",0", {}},
      {"ICU-12017", U",\u0308\u0030", {}},
      {"ICU-12017", U"equals .35 cents", {7, 11}},
      {"ICU-12017", U"a.2 ", {}},
      {"ICU-12017", U"a.2 \u0915", {4}},
      {"ICU-12017", U"a.2 \u672C", {4}},
      {"ICU-12017", U"a.2\u3000\u672C", {6}},
      {"ICU-12017", U"a.2\u3000\u307E", {6}},
      {"ICU-12017", U"a.2\u3000\u0033", {6}},
      {"ICU-12017", U"A.1 \uBABB", {4}},
      {"ICU-12017", U"\uBD24\uC5B4. A.2 \uBCFC", {3, 8, 12}},
      {"ICU-12017", U"\uBD10\uC694. A.3 \uBABB", {3, 8, 12}},
      {"ICU-12017", U"\uC694. A.4 \uBABB", {5, 9}},
      {"ICU-12017", U"a.2\u3000\u300C", {6}},
  };
}

// Parses one data line; returns false for comments and blank lines.
bool parse_case(const std::string& raw, int line_no, BreakCase& out) {
  std::string line = raw.substr(0, raw.find('#'));
  std::istringstream in(line);
  std::string tok;
  out = BreakCase{};
  out.line_no = line_no;
  out.source = line;
  bool any = false;
  bool last_was_break = false;
  while (in >> tok) {
    if (tok == kBreak || tok == kNoBreak) {
      last_was_break = tok == kBreak;
      continue;
    }
    // A code point: a break mark before it that is not the first mark is an
    // interior break opportunity at the current byte offset.
    if (any && last_was_break) out.expected.push_back(static_cast<int32_t>(out.utf8.size()));
    const auto c = static_cast<char32_t>(std::stoul(tok, nullptr, 16));
    out.cps += c;
    paizi::text::append_utf8(out.utf8, c);
    any = true;
    last_was_break = false;
  }
  return any;
}

// Reads every case; `declared` gets the count the file states in its
// "# Lines: N" trailer (0 when absent).
std::vector<BreakCase> load_cases(size_t& declared) {
  std::ifstream f(kLineBreakTest);
  std::vector<BreakCase> cases;
  std::string raw;
  int line_no = 0;
  BreakCase c;
  declared = 0;
  while (std::getline(f, raw)) {
    ++line_no;
    if (raw.rfind("# Lines:", 0) == 0) declared = std::stoul(raw.substr(8));
    if (parse_case(raw, line_no, c)) cases.push_back(c);
  }
  return cases;
}

}  // namespace

TEST_CASE("UAX #14: ICU's root line breaker against LineBreakTest.txt", "[text][uax14]") {
  size_t declared = 0;
  const std::vector<BreakCase> cases = load_cases(declared);
  INFO("conformance data: " << kLineBreakTest << " (Debian package unicode-data)");
  // Every case the file declares was read (7654 in Unicode 15.0.0): a missing
  // or truncated file is a failure, not a pass.
  REQUIRE(declared > 0);
  REQUIRE(cases.size() == declared);

  paizi::text::FontLibrary fonts;
  paizi::text::Shaper shaper(fonts);
  std::vector<KnownDivergence> known = known_divergences();
  size_t failed = 0, diverged = 0;
  for (const BreakCase& c : cases) {
    const std::vector<int32_t> got =
        shaper.uax14_breaks(c.utf8, paizi::text::BreakLevel::Basic, /*root=*/true);
    auto k =
        std::find_if(known.begin(), known.end(), [&](const KnownDivergence& d) { return d.cps == c.cps; });
    const std::vector<int32_t>& want = k != known.end() ? k->icu : c.expected;
    if (k != known.end()) {
      k->seen = true;
      ++diverged;
      INFO("LineBreakTest.txt:" << c.line_no << ": listed as a divergence but UAX #14 agrees");
      CHECK(k->icu != c.expected);
    }
    if (got == want) continue;
    ++failed;
    std::ostringstream exp, act;
    for (int32_t b : want) exp << b << ' ';
    for (int32_t b : got) act << b << ' ';
    INFO("LineBreakTest.txt:" << c.line_no << ": " << c.source);
    INFO((k != known.end() ? std::string("listed divergence ") + k->ticket + ", ICU answer expected: "
                           : std::string("expected byte offsets: "))
         << exp.str() << "| got: " << act.str());
    CHECK(got == want);
  }
  for (const KnownDivergence& d : known) {
    INFO("listed divergence " << d.ticket << " is no longer in LineBreakTest.txt");
    CHECK(d.seen);
  }
  WARN(cases.size() - diverged << " of " << cases.size() << " cases as UAX #14 specifies; " << diverged
                               << " where ICU 72 knowingly differs (ICU-8151, ICU-12017); " << failed
                               << " failures");
  CHECK(failed == 0);
}
