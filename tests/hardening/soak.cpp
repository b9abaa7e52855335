// Soak: the player headless on an accelerated (simulated) clock through many
// slide changes, with ticker updates, feed updates (news behind a source
// slide changes text) and playlist adoptions in between. Checks that the
// process stays flat: peak RSS after warm-up within a margin of its value at
// the end of warm-up, open file descriptors and threads unchanged, glyph
// atlas within its budget (and actually evicting), the player composing a
// bounded number of textures. Leaks are LeakSanitizer's job (asan preset).
//
//   soak [--changes N] [--warmup N] [--rss-margin-mb M] [--size WxH]
// Exit 0 = flat; 1 = a check failed (each failure printed on one line).
// Under AddressSanitizer the RSS check is skipped (the allocator's
// quarantine grows RSS by design); fds and threads are still checked.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <SDL.h>
#include <dirent.h>
#include <sys/resource.h>

#include "content/playlist.h"
#include "present/display.h"
#include "render/image.h"
#include "render/painter.h"
#include "show/player.h"

#if defined(__SANITIZE_ADDRESS__)
#define PAIZI_SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAIZI_SOAK_ASAN 1
#endif
#endif

using namespace paizi;

namespace {

struct Args {
  long changes = 10000;
  long warmup = 0;  // 0 = changes / 10
  double rss_margin_mb = 5;
  int width = 960, height = 540;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--changes")
      a.changes = std::stol(v);
    else if (k == "--warmup")
      a.warmup = std::stol(v);
    else if (k == "--rss-margin-mb")
      a.rss_margin_mb = std::stod(v);
    else if (k == "--size")
      std::sscanf(v.c_str(), "%dx%d", &a.width, &a.height);
    else {
      std::fprintf(stderr, "soak: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.warmup <= 0) a.warmup = a.changes / 10;
  return a;
}

// From /proc/self/status: a "Key:  N kB" or "Key: N" line.
long proc_status(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
      return std::atol(line.c_str() + n + 1);
  return -1;
}

int open_fds() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
  }
  return n - 1;  // the directory stream itself
}

struct Sample {
  long rss_kb = 0, hwm_kb = 0, threads = 0;
  int fds = 0;
};
Sample sample() { return {proc_status("VmRSS"), proc_status("VmHWM"), proc_status("Threads"), open_fds()}; }

// Deterministic "news": headlines and paragraphs drawn from a wide set of
// CJK characters, so the glyph atlas keeps meeting glyphs it has not seen.
class TextGen {
 public:
  std::string sentence(int chars) {
    std::string s;
    std::uniform_int_distribution<int> cp(0x4E00, 0x4E00 + 6000), punct(0, 9);
    for (int i = 0; i < chars; ++i) {
      append(s, static_cast<char32_t>(cp(rng_)));
      if (punct(rng_) == 0 && i + 1 < chars) s += "，";
    }
    return s + "。";
  }
  std::mt19937& rng() { return rng_; }

 private:
  static void append(std::string& s, char32_t c) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  std::mt19937 rng_{20240419};
};

// The feed behind the "news" source slide: replaced every few changes, as a
// feed refresh would.
class Feed final : public show::DataProvider {
 public:
  explicit Feed(TextGen& gen) : gen_(gen) { refresh(); }
  void refresh() {
    item_.title = gen_.sentence(18);
    item_.source = "融媒体中心";
    item_.summary = gen_.sentence(40);
    item_.paragraphs.clear();
    for (int i = 0; i < 4; ++i) item_.paragraphs.push_back(gen_.sentence(60));
    item_.published = 1776585600;
    ++version_;
  }
  const content::NewsItem* news(const content::NewsSlide&, int64_t& fetched) override {
    fetched = 1776585600;
    return &item_;
  }
  std::vector<std::string> headlines(const std::string&) override { return {item_.title}; }

