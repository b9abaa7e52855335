// Player benchmark helper (issue 5, acceptance line 3); bench/player/run.sh
// drives it, docs/bench-player.md explains the method.
//
//   player_bench crossfade [--playlist FILE] [--transitions N] [--size WxH] [--textures]
//     Drives show::Player on a headless 1920x1080 software canvas over a
//     simulated 60 Hz clock and times every presented frame of the
//     transitions (tick() including the renderer flush). Prints the
//     distribution, then one machine-readable `RESULT ...` line. --textures:
//     the player's texture path (render targets and SDL's blending, as on a
//     GPU renderer) instead of its direct-pixel path for software canvases.
//
//   player_bench peers [--playlist FILE] --html OUT.html --markup OUT.txt
//     Composes slide 0 (a news slide) exactly as `paizi render` does and
//     writes the same page as HTML/CSS (for headless Chromium) and as Pango
//     markup (for pango-view): the same text, sizes, colours and positions;
//     each peer breaks and justifies the lines itself. Prints the pango-view
//     options that match the body box (`--width=… --indent=… …`).
//
//   player_bench markup --playlist FILE [--slide N] [--size WxH] --markup OUT.txt
//     The corpus benchmark's peer input (bench/corpus, issue 25): slide N of
//     any type (news, KPI, slogan, couplet), composed at WxH exactly as
//     `paizi render --slide N --size WxH` does; page 1's text blocks as Pango
//     markup with their sizes, weights and colours. Prints the pango-view
//     options for the widest block (`--width=… [--justify]`).
//
// Timings are printed, never asserted. Exit status: 0 ok, 1 error, 2 usage.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "content/playlist.h"
#include "present/display.h"
#include "render/painter.h"
#include "show/compose.h"
#include "show/player.h"

namespace {

using namespace paizi;

constexpr const char* kUsage =
    "usage: player_bench crossfade [--playlist FILE] [--transitions N] [--size WxH] [--textures]\n"
    "       player_bench peers [--playlist FILE] --html OUT.html --markup OUT.txt\n"
    "       player_bench markup --playlist FILE [--slide N] [--size WxH] --markup OUT.txt\n";

struct Options {
  std::string mode;
  std::string playlist = PAIZI_BENCH_PLAYLIST;
  int transitions = 10;  // crossfades timed
  int slide = 0;
  int width = 1920, height = 1080;
  std::string html, markup;
  bool textures = false;
};

bool parse_args(int argc, char** argv, Options& o) {
  if (argc < 2) return false;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "--playlist" && has)
      o.playlist = argv[++i];
    else if (a == "--transitions" && has)
      o.transitions = std::max(1, std::atoi(argv[++i]));
    else if (a == "--size" && has) {
      if (std::sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width < 16 || o.height < 16)
        return false;
    } else if (a == "--html" && has)
      o.html = argv[++i];
    else if (a == "--markup" && has)
      o.markup = argv[++i];
    else if (a == "--slide" && has)
      o.slide = std::max(0, std::atoi(argv[++i]));
    else if (a == "--textures")
      o.textures = true;
    else
      return false;
  }
  if (o.mode == "peers") return !o.html.empty() && !o.markup.empty();
  if (o.mode == "markup") return !o.markup.empty();
  return o.mode == "crossfade";
}

// CPU time of the calling thread, ms: unlike wall time it does not grow
// when other processes compete for the cores.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::lround(q * static_cast<double>(v.size() - 1)));
  return v[i];
}

// ---------------------------------------------------------------- crossfade

