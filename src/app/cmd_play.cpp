// `paizi play`: show a playlist on a display (or headless).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "app/cli.h"
#include "content/playlist.h"
#include "platform/display.h"
#include "render/painter.h"
#include "show/compose.h"

namespace paizi::app {

int cmd_play(Args& args) {
  using namespace std::chrono;
  const bool headless = args.flag("--headless");
  const bool verbose = args.flag("--verbose");
  const auto window = args.value("--window");
  const int rotate = parse_int(args.value("--rotate").value_or("0"), "--rotate", 0, 270);
  if (rotate % 90) throw UsageError{"--rotate must be 0, 90, 180 or 270"};
  const auto dur_arg = args.value("--duration");
  const auto shots = args.value("--screenshots");
  const auto pos = args.positionals();
  if (pos.size() > 1) throw UsageError{"play takes at most one PLAYLIST"};
  milliseconds total{0};
  if (dur_arg) {
    auto d = content::parse_duration(*dur_arg);
    if (!d) throw UsageError{"--duration must look like 60s, 5m or 1h"};
    total = *d;
  }
  if (headless && total.count() == 0) throw UsageError{"--headless needs --duration (e.g. --duration 60s)"};
  const std::string file = pos.empty() ? data_dir() + "/playlists/demo.json" : pos[0];

  content::ParseResult pr = content::load_playlist(file);
  if (!pr.playlist) {
    std::fprintf(stderr, "paizi play: %s\n", pr.first_error(file).c_str());
    return kExitFailure;
  }
  const content::Playlist& pl = *pr.playlist;

  platform::DisplayOptions dopt;
  dopt.rotate = rotate;
  if (window) {
    std::tie(dopt.width, dopt.height) = parse_size(*window, "--window");
  } else if (!headless) {
    dopt.fullscreen = true;
  }
  std::string err;
  auto display = headless ? platform::open_headless(dopt, err) : platform::open_window(dopt, err);
  if (!display) {
    std::fprintf(stderr, "paizi play: %s\n", err.c_str());
    return kExitFailure;
  }
  if (shots) std::filesystem::create_directories(*shots);
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  render::Painter painter(display->renderer());
  show::ComposeContext ctx{shaper};
  ctx.width = display->width();
  ctx.height = display->height();
  ctx.area = show::Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)};

  // Headless runs on a simulated clock starting now; a window on the real one.
  const auto start = steady_clock::now();
  milliseconds sim{0};
  auto elapsed = [&] { return headless ? sim : duration_cast<milliseconds>(steady_clock::now() - start); };
  size_t si = 0;
  int shot_no = 0;
  bool quit = false;
  while (!quit && (total.count() == 0 || elapsed() < total)) {
    const content::Slide& s = pl.slides[si];
    ctx.now = static_cast<int64_t>(std::time(nullptr)) + (headless ? duration_cast<seconds>(sim).count() : 0);
    const auto pages = show::compose_slide(s, s.theme ? *s.theme : pl.theme, ctx);
    for (size_t pg = 0; pg < pages.size() && !quit; ++pg) {
      painter.paint(pages[pg]);
      display->present();
      if (shots) {
        char name[96];
        std::snprintf(name, sizeof name, "%06lld-%s-p%zu.png", static_cast<long long>(elapsed().count()), s.id.c_str(), pg);
        auto img = display->snapshot(err);
        const std::string path = (std::filesystem::path(*shots) / name).string();
        if (img && render::write_png(img.get(), path, err)) std::printf("%s\n", path.c_str());
        else std::fprintf(stderr, "paizi play: %s\n", err.c_str());
        ++shot_no;
      }
      if (verbose) {
        const auto& st = painter.atlas().stats();
        std::fprintf(stderr, "paizi: slide %s page %zu; atlas hits=%llu misses=%llu evictions=%llu bytes=%zu\n",
                     s.id.c_str(), pg, static_cast<unsigned long long>(st.hits),
                     static_cast<unsigned long long>(st.misses), static_cast<unsigned long long>(st.evictions), st.bytes);
      }
      const milliseconds hold = pages.size() > 1 ? s.page_duration : s.duration;
      if (headless) {
        sim += hold;
      } else {
        const auto until = elapsed() + hold;
        while (!quit && elapsed() < until) {
          SDL_Event ev;
          const auto left = duration_cast<milliseconds>(until - elapsed()).count();
          if (SDL_WaitEventTimeout(&ev, static_cast<int>(std::max<long long>(1, left)))) {
            if (ev.type == SDL_QUIT || (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)))
              quit = true;
          }
        }
      }
      if (total.count() && elapsed() >= total) break;
    }
    si = (si + 1) % pl.slides.size();
  }
  (void)shot_no;
  return kExitOk;
}

}  // namespace paizi::app
