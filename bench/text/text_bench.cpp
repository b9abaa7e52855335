// Text engine benchmark (issue 3, acceptance line 5): paizi against Pango
// (layout only) and SDL2_ttf (layout + raster into an RGBA buffer), in one
// run, on the same text (bench/text/article.txt), the same face (Noto Sans
// CJK SC Regular, found through fontconfig), 36 px, 1760 px wide. Also counts
// the line-start / line-end prohibition violations of each engine's lines.
//
// Usage: text_bench [--iterations N] [--warmup N] [--text FILE] [--markdown FILE]
// Prints the table; --markdown also writes it (with the run details) to FILE.
// Exit status: 0 ok, 1 setup error, 2 paizi broke a prohibition rule.
// Timings are reported, never asserted.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <SDL.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangoft2.h>
#include <unicode/utf8.h>

#include "present/display.h"
#include "render/glyph_atlas.h"
#include "text/fonts.h"
#include "text/layout.h"
#include "text/shaper.h"

namespace {

using namespace paizi;

// The comparison's fixed parameters (issue 3): em size and line length, px.
constexpr float kSizePx = 36;
constexpr int kWidthPx = 1760;
constexpr const char* kFamily = "Noto Sans CJK SC";
constexpr const char* kFcLang = "zh-cn";

// ---------------------------------------------------------------- options

struct Options {
  int iterations = 50;  // timed rounds (each runs every case once)
  int warmup = 5;       // untimed runs of each case before them
  std::string text_path = PAIZI_BENCH_TEXT;
  std::string markdown_path;
};

constexpr const char* kUsage =
    "usage: text_bench [--iterations N] [--warmup N] [--text FILE] [--markdown FILE]\n"
    "  --iterations N  timed rounds (default 50)\n"
    "  --warmup N      untimed runs of each case first (default 5)\n"
    "  --text FILE     UTF-8 text, one paragraph per line (default bench/text/article.txt)\n"
    "  --markdown FILE also write the results table there\n";

// Returns false (after printing the usage) when the program should exit;
// `ok` tells with which status.
bool parse_args(int argc, char** argv, Options& o, bool& ok) {
  ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--iterations" && has_value) {
      o.iterations = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--warmup" && has_value) {
      o.warmup = std::max(0, std::atoi(argv[++i]));
    } else if (a == "--text" && has_value) {
      o.text_path = argv[++i];
    } else if (a == "--markdown" && has_value) {
      o.markdown_path = argv[++i];
    } else {
      ok = a == "--help";
      std::fputs(kUsage, ok ? stdout : stderr);
      return false;
    }
  }
  return true;
}

// ----------------------------------------------------------------- timing

// Medians of one case, ms: wall-clock time, and CPU time of the whole
// process (every thread, user + system). On a machine shared with other
// work, wall time punishes the longer case more (it is more often
// preempted); CPU time does not, but misses waiting. Both are reported.
struct Timing {
  double wall = 0, cpu = 0;
};

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size();
  return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

// Runs each case `warmup` times untimed, then `iterations` rounds in which
// every case runs once, the order rotating each round, so that the cases
// being compared share whatever load the machine has at the time.
std::vector<Timing> measure(const Options& o, const std::vector<std::function<void()>>& cases) {
  const size_t n = cases.size();
  for (const auto& fn : cases)
    for (int i = 0; i < o.warmup; ++i) fn();
  std::vector<std::vector<double>> wall(n), cpu(n);
  for (int i = 0; i < o.iterations; ++i) {
    for (size_t k = 0; k < n; ++k) {
      const size_t j = (static_cast<size_t>(i) + k) % n;
      const double c0 = process_cpu_ms();
      const auto t0 = std::chrono::steady_clock::now();
      cases[j]();
      const auto t1 = std::chrono::steady_clock::now();
      const double c1 = process_cpu_ms();
      wall[j].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      cpu[j].push_back(c1 - c0);
    }
  }
  std::vector<Timing> out;
  for (size_t j = 0; j < n; ++j) out.push_back({median(wall[j]), median(cpu[j])});
  return out;
}