int run_crossfade(const Options& o, const content::Playlist& pl) {
  using Clock = std::chrono::steady_clock;
  present::DisplayOptions dopt;
  dopt.width = o.width;
  dopt.height = o.height;
  std::string err;
  auto display = present::open_headless(dopt, err);
  if (!display) {
    std::fprintf(stderr, "player_bench: %s\n", err.c_str());
    return 1;
  }
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  render::Painter painter(display->renderer());
  show::Player player(*display, shaper, painter, pl);
  if (o.textures) player.force_texture_path();

  constexpr double kFrameMs = 1000.0 / 60.0;  // simulated display refresh
  constexpr int64_t kUnix = 1776600000;       // fixed wall time (clock header)
  std::vector<double> fade_ms, fade_cpu_ms, other_ms;
  double first_ms = 0;
  int done = 0;
  bool was_in = false;
  for (int64_t frame = 0; done < o.transitions; ++frame) {
    const auto t = static_cast<int64_t>(std::llround(static_cast<double>(frame) * kFrameMs));
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_ms();
    const bool drawn = player.tick(t, kUnix + t / 1000);
    const double cpu = thread_cpu_ms() - c0;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const bool in = player.in_transition();
    if (frame == 0)
      first_ms = ms;
    else if (drawn && in) {
      fade_ms.push_back(ms);
      fade_cpu_ms.push_back(cpu);
    } else if (drawn)
      other_ms.push_back(ms);
    if (was_in && !in) ++done;
    was_in = in;
    // Skip the hold between transitions: jump to the last frame before the
    // next change (the frames in between are ticker-only or empty).
    if (!in) {
      const int64_t next = player.next_change_ms();
      const auto target = static_cast<int64_t>(std::floor(static_cast<double>(next) / kFrameMs)) - 1;
      frame = std::max(frame, target - 1);
    }
  }
  const double med = percentile(fade_ms, 0.5), p95 = percentile(fade_ms, 0.95), mx = percentile(fade_ms, 1.0);
  std::printf("playlist %s, %dx%d, software renderer (headless, %s), %d transitions (%s %lld ms)\n",
              o.playlist.c_str(), o.width, o.height, player.direct_pixels() ? "direct pixels" : "textures",
              o.transitions, content::transition_name(pl.transition.kind),
              static_cast<long long>(pl.transition.duration.count()));
  std::printf(
      "crossfade frames: %zu, median %.2f ms, p95 %.2f ms, max %.2f ms (%.0f fps at the median, %.0f at "
      "p95)\n",
      fade_ms.size(), med, p95, mx, med > 0 ? 1000.0 / med : 0.0, p95 > 0 ? 1000.0 / p95 : 0.0);
  const double cmed = percentile(fade_cpu_ms, 0.5), cp95 = percentile(fade_cpu_ms, 0.95);
  std::printf("crossfade frames, thread CPU time: median %.2f ms, p95 %.2f ms (%.0f fps at the median)\n",
              cmed, cp95, cmed > 0 ? 1000.0 / cmed : 0.0);
  std::printf(
      "other presented frames: %zu, median %.2f ms, max %.2f ms (the max includes composing the next "
      "slide)\n",
      other_ms.size(), percentile(other_ms, 0.5), percentile(other_ms, 1.0));
  std::printf("first frame (compose + paint): %.2f ms\n", first_ms);
  std::printf(
      "RESULT frames=%zu median_ms=%.2f p95_ms=%.2f max_ms=%.2f cpu_median_ms=%.2f cpu_p95_ms=%.2f "
      "other_median_ms=%.2f other_max_ms=%.2f first_ms=%.2f\n",
      fade_ms.size(), med, p95, mx, cmed, cp95, percentile(other_ms, 0.5), percentile(other_ms, 1.0),
      first_ms);
  return fade_ms.empty() ? 1 : 0;
}

// ---------------------------------------------------------------- peers

std::string css(content::Color c) {
  char b[16];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", c.r, c.g, c.b);
  return b;
}

std::string escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '&')
      o += "&amp;";
    else if (ch == '<')
      o += "&lt;";
    else if (ch == '>')
      o += "&gt;";
    else
      o += ch;
  }
  return o;
}

// One TextOp seen as a block of paragraphs: what a CSS box needs.
struct Block {
  std::vector<std::string> paragraphs;
  float left = 0, top = 0, width = 0;  // box, px
  float size = 0, pitch = 0;           // em and line pitch, px
  float indent = 0;                    // first-line indent, px
  float para_gap = 0;                  // extra space between paragraphs, px
  bool bold = false, serif = false, justify = false, right = false, single_lines = true;
  content::Color color;
};