 private:
  TextGen& gen_;
  content::NewsItem item_;
  int version_ = 0;
};

content::Playlist make_playlist(TextGen& gen, int variant, const std::string& image_dir) {
  content::Playlist pl;
  pl.name = "soak " + std::to_string(variant);
  pl.base_dir = image_dir;
  using content::TransitionKind;
  pl.transition.kind = variant % 3 == 0   ? TransitionKind::Fade
                       : variant % 3 == 1 ? TransitionKind::Push
                                          : TransitionKind::Cut;
  pl.transition.duration = std::chrono::milliseconds(300);
  pl.header.enabled = true;
  pl.header.logo = "牌子 · 浸泡测试";
  pl.ticker.enabled = true;
  pl.ticker.items = {gen.sentence(12), gen.sentence(16)};
  content::Source src;
  src.id = "news";
  src.kind = content::SourceKind::Feed;
  src.url = "http://127.0.0.1/feed.xml";
  pl.sources.push_back(src);
  auto slide = [&](const char* id, content::SlideBody body) {
    content::Slide s;
    s.id = id;
    s.body = std::move(body);
    s.duration = std::chrono::milliseconds(2000 + 500 * (variant % 4));
    return s;
  };
  content::SloganSlide sg;
  sg.lines = {gen.sentence(8), gen.sentence(10)};
  sg.subtitle = gen.sentence(6);
  auto slogan = slide("slogan", sg);
  content::SloganSlide cp;
  cp.vertical = true;
  cp.lines = {gen.sentence(7), gen.sentence(7)};
  cp.banner = "四字横批";
  auto couplet = slide("couplet", cp);
  content::NewsSlide ns;
  ns.source = "news";
  ns.page_duration = std::chrono::milliseconds(1500);
  auto news = slide("news", ns);
  news.duration = std::chrono::milliseconds(6000);
  content::NewsSlide in;
  in.news.emplace();
  in.news->title = gen.sentence(14);
  in.news->paragraphs = {gen.sentence(50), gen.sentence(50)};
  in.qr = variant % 2 == 0;
  in.news->link = "https://example.org/n/" + std::to_string(variant);
  auto inline_news = slide("article", in);
  content::KpiSlide kp;
  kp.title = gen.sentence(5);
  for (int i = 0; i < 4; ++i) {
    content::KpiTile t;
    t.label = gen.sentence(3);
    t.value = 12345.0 * (variant + 1) * (i + 1);
    t.previous = t.value * 0.9;
    t.unit = "元";
    t.format = i % 2 ? content::KpiFormat::Wan : content::KpiFormat::Group;
    kp.tiles.push_back(t);
  }
  auto kpi = slide("kpi", kp);
  content::ImageSlide im;
  im.image = "soak.png";
  im.fit = variant % 2 ? content::ImageFit::Fit : content::ImageFit::Fill;
  auto image = slide("image", im);
  pl.slides = {slogan, couplet, news, inline_news, kpi, image};
  return pl;
}

bool write_test_image(const std::string& path) {
  render::SurfacePtr s(SDL_CreateRGBSurfaceWithFormat(0, 320, 200, 32, SDL_PIXELFORMAT_RGBA32));
  if (!s) return false;
  SDL_FillRect(s.get(), nullptr, SDL_MapRGBA(s->format, 200, 40, 40, 255));
  std::string err;
  return render::write_png(s.get(), path, err);
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  const auto dir = std::filesystem::temp_directory_path() / ("paizi-soak-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  if (!write_test_image((dir / "soak.png").string())) {
    std::fprintf(stderr, "soak: cannot write the test image\n");
    return 1;
  }

  int status = 0;
  {
    std::string err;
    present::DisplayOptions dopt;
    dopt.width = args.width;
    dopt.height = args.height;
    auto display = present::open_headless(dopt, err);
    if (!display) {
      std::fprintf(stderr, "soak: %s\n", err.c_str());
      return 1;
    }
    text::FontLibrary fonts;
    text::Shaper shaper(fonts);
    // A small atlas (four 1024 px coverage pages: the text is blended into
    // the software canvas from one byte a pixel) so that it fills during
    // warm-up and the soak exercises eviction; production uses 32 MiB.
    render::Painter painter(display->renderer(), 4u << 20);
    TextGen gen;
    Feed feed(gen);
    int variant = 0;
    show::Player player(*display, shaper, painter, make_playlist(gen, variant, dir.string()), &feed);

    const int64_t unix0 = 1776585600;
    int64_t t = 0;
    long changes = 0;
    size_t shown_slide = SIZE_MAX, shown_page = SIZE_MAX;
    Sample warm{};
    bool warmed = false;
    const auto started = SDL_GetTicks64();
    while (changes < args.changes) {
      player.tick(t, unix0 + t / 1000);
      if (!player.in_transition() && (player.slide_index() != shown_slide || player.page() != shown_page)) {
        shown_slide = player.slide_index();
        shown_page = player.page();
        ++changes;
        if (changes % 7 == 0) feed.refresh();
        if (changes % 13 == 0)
          player.set_ticker_items({gen.sentence(10), gen.sentence(20), gen.sentence(15)});
        if (changes % 101 == 0) player.adopt(make_playlist(gen, ++variant, dir.string()));
        if (changes == args.warmup) {
          warm = sample();
          warmed = true;
        }
      }
      // Jump to the next discrete change; while the ticker scrolls, also
      // draw a few frames in between so its texture path runs too.
      const int64_t next = player.next_change_ms();
      t = std::max(t + 1, player.animating() && (changes % 5 == 0) ? std::min(next, t + 250) : next);
    }
    const Sample end = sample();
    const auto& atlas = painter.atlas().stats();
    const double secs = static_cast<double>(SDL_GetTicks64() - started) / 1000.0;
    std::printf(
        "soak: %ld slide changes, %d playlists adopted, %.1f h simulated, %.1f s wall; frames=%" PRIu64
        " compositions=%" PRIu64 "\n",
        changes, variant, static_cast<double>(t) / 3.6e6, secs, player.stats().frames,
        player.stats().compositions);
    std::printf("soak: after warm-up (%ld changes): rss=%ld kB peak=%ld kB fds=%d threads=%ld\n", args.warmup,
                warm.rss_kb, warm.hwm_kb, warm.fds, warm.threads);
    std::printf("soak: at the end: rss=%ld kB peak=%ld kB fds=%d threads=%ld\n", end.rss_kb, end.hwm_kb,
                end.fds, end.threads);
    std::printf("soak: glyph atlas: bytes=%zu budget=%zu glyphs=%zu evictions=%" PRIu64 " hits=%" PRIu64
                " misses=%" PRIu64 "\n",
                atlas.bytes, atlas.budget, atlas.glyphs, atlas.evictions, atlas.hits, atlas.misses);
    auto fail = [&](const std::string& what) {
      std::printf("soak: FAIL: %s\n", what.c_str());
      status = 1;
    };
    if (!warmed) fail("never reached the end of warm-up");
#ifndef PAIZI_SOAK_ASAN
    const double grown_mb = static_cast<double>(end.hwm_kb - warm.hwm_kb) / 1024.0;
    std::printf("soak: peak RSS grew %.2f MB after warm-up (margin %.1f MB)\n", grown_mb, args.rss_margin_mb);
    if (grown_mb > args.rss_margin_mb) fail("peak RSS grew beyond the margin");
#else
    std::printf("soak: RSS check skipped under AddressSanitizer (LeakSanitizer checks leaks at exit)\n");
#endif
    if (end.fds != warm.fds)
      fail("open file descriptors changed: " + std::to_string(warm.fds) + " -> " + std::to_string(end.fds));
    if (end.threads != warm.threads) fail("thread count changed");
    if (atlas.bytes > atlas.budget) fail("glyph atlas above its budget");
    if (args.changes >= 1000 && atlas.evictions == 0)
      fail("glyph atlas never evicted: the soak did not stress it");
  }
  std::filesystem::remove_all(dir);
  return status;
}