// ------------------------------------------------------------------- text

struct Article {
  std::string joined;                   // paragraphs joined by '\n' (Pango, SDL2_ttf)
  std::vector<std::string> paragraphs;  // the same text split (paizi)
  size_t code_points = 0;               // excluding the paragraph separators
};

bool load_article(const std::string& path, Article& a) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    a.paragraphs.push_back(line);
  }
  for (const std::string& p : a.paragraphs) {
    if (!a.joined.empty()) a.joined += '\n';
    a.joined += p;
    for (unsigned char c : p) a.code_points += (c & 0xC0) != 0x80;
  }
  return !a.paragraphs.empty();
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    out += static_cast<char32_t>(c < 0 ? 0xFFFD : c);
  }
  return out;
}

// ------------------------------------------------- prohibition violations

// One produced line: its source text without break spaces or the newline.
struct Line {
  std::u32string text;
  int paragraph = 0;
};

constexpr std::u32string_view kNoLineStart =
    U"、，。．：；！？‼⁇"                                       // stops, commas
    U"）］｝〕〉》」』】〙〗”’"                                 // closing brackets and quotes
    U"·・‐〜゠–"                                                // middle dots, hyphens
    U"ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"             // small kana
    U"ヽヾゝゞ々〻";                                            // iteration marks
constexpr std::u32string_view kHalfNoLineStart = U",.;:!?)]}";  // after CJK text
constexpr std::u32string_view kNoLineEnd = U"（［｛〔〈《「『【〘〖“‘";
constexpr std::u32string_view kUnits =
    U"年月日号时分秒个位名人次件项家户元角万亿千百米吨斤克度倍岁天周条台辆座所种亩册张块"
    U"英寸瓦像余开%％‰℃";

bool in(std::u32string_view set, char32_t c) { return set.find(c) != std::u32string_view::npos; }
bool is_cjk(char32_t c) {
  return (c >= 0x3000 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x20000 && c <= 0x3FFFF);
}
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_latin(char32_t c) { return (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z'); }
bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000; }

std::u32string trim(std::u32string s) {
  while (!s.empty() && is_space(s.back())) s.pop_back();
  size_t b = 0;
  while (b < s.size() && is_space(s[b])) ++b;
  return s.substr(b);
}

struct Violations {
  int starts = 0;  // lines starting with a line-start-prohibited character
  int ends = 0;    // lines ending with a line-end-prohibited character
  int splits = 0;  // breaks inside ——, ……, a number with its unit, a Latin word (info)
  std::vector<std::string> examples;
  int total() const { return starts + ends; }
};

std::string utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    uint8_t buf[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(c));
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
  }
  return out;
}

// Counts per typography.md's basic lists. A line start is only judged when
// the line continues a paragraph (a paragraph's first line has no break).
Violations count_violations(const std::vector<Line>& lines) {
  Violations v;
  auto note = [&](const std::string& what, size_t i) {
    if (v.examples.size() < 6) v.examples.push_back(what + " at line " + std::to_string(i + 1));
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::u32string& t = lines[i].text;
    if (t.empty()) continue;
    const bool continues = i > 0 && lines[i - 1].paragraph == lines[i].paragraph;
    const bool paragraph_goes_on = i + 1 < lines.size() && lines[i + 1].paragraph == lines[i].paragraph;
    const char32_t prev = continues && !lines[i - 1].text.empty() ? lines[i - 1].text.back() : 0;
    if (continues && (in(kNoLineStart, t.front()) || (in(kHalfNoLineStart, t.front()) && is_cjk(prev)))) {
      ++v.starts;
      note("'" + utf8(t.substr(0, 1)) + "' starts a line", i);
    }
    if (paragraph_goes_on && in(kNoLineEnd, t.back())) {
      ++v.ends;
      note("'" + utf8(t.substr(t.size() - 1)) + "' ends a line", i);
    }
    if (paragraph_goes_on && !lines[i + 1].text.empty()) {
      const char32_t a = t.back(), b = lines[i + 1].text.front();
      const bool split = (a == U'—' && b == U'—') || (a == U'…' && b == U'…') ||
                         (is_digit(a) && (is_digit(b) || in(kUnits, b) || b == U'.')) ||
                         ((is_latin(a) || is_digit(a)) && is_latin(b)) || (is_latin(a) && is_digit(b));
      if (split) {
        ++v.splits;
        note("'" + utf8(std::u32string{a}) + "|" + utf8(std::u32string{b}) + "' split", i);
      }
    }
  }
  return v;
}