Block block_of(const render::TextOp& op) {
  const text::TextLayout& l = *op.layout;
  Block b;
  b.size = l.size_px;
  b.pitch = l.line_pitch;
  b.color = op.color;
  float min_x = 1e9f, max_r = 0;
  int para = -1;
  const text::LayoutLine* first = nullptr;
  const text::LayoutLine* prev = nullptr;
  for (size_t i = 0; i < l.lines.size(); ++i) {
    const text::LayoutLine& ln = l.lines[i];
    // Only the lines this op draws: a page's ops can share one layout, each
    // drawing a glyph range of it (a heading in the accent colour, a page).
    if (ln.glyph_end <= op.glyph_begin || ln.glyph_begin >= op.glyph_end) continue;
    if (!first) first = &ln;
    min_x = std::min(min_x, ln.x);
    max_r = std::max(max_r, ln.x + ln.length);
    if (ln.paragraph != para) {
      b.paragraphs.emplace_back();
      if (para >= 0 && prev) b.para_gap = std::max(0.f, ln.y - prev->y - l.line_pitch);
      para = ln.paragraph;
    }
    prev = &ln;
    b.paragraphs.back() += ln.text;
    if (!ln.paragraph_end) {
      b.single_lines = false;
      if (std::abs(ln.length - ln.natural) > 0.01f) b.justify = true;
    }
  }
  if (first) {
    if (b.justify && first->x - min_x > 1) b.indent = first->x - min_x;
    b.right = !b.justify && min_x > 1;
    // CSS puts the first baseline half the leading plus the ascent below the
    // box top (Noto Sans CJK: ascent 1.16 em, descent 0.288 em).
    b.top = op.y + first->y - ((l.line_pitch - 1.448f * l.size_px) / 2 + 1.16f * l.size_px);
  }
  b.left = op.x + (b.justify || b.right ? 0.f : min_x);
  b.width = b.justify || b.right ? max_r : max_r - min_x + 2;
  // The face of the op's first glyph.
  const text::PositionedGlyph* g0 =
      l.glyphs.empty() ? nullptr : &l.glyphs[std::min(op.glyph_begin, l.glyphs.size() - 1)];
  b.bold = g0 && g0->face && g0->face->path().find("Bold") != std::string::npos;
  b.serif = g0 && g0->face && g0->face->path().find("Serif") != std::string::npos;
  return b;
}

void write_html(std::ofstream& f, const render::DisplayList& dl, const std::vector<Block>& blocks) {
  f << "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>bench</title><style>\n"
    << "html,body{margin:0;padding:0}\n"
    << "body{position:relative;width:" << dl.width << "px;height:" << dl.height
    << "px;overflow:hidden;font-family:\"Noto Sans CJK SC\";background:" << css(dl.clear) << "}\n"
    << ".b{position:absolute;margin:0}\np{margin:0}\n</style></head><body>\n";
  size_t bi = 0;
  for (const auto& op : dl.ops) {
    char s[256];
    if (const auto* g = std::get_if<render::GradientOp>(&op)) {
      std::snprintf(
          s, sizeof s,
          "<div class=\"b\" "
          "style=\"left:%gpx;top:%gpx;width:%gpx;height:%gpx;background:linear-gradient(%s,%s)\"></div>\n",
          g->x, g->y, g->w, g->h, css(g->top).c_str(), css(g->bottom).c_str());
      f << s;
    } else if (const auto* r = std::get_if<render::RectOp>(&op)) {
      std::snprintf(
          s, sizeof s,
          "<div class=\"b\" style=\"left:%gpx;top:%gpx;width:%gpx;height:%gpx;background:%s\"></div>\n", r->x,
          r->y, r->w, r->h, css(r->color).c_str());
      f << s;
    } else if (std::holds_alternative<render::TextOp>(op)) {
      const Block& b = blocks[bi++];
      std::snprintf(s, sizeof s,
                    "<div class=\"b\" "
                    "style=\"left:%gpx;top:%gpx;width:%gpx;font-size:%gpx;line-height:%gpx;color:%s;font-"
                    "weight:%d;text-align:%s%s\">\n",
                    b.left, b.top, b.width, b.size, b.pitch, css(b.color).c_str(), b.bold ? 700 : 400,
                    b.justify ? "justify"
                    : b.right ? "right"
                              : "left",
                    b.single_lines ? ";white-space:nowrap"
                    : b.justify    ? ""
                                   : ";text-wrap:balance");
      f << s;
      for (size_t i = 0; i < b.paragraphs.size(); ++i) {
        std::snprintf(s, sizeof s, "<p style=\"text-indent:%gpx;margin-top:%gpx\">", b.indent,
                      i ? b.para_gap : 0.f);
        f << s << escape(b.paragraphs[i]) << "</p>\n";
      }
      f << "</div>\n";
    }
  }
  f << "</body></html>\n";
}

// Page 1 of a slide composed exactly as `paizi render` does, and its text
// blocks (the fonts stay alive as long as the layouts need their faces).
struct Page1 {
  text::FontLibrary fonts;
  text::Shaper shaper{fonts};
  std::vector<render::DisplayList> pages;
  std::vector<Block> blocks;
  Page1(const Options& o, const content::Playlist& pl, size_t slide) {
    show::ComposeContext ctx{shaper};
    ctx.width = o.width;
    ctx.height = o.height;
    ctx.area = show::Rect{0, 0, static_cast<float>(o.width), static_cast<float>(o.height)};
    ctx.base_dir = pl.base_dir;
    const content::Slide& s = pl.slides[slide];
    pages = show::compose_slide(s, s.theme ? *s.theme : pl.theme, ctx);
    for (const auto& op : pages.at(0).ops)
      if (const auto* t = std::get_if<render::TextOp>(&op)) blocks.push_back(block_of(*t));
  }
};

