// Stage 1 of the typesetting engine: decode, itemise (script, font,
// orientation), shape with HarfBuzz, and mark break opportunities (ICU UAX #14
// plus clreq/JLreq prohibitions). The result is size-independent: every
// length is in em, so one shaping serves every pixel size (auto-fit).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <unicode/uversion.h>

#include "text/fonts.h"
#include "text/unicode.h"

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace paizi::text {

// A glyph of a shaped paragraph. Offsets are in em in the line frame:
// `u` runs along the line (right for horizontal, down for vertical), `v`
// across it (down for horizontal, right for vertical).
struct ShapedGlyph {
  const Face* face = nullptr;
  uint32_t gid = 0;
  float u = 0, v = 0;    // offset of the glyph origin from the pen, em
  float adv = 0;         // advance along the line, em
  bool rotated = false;  // vertical text: a sideways (UAX #50 R) glyph
  bool missing = false;  // no installed font covers this code point
};

// Per-code-point flags.
enum CpFlag : uint8_t {
  kBreakAfter = 1,       // a line may end after this code point
  kSpace = 2,            // break space (hangs at line end)
  kCompressed = 4,       // halved by the adjacency rule (。」 「「 ...)
  kForcedBreak = 8,      // hard line break after (U+2028)
  kNoJustifyAfter = 16,  // no inter-character expansion after (inside —— ……)
  kUpright = 32,         // vertical text: digits set upright in one cell (縦中横)
};

struct ShapeOptions {
  FontRequest font;
  BreakLevel line_break = BreakLevel::Basic;
  bool vertical = false;
  bool normalize_commas = false;  // ',' between CJK -> '，' (Chinese body text)
  bool cjk_latin_space = true;    // 1/4 em between CJK and Latin/digits
};

struct ShapedParagraph {
  CodePoints text;                    // cleaned source text, byte offsets
  std::u32string cps;                 // code points as shaped (after normalisation)
  std::vector<float> adv;             // per code point: advance along the line, em
  std::vector<float> gap;             // per code point: CJK-Latin gap after it, em
  std::vector<float> halt_adv;        // per code point: advance change under halt/vhal (<= 0), em
  std::vector<float> halt_u;          // per code point: offset change under halt/vhal, em
  std::vector<uint8_t> flags;         // CpFlag bits
  std::vector<uint32_t> first_glyph;  // per code point (+1 sentinel) into glyphs
  std::vector<ShapedGlyph> glyphs;    // in code point order
  int missing = 0;                    // code points no face covers
};

struct ShapedText {
  std::vector<ShapedParagraph> paragraphs;
  float ascender = 0.88f;             // em-box top above baseline, em (primary face)
  float descender = -0.12f;           // em
  std::vector<ShapedGlyph> ellipsis;  // the truncation mark, shaped
  float ellipsis_adv = 0;             // em
  bool vertical = false;
  int missing = 0;
};

// Shapes text. Owns the ICU break iterators and the halt cache; not
// thread-safe, one per thread.
class Shaper {
 public:
  explicit Shaper(FontLibrary& fonts);
  ~Shaper();
  Shaper(const Shaper&) = delete;
  Shaper& operator=(const Shaper&) = delete;

  ShapedText shape(const std::vector<std::string>& paragraphs, const ShapeOptions& opt);
  ShapedParagraph shape_paragraph(std::string_view utf8, const ShapeOptions& opt);

  // UAX #14 break opportunities (byte offsets, end excluded) from ICU for
  // the given level; Basic/None/Strict map to ICU's normal/loose/strict.
  // `root` = ICU's untailored default (UAX #14 as specified).
  std::vector<int32_t> uax14_breaks(std::string_view utf8, BreakLevel level, bool root = false);

  FontLibrary& fonts() { return fonts_; }

 private:
  struct HaltDelta {
    float adv = 0, u = 0;
  };
  HaltDelta halt_delta(const Face* face, char32_t c, bool vertical, std::string_view lang);
  icu::BreakIterator* breaker(BreakLevel level, bool root);
  void mark_breaks(ShapedParagraph& p, const ShapeOptions& opt);
  void shape_runs(ShapedParagraph& p, const ShapeOptions& opt, const FontChain& chain);
  void fill_buffer(const ShapedParagraph& p, size_t b, size_t e, hb_direction_t dir, int script,
                   hb_language_t lang);
  void set_color_bitmap_run(ShapedParagraph& p, size_t b, size_t e, const Face* face, const Face& text,
                            bool vertical);
  bool set_upright_digits(ShapedParagraph& p, size_t b, size_t e, const Face* face, int script,
                          hb_language_t lang);
  void apply_adjacency(ShapedParagraph& p, const ShapeOptions& opt);

  FontLibrary& fonts_;
  std::map<std::pair<int, bool>, std::unique_ptr<icu::BreakIterator>> breakers_;
  // Per glyph (face, code point, direction), not per text.
  std::unordered_map<uint64_t, HaltDelta> halt_cache_;
  std::map<std::pair<FontRequest, bool>, ShapedParagraph> ellipsis_cache_;
  HbBufferPtr buf_;
  // Scratch space reused by every paragraph (no allocation once grown).
  std::vector<CharClass> cls_;
  std::vector<int> font_;
  std::vector<int> script_;
  std::vector<char> emoji_tail_;
  std::u16string u16_;
  std::vector<uint32_t> u16_to_cp_;
  // Direct-mapped cache of code point -> chain index for the last chain.
  struct PickSlot {
    char32_t cp = 0xFFFFFFFF;
    int face = 0;
  };
  const FontChain* pick_chain_ = nullptr;
  PickSlot pick_cache_[1024];
  int pick(const FontChain& chain, char32_t c);
};

}  // namespace paizi::text