// Lines of a byte range list over `text` (joined with '\n').
std::vector<Line> lines_from_ranges(const std::string& text,
                                    const std::vector<std::pair<size_t, size_t>>& r) {
  std::vector<Line> out;
  for (const auto& [b, e] : r) {
    Line l;
    l.paragraph = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(b), '\n'));
    l.text = trim(decode(std::string_view(text).substr(b, e - b)));
    out.push_back(std::move(l));
  }
  return out;
}

// ------------------------------------------------------------------- font

struct FontFile {
  std::string path;
  int index = 0;
};

// The file and face index fontconfig picks for the benchmark family.
bool find_font(FontFile& f) {
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(kFamily));
  FcPatternAddString(pat, FC_LANG, reinterpret_cast<const FcChar8*>(kFcLang));
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pat, &res);
  FcPatternDestroy(pat);
  if (!match) return false;
  FcChar8* file = nullptr;
  FcChar8* family = nullptr;
  const bool ok = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
                  FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch &&
                  std::string_view(reinterpret_cast<const char*>(family)) == kFamily;
  if (ok) {
    f.path = reinterpret_cast<const char*>(file);
    FcPatternGetInteger(match, FC_INDEX, 0, &f.index);
  }
  FcPatternDestroy(match);
  return ok;
}

// ------------------------------------------------------------------ paizi

text::LayoutOptions paizi_options() {
  text::LayoutOptions o;
  o.size_px = kSizePx;
  o.width_px = kWidthPx;
  o.justify = true;
  o.shape.font = {"paizi-sans", "zh-Hans", text::Weight::Regular};
  return o;
}

std::vector<Line> paizi_lines(const text::TextLayout& l) {
  std::vector<Line> out;
  for (const text::LayoutLine& ln : l.lines) out.push_back({trim(decode(ln.text)), ln.paragraph});
  return out;
}

// ------------------------------------------------------------------ Pango

struct PangoBench {
  PangoFontMap* map = nullptr;
  PangoContext* ctx = nullptr;
  PangoFontDescription* desc = nullptr;

  PangoBench() {
    map = pango_ft2_font_map_new();
    pango_ft2_font_map_set_resolution(PANGO_FT2_FONT_MAP(map), 72, 72);
    ctx = pango_font_map_create_context(map);
    pango_context_set_language(ctx, pango_language_from_string(kFcLang));
    desc = pango_font_description_from_string(kFamily);
    pango_font_description_set_absolute_size(desc, kSizePx * PANGO_SCALE);
  }
  ~PangoBench() {
    pango_font_description_free(desc);
    g_object_unref(ctx);
    g_object_unref(map);
  }
  PangoBench(const PangoBench&) = delete;
  PangoBench& operator=(const PangoBench&) = delete;

  // A new layout, fully laid out (every line broken and justified).
  PangoLayout* layout(const std::string& text) const {
    PangoLayout* l = pango_layout_new(ctx);
    pango_layout_set_font_description(l, desc);
    pango_layout_set_width(l, kWidthPx * PANGO_SCALE);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_justify(l, TRUE);
    pango_layout_set_text(l, text.data(), static_cast<int>(text.size()));
    PangoRectangle logical{};
    pango_layout_get_extents(l, nullptr, &logical);
    return l;
  }

  std::vector<Line> lines(const std::string& text) const {
    PangoLayout* l = layout(text);
    std::vector<std::pair<size_t, size_t>> r;
    for (GSList* it = pango_layout_get_lines_readonly(l); it; it = it->next) {
      const auto* line = static_cast<const PangoLayoutLine*>(it->data);
      r.emplace_back(static_cast<size_t>(line->start_index),
                     static_cast<size_t>(line->start_index + line->length));
    }
    g_object_unref(l);
    return lines_from_ranges(text, r);
  }

