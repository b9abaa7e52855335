// `paizi play`: show a playlist on a display (or headless).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "app/cli.h"
#include "app/play_updates.h"
#include "content/playlist.h"
#include "platform/display.h"
#include "render/painter.h"
#include "show/player.h"

namespace paizi::app {

int cmd_play(Args& args) {
  using namespace std::chrono;
  const bool headless = args.flag("--headless");
  const bool realtime = args.flag("--realtime");  // headless on the real clock (also in branch service)
  const bool verbose = args.flag("--verbose");
  const auto window = args.value("--window");
  const int rotate = parse_int(args.value("--rotate").value_or("0"), "--rotate", 0, 270);
  if (rotate % 90) throw UsageError{"--rotate must be 0, 90, 180 or 270"};
  const auto dur_arg = args.value("--duration");
  const auto shots = args.value("--screenshots");
  PlayUpdateOptions update_options = read_play_update_options(args);  // playlist updates
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

  // --- Playlist updates (issue 6): remote URLs, watched files, last-known-good,
  // status.json, heartbeat, display-off commands, SIGHUP. See app/play_updates.h.
  PlayUpdates updates(std::move(update_options), file);
  const content::Playlist pl = updates.initial();
  // --- end playlist updates

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
  show::Player player(*display, shaper, painter, pl);
  updates.start();  // playlist updates
  const bool simulated = headless && !realtime;

  const auto start = steady_clock::now();
  const int64_t unix0 = static_cast<int64_t>(std::time(nullptr));
  const int64_t total_ms = total.count();
  int64_t t = 0;
  size_t shown_slide = SIZE_MAX, shown_page = SIZE_MAX;
  bool quit = false;
  while (!quit) {
    if (!simulated) t = duration_cast<milliseconds>(steady_clock::now() - start).count();
    if (total_ms && t >= total_ms) break;
    const int64_t unix_s = simulated ? unix0 + t / 1000 : static_cast<int64_t>(std::time(nullptr));
    player.tick(t, unix_s);
    updates.step(player, painter, *display, unix_s);  // playlist updates, status, display power
    const bool changed = !player.in_transition() && (player.slide_index() != shown_slide || player.page() != shown_page);
    if (changed) {
      shown_slide = player.slide_index();
      shown_page = player.page();
      const std::string& id = player.slide().id;
      if (verbose) {
        const auto& st = painter.atlas().stats();
        std::fprintf(stderr, "paizi: %lld ms: slide %s page %zu/%zu; atlas hits=%llu misses=%llu evictions=%llu bytes=%zu; frames=%llu\n",
                     static_cast<long long>(t), id.c_str(), shown_page + 1, player.page_count(),
                     static_cast<unsigned long long>(st.hits), static_cast<unsigned long long>(st.misses),
                     static_cast<unsigned long long>(st.evictions), st.bytes,
                     static_cast<unsigned long long>(player.stats().frames));
      }
      if (shots) {
        char name[160];
        std::snprintf(name, sizeof name, "%08lld-%s-p%zu.png", static_cast<long long>(t), id.c_str(), shown_page);
        auto img = display->snapshot(err);
        const std::string path = (std::filesystem::path(*shots) / name).string();
        if (img && render::write_png(img.get(), path, err)) std::printf("%s\n", path.c_str());
        else std::fprintf(stderr, "paizi play: %s\n", err.c_str());
      }
    }
    if (simulated) {
      // Simulated clock: jump to the next discrete change.
      t = std::max(t + 1, player.next_change_ms());
      continue;
    }
    // Real clock: sleep until the next change; while something moves, the
    // vsync'd present paces the loop (software: ~60 fps).
    const int64_t now = duration_cast<milliseconds>(steady_clock::now() - start).count();
    const int64_t wait = player.animating() ? (display->name() == "headless" ? 16 : 1)
                                            : std::clamp<int64_t>(player.next_event_ms() - now, 1, 500);
    SDL_Event ev;
    if (SDL_WaitEventTimeout(&ev, static_cast<int>(wait))) {
      if (ev.type == SDL_QUIT || (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)))
        quit = true;
    }
  }
  return kExitOk;
}

}  // namespace paizi::app