int run_peers(const Options& o, const content::Playlist& pl) {
  if (pl.slides.empty() || !pl.slides[0].as<content::NewsSlide>() || pl.header.enabled || pl.ticker.enabled) {
    std::fprintf(stderr, "player_bench: peers needs slide 0 to be a news slide, without header or ticker\n");
    return 1;
  }
  const Page1 p1(o, pl, 0);
  const auto& pages = p1.pages;
  const render::DisplayList& dl = pages.at(0);
  const std::vector<Block>& blocks = p1.blocks;

  std::ofstream html(o.html), markup(o.markup);
  if (!html || !markup) {
    std::fprintf(stderr, "player_bench: cannot write %s or %s\n", o.html.c_str(), o.markup.c_str());
    return 1;
  }
  write_html(html, dl, blocks);
  // Pango markup: the same blocks in order, one paragraph per line, each
  // with its size (points at --dpi=72, i.e. px), weight and colour.
  const Block* body = nullptr;
  size_t chars = 0;
  for (const Block& b : blocks) {
    if (b.justify && (!body || b.size >= body->size)) body = &b;
    for (const auto& p : b.paragraphs) {
      markup << "<span font_desc=\"Noto Sans CJK SC " << (b.bold ? "Bold " : "") << b.size
             << "\" foreground=\"" << css(b.color) << "\">" << escape(p) << "</span>\n";
      chars += p.size();
    }
  }
  if (!body) {
    std::fprintf(stderr, "player_bench: no justified body text on page 1\n");
    return 1;
  }
  std::printf("--width=%.0f --indent=%.0f --margin=%.0f --background=%s --line-spacing=%.3f\n", body->width,
              body->indent, body->left, css(dl.clear).c_str(), body->pitch / (1.448f * body->size));
  std::fprintf(stderr, "player_bench: page 1 of %zu, %zu text blocks, %zu bytes of text\n", pages.size(),
               blocks.size(), chars);
  return 0;
}

// Any slide: page 1's text blocks in order, one paragraph per markup line.
int run_markup(const Options& o, const content::Playlist& pl) {
  if (o.slide >= static_cast<int>(pl.slides.size())) {
    std::fprintf(stderr, "player_bench: no slide %d\n", o.slide);
    return 1;
  }
  const Page1 p1(o, pl, static_cast<size_t>(o.slide));
  const auto& pages = p1.pages;
  const render::DisplayList& dl = pages.at(0);
  const std::vector<Block>& blocks = p1.blocks;
  std::ofstream markup(o.markup);
  if (!markup) {
    std::fprintf(stderr, "player_bench: cannot write %s\n", o.markup.c_str());
    return 1;
  }
  const Block* widest = nullptr;
  size_t chars = 0;
  for (const Block& b : blocks) {
    if (!widest || b.width > widest->width) widest = &b;
    for (const auto& p : b.paragraphs) {
      markup << "<span font_desc=\"Noto " << (b.serif ? "Serif" : "Sans") << " CJK SC "
             << (b.bold ? "Bold " : "") << b.size << "\" foreground=\"" << css(b.color) << "\">" << escape(p)
             << "</span>\n";
      chars += p.size();
    }
  }
  if (!widest) {
    std::fprintf(stderr, "player_bench: no text on page 1\n");
    return 1;
  }
  std::printf("--width=%.0f --indent=%.0f --margin=%.0f --background=%s --line-spacing=%.3f%s\n",
              widest->width, widest->indent, std::max(0.f, widest->left), css(dl.clear).c_str(),
              widest->pitch / (1.448f * widest->size), widest->justify ? " --justify" : "");
  std::fprintf(stderr, "player_bench: slide %d page 1 of %zu, %zu text blocks, %zu bytes of text\n", o.slide,
               pages.size(), blocks.size(), chars);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  content::ParseResult pr = content::load_playlist(o.playlist);
  if (!pr.playlist) {
    std::fprintf(stderr, "player_bench: %s\n", pr.first_error(o.playlist).c_str());
    return 1;
  }
  if (o.mode == "markup") return run_markup(o, *pr.playlist);
  return o.mode == "peers" ? run_peers(o, *pr.playlist) : run_crossfade(o, *pr.playlist);
}