  // The face Pango resolved for the first run, e.g. "Noto Sans CJK SC 36px".
  std::string resolved_font(const std::string& text) const {
    PangoLayout* l = layout(text);
    std::string name = "?";
    PangoLayoutLine* line = pango_layout_get_line_readonly(l, 0);
    if (line && line->runs) {
      const auto* run = static_cast<const PangoGlyphItem*>(line->runs->data);
      PangoFontDescription* d = pango_font_describe_with_absolute_size(run->item->analysis.font);
      char* s = pango_font_description_to_string(d);
      name = s;
      g_free(s);
      pango_font_description_free(d);
    }
    g_object_unref(l);
    return name;
  }
};

// --------------------------------------------------------------- SDL2_ttf

// SDL2_ttf 2.20's wrapped rendering, line splitting only, re-implemented
// from its documented behaviour and source (TTF_Render_Wrapped_Internal):
// for each line, TTF_MeasureUTF8 gives how many characters of the rest of
// the text fit the wrap width (at least one); the scan stops at a newline
// or after that many characters and, unless the text ended, the line is cut
// after the last space/tab/CR/LF seen, else after the last character that
// fit. Returns byte ranges into `text`.
std::vector<std::pair<size_t, size_t>> ttf_wrap_ranges(TTF_Font* font, const std::string& text, int wrap) {
  std::string buf = text;  // the library writes NULs over newlines as it goes
  const size_t len = buf.size();
  std::vector<size_t> starts;
  size_t pos = 0;
  do {
    starts.push_back(pos);
    int extent = 0, max_count = 0;
    TTF_MeasureUTF8(font, buf.c_str() + pos, wrap, &extent, &max_count);
    if (max_count == 0) max_count = 1;
    int chars = 0;
    size_t save = std::string::npos;
    while (pos < len) {
      const auto* p = reinterpret_cast<const uint8_t*>(buf.data());
      auto i = static_cast<int32_t>(pos);
      UChar32 c = 0;
      U8_NEXT(p, i, static_cast<int32_t>(len), c);
      pos = static_cast<size_t>(i);
      if (c == 0xFEFF || c == 0xFFFE) continue;  // byte order marks are skipped, not counted
      ++chars;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        save = pos;
        if (c == '\n' || c == '\r') {
          buf[pos - 1] = '\0';
          break;
        }
      }
      if (chars == max_count) break;
    }
    if (save != std::string::npos && pos < len) pos = save;
  } while (pos < len);
  std::vector<std::pair<size_t, size_t>> r;
  for (size_t i = 0; i < starts.size(); ++i)
    r.emplace_back(starts[i], i + 1 < starts.size() ? starts[i + 1] : len);
  return r;
}

// -------------------------------------------------------------------- run

struct Results {
  Timing paizi_layout, pango_layout;
  Timing paizi_shape, paizi_set;  // the two stages of paizi_layout
  Timing paizi_warm, paizi_cold, ttf;
  Violations v_paizi, v_pango, v_ttf;
  size_t lines_paizi = 0, lines_pango = 0, lines_ttf = 0;
  bool ttf_lines_verified = false;
  int ttf_surface_h = 0, ttf_expected_h = 0;
  int canvas_w = 0, canvas_h = 0;
  long ink_paizi = 0, ink_ttf = 0;  // pixels with any coverage in the last frame
  std::string font_file, paizi_face, pango_face;
  uint64_t warm_misses = 0, warm_hits = 0;
  size_t warm_bytes = 0;
};

// Pixels of an ARGB8888 / RGBA32 surface with non-zero alpha: evidence that
// both engines really drew the whole text.
long ink_pixels(SDL_Surface* s) {
  if (!s || SDL_LockSurface(s) != 0) return -1;
  long n = 0;
  for (int y = 0; y < s->h; ++y) {
    const auto* row = static_cast<const uint8_t*>(s->pixels) + static_cast<ptrdiff_t>(y) * s->pitch;
    for (int x = 0; x < s->w; ++x) {
      uint32_t px = 0;
      std::memcpy(&px, row + static_cast<ptrdiff_t>(x) * 4, 4);
      n += (px & s->format->Amask) != 0;
    }
  }
  SDL_UnlockSurface(s);
  return n;
}

std::string fmt(double v, int decimals = 2) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// One comparison row: the peer's medians over paizi's, wall and CPU; the
// target counts as met only when both ratios meet it.
std::string ratio_row(const char* name, const Timing& peer, const Timing& paizi, double target,
                      const char* target_text) {
  const double rw = peer.wall / paizi.wall, rc = peer.cpu / paizi.cpu;
  const bool ok = rw >= target && rc >= target;
  return std::string("| ") + name + " | " + fmt(paizi.wall) + " | " + fmt(paizi.cpu) + " | paizi " + fmt(rw) +
         "× / " + fmt(rc) + "× faster | " + target_text + " | " + (ok ? "pass" : "**fail**") + " |\n";
}

std::string time_row(const char* name, const Timing& t) {
  return std::string("| ") + name + " | " + fmt(t.wall) + " | " + fmt(t.cpu) + " | | | |\n";
}

std::string table(const Options& o, const Article& a, const Results& r) {
  std::ostringstream s;
  auto violations = [&](const char* name, const Violations& v, size_t lines, const char* target,
                        const char* result) {
    s << "| " << name << " | " << v.total() << " (" << v.starts << " start, " << v.ends << " end) in "
      << lines << " lines | | | " << target << " | " << result << " |\n";
  };
  s << "| case | median ms (wall) | median ms (CPU) | ratio (wall / CPU) | target | result |\n"
    << "|---|---:|---:|---:|---|---|\n"
    << time_row("(a) layout: Pango `PangoLayout`, justify", r.pango_layout)
    << ratio_row("(a) layout: paizi `layout_text`, justify", r.pango_layout, r.paizi_layout, 3, "≥ 3×")
    << time_row("(b) layout + raster: SDL2_ttf `TTF_RenderUTF8_Blended_Wrapped`", r.ttf)
    << ratio_row("(b) layout + raster: paizi, warm atlas", r.ttf, r.paizi_warm, 5, "≥ 5×")
    << ratio_row("(b) layout + raster: paizi, cold atlas", r.ttf, r.paizi_cold, 1, "≥ 1× (no slower)");
  violations("(c) prohibition violations: paizi", r.v_paizi, r.lines_paizi, "0",
             r.v_paizi.total() == 0 ? "pass" : "**fail**");
  violations("(c) prohibition violations: SDL2_ttf", r.v_ttf, r.lines_ttf, "(baseline)", "");
  violations("(c) prohibition violations: Pango (for information)", r.v_pango, r.lines_pango, "", "");
  s << "\nBreaks inside `——`, `……`, a number with its unit or a Latin word (for information): paizi "
    << r.v_paizi.splits << ", SDL2_ttf " << r.v_ttf.splits << ", Pango " << r.v_pango.splits << ".\n";
  auto examples = [&](const char* who, const Violations& v) {
    if (v.examples.empty()) return;
    s << "\n" << who << " examples:";
    for (const std::string& e : v.examples) s << " " << e << ";";
    s << "\n";
  };
  examples("paizi", r.v_paizi);
  examples("SDL2_ttf", r.v_ttf);
  examples("Pango", r.v_pango);
  s << "\npaizi's layout by stage (median wall / CPU ms): shape (itemise, HarfBuzz, breaks) "
    << fmt(r.paizi_shape.wall) << " / " << fmt(r.paizi_shape.cpu)
    << ", set (lines, compression, justification) " << fmt(r.paizi_set.wall) << " / " << fmt(r.paizi_set.cpu)
    << ".\n";
  s << "\nRun: " << o.iterations << " rounds after " << o.warmup
    << " warm-up runs per case; each round runs every case of (a), then of (b), once, order rotating; text "
    << a.code_points << " code points in " << a.paragraphs.size() << " paragraphs; font " << r.font_file
    << " (paizi face: " << r.paizi_face << "; Pango: " << r.pango_face << "); " << kSizePx << " px, "
    << kWidthPx << " px wide; paizi canvas " << r.canvas_w << "×" << r.canvas_h
    << " ARGB8888; SDL2_ttf surface " << kWidthPx << "×" << r.ttf_surface_h
    << " ARGB8888; SDL2_ttf lines reconstructed: " << r.lines_ttf
    << (r.ttf_lines_verified ? " (agrees with its surface height)"
                             : " (**disagrees with its surface height**: expected ")
    << (r.ttf_lines_verified ? "" : std::to_string(r.ttf_expected_h) + " px)") << "; warm atlas "
    << r.warm_bytes / (1u << 20) << " MiB, " << r.warm_hits << " hits / " << r.warm_misses
    << " misses; pixels with ink in the last frame: paizi " << r.ink_paizi << ", SDL2_ttf " << r.ink_ttf
    << ".\n";
  return s.str();
}

// The engines under test, set up once for the whole run.
struct Engines {
  text::FontLibrary fonts;
  text::Shaper shaper{fonts};
  text::LayoutOptions lo = paizi_options();
  PangoBench pango;
  std::unique_ptr<TTF_Font, decltype(&TTF_CloseFont)> ttf{nullptr, TTF_CloseFont};
};

constexpr SDL_Color kTtfInk{0, 0, 0, 255};

// (c), and the facts printed under the table: faces, line counts, the
// SDL2_ttf reconstruction check.
void count_lines(Engines& e, const Article& art, Results& r) {
  if (const text::Face* f = e.fonts.chain(e.lo.shape.font).primary())
    r.paizi_face = f->family() + ", " + f->path() + ":" + std::to_string(f->index());
  const text::TextLayout ref = text::layout_text(e.shaper, art.paragraphs, e.lo);
  r.v_paizi = count_violations(paizi_lines(ref));
  r.lines_paizi = ref.lines.size();
  r.canvas_w = kWidthPx;
  r.canvas_h = static_cast<int>(std::ceil(ref.height));

  r.pango_face = e.pango.resolved_font(art.joined);
  const std::vector<Line> pl = e.pango.lines(art.joined);
  r.v_pango = count_violations(pl);
  r.lines_pango = pl.size();

  TTF_Font* ttf = e.ttf.get();
  const std::vector<Line> tl = lines_from_ranges(art.joined, ttf_wrap_ranges(ttf, art.joined, kWidthPx));
  r.v_ttf = count_violations(tl);
  r.lines_ttf = tl.size();
  int w = 0, h = 0;
  TTF_SizeUTF8(ttf, art.joined.c_str(), &w, &h);
  const int skip = TTF_FontLineSkip(ttf);
  r.ttf_expected_h = std::max(h, skip) + skip * (static_cast<int>(tl.size()) - 1);
  if (SDL_Surface* s = TTF_RenderUTF8_Blended_Wrapped(ttf, art.joined.c_str(), kTtfInk, kWidthPx)) {
    r.ttf_surface_h = s->h;
    r.ink_ttf = ink_pixels(s);
    SDL_FreeSurface(s);
  }
  r.ttf_lines_verified = r.ttf_surface_h == r.ttf_expected_h;
}

// (a) layout only, plus paizi's two stages for the engine's authors (shape,
// then set the shaped text; not part of the comparison).
void measure_layout(const Options& o, Engines& e, const Article& art, Results& r) {
  const text::ShapedText shaped = e.shaper.shape(art.paragraphs, e.lo.shape);
  const std::vector<Timing> t =
      measure(o, {[&] {
                    if (text::layout_text(e.shaper, art.paragraphs, e.lo).lines.empty()) std::abort();
                  },
                  [&] { g_object_unref(e.pango.layout(art.joined)); },
                  [&] {
                    if (e.shaper.shape(art.paragraphs, e.lo.shape).paragraphs.empty()) std::abort();
                  },
                  [&] {
                    if (text::set_text(shaped, e.lo).lines.empty()) std::abort();
                  }});
  r.paizi_layout = t[0];
  r.pango_layout = t[1];
  r.paizi_shape = t[2];
  r.paizi_set = t[3];
}

// (b) layout + raster into an RGBA buffer: paizi's headless display (SDL
// software renderer on an ARGB8888 surface the size of the set text, cleared
// every frame) vs SDL2_ttf's new blended ARGB8888 surface.
bool measure_raster(const Options& o, Engines& e, const Article& art, Results& r) {
  present::DisplayOptions dopt;
  dopt.width = r.canvas_w;
  dopt.height = r.canvas_h;
  std::string err;
  const std::unique_ptr<present::Display> display = present::open_headless(dopt, err);
  if (!display) {
    std::fprintf(stderr, "text_bench: %s\n", err.c_str());
    return false;
  }
  SDL_Renderer* rend = display->renderer();
  const render::Rgba ink{0, 0, 0, 255}, paper{255, 255, 255, 255};
  auto frame = [&](render::GlyphAtlas& atlas) {
    SDL_SetRenderDrawColor(rend, 0, 0, 0, 0);
    SDL_RenderClear(rend);
    const text::TextLayout l = text::layout_text(e.shaper, art.paragraphs, e.lo);
    atlas.begin_frame();
    atlas.draw(l, 0, 0, ink, paper);
    SDL_RenderFlush(rend);
  };
  render::GlyphAtlas warm(rend);
  const std::vector<Timing> t = measure(o, {[&] { frame(warm); },
                                            [&] {
                                              render::GlyphAtlas cold(rend);
                                              frame(cold);
                                            },
                                            [&] {
                                              SDL_Surface* s = TTF_RenderUTF8_Blended_Wrapped(
                                                  e.ttf.get(), art.joined.c_str(), kTtfInk, kWidthPx);
                                              if (!s) std::abort();
                                              SDL_FreeSurface(s);
                                            }});
  r.paizi_warm = t[0];
  r.paizi_cold = t[1];
  r.ttf = t[2];
  if (const render::SurfacePtr shot = display->snapshot(err)) r.ink_paizi = ink_pixels(shot.get());
  r.warm_hits = warm.stats().hits;
  r.warm_misses = warm.stats().misses;
  r.warm_bytes = warm.stats().bytes;
  return true;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool args_ok = true;
  if (!parse_args(argc, argv, o, args_ok)) return args_ok ? 0 : 1;
  Article art;
  if (!load_article(o.text_path, art)) {
    std::fprintf(stderr, "text_bench: cannot read %s\n", o.text_path.c_str());
    return 1;
  }
  FontFile ff;
  if (!find_font(ff)) {
    std::fprintf(stderr, "text_bench: fontconfig has no %s\n", kFamily);
    return 1;
  }
  if (TTF_Init() != 0) {
    std::fprintf(stderr, "text_bench: TTF_Init: %s\n", TTF_GetError());
    return 1;
  }
  int status = 1;
  {
    Engines e;
    e.ttf.reset(TTF_OpenFontIndex(ff.path.c_str(), static_cast<int>(kSizePx), ff.index));
    Results r;
    r.font_file = ff.path + ":" + std::to_string(ff.index);
    if (!e.ttf) {
      std::fprintf(stderr, "text_bench: TTF_OpenFontIndex: %s\n", TTF_GetError());
    } else {
      count_lines(e, art, r);
      measure_layout(o, e, art, r);
      if (measure_raster(o, e, art, r)) {
        const std::string t = table(o, art, r);
        std::fputs(t.c_str(), stdout);
        if (!o.markdown_path.empty() && !write_file(o.markdown_path, t))
          std::fprintf(stderr, "text_bench: cannot write %s\n", o.markdown_path.c_str());
        else
          status = r.v_paizi.total() == 0 ? 0 : 2;
      }
    }
  }
  TTF_Quit();
  return status;
}
