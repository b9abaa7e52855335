// `paizi play`: show a playlist on a display (or headless).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "app/cli.h"
#include "app/config.h"
#include "app/service_link.h"
#include "content/playlist.h"
#include "platform/display.h"
#include "render/painter.h"
#include "show/compose.h"

namespace paizi::app {

int cmd_play(Args& args) {
  using namespace std::chrono;
  const bool headless = args.flag("--headless");
  const bool realtime = args.flag("--realtime");  // headless on the real clock (service tests)
  const bool verbose = args.flag("--verbose");
  const auto window = args.value("--window");
  // [service] configuration: defaults < /etc/paizi/paizi.conf (or --config) < flags.
  const auto config_flag = args.value("--config");
  const std::string config_path = config_flag.value_or(kDefaultConfigPath);
  ConfigResult conf = load_config(config_path, config_flag.has_value());
  Config& cfg = conf.config;
  apply_flags(args, cfg);
  if (cfg.token.empty()) cfg.token = default_token_path();
  platform::Logger::Options lopt;
  lopt.level = verbose ? platform::Level::debug : cfg.log_level;
  platform::Logger log(lopt);
  for (const auto& pb : conf.problems) {
    std::string where = config_path;
    if (pb.line) where += ':' + std::to_string(pb.line);
    log.warning(where + ": " + pb.message);
  }
  const int rotate = cfg.rotation;
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
  if (headless && !realtime && total.count() == 0)
    throw UsageError{"--headless needs --duration (e.g. --duration 60s) or --realtime"};
  const std::string file =
      !pos.empty() ? pos[0] : !cfg.playlist.empty() ? cfg.playlist : data_dir() + "/playlists/demo.json";

  content::ParseResult pr = content::load_playlist(file);
  if (!pr.playlist) {
    log.error(pr.first_error(file));
    return kExitFailure;
  }
  content::Playlist pl = std::move(*pr.playlist);
  log.debug("config: state_dir=" + cfg.state_dir + " cache_dir=" + cfg.cache_dir + " driver=" + cfg.display_driver +
            " token=" + cfg.token + " public_key=" + cfg.public_key + " heartbeat_url=" + cfg.heartbeat_url);
  if (!headless && cfg.display_driver != "auto") setenv("SDL_VIDEODRIVER", cfg.display_driver.c_str(), 1);

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
    log.error(err);
    return kExitFailure;
  }
  log.info("playing " + file + " on " + display->name());
  ServiceLink link(log);  // [service] READY/STATUS/WATCHDOG, SIGHUP/SIGTERM
  if (shots) std::filesystem::create_directories(*shots);
  text::FontLibrary fonts;
  text::Shaper shaper(fonts);
  render::Painter painter(display->renderer());
  show::ComposeContext ctx{shaper};
  ctx.width = display->width();
  ctx.height = display->height();
  ctx.area = show::Rect{0, 0, static_cast<float>(ctx.width), static_cast<float>(ctx.height)};

  // Headless runs on a simulated clock starting now (unless --realtime); a window on the real one.
  const bool simulated = headless && !realtime;
  const auto start = steady_clock::now();
  milliseconds sim{0};
  auto elapsed = [&] { return simulated ? sim : duration_cast<milliseconds>(steady_clock::now() - start); };
  size_t si = 0;
  int shot_no = 0;
  bool quit = false;
  while (!quit && (total.count() == 0 || elapsed() < total)) {
    const content::Slide& s = pl.slides[si];
    ctx.now = static_cast<int64_t>(std::time(nullptr)) + (simulated ? duration_cast<seconds>(sim).count() : 0);
    const auto pages = show::compose_slide(s, s.theme ? *s.theme : pl.theme, ctx);
    for (size_t pg = 0; pg < pages.size() && !quit; ++pg) {
      painter.paint(pages[pg]);
      display->present();
      link.frame_presented(pl.name.empty() ? file : pl.name, s.id, si, pl.slides.size());  // [service]
      if (shots) {
        char name[96];
        std::snprintf(name, sizeof name, "%06lld-%s-p%zu.png", static_cast<long long>(elapsed().count()), s.id.c_str(), pg);
        auto img = display->snapshot(err);
        const std::string path = (std::filesystem::path(*shots) / name).string();
        if (img && render::write_png(img.get(), path, err)) std::printf("%s\n", path.c_str());
        else log.error(err);
        ++shot_no;
      }
      if (verbose) {
        const auto& st = painter.atlas().stats();
        char line[160];
        std::snprintf(line, sizeof line, "slide %s page %zu; atlas hits=%llu misses=%llu evictions=%llu bytes=%zu",
                      s.id.c_str(), pg, static_cast<unsigned long long>(st.hits),
                      static_cast<unsigned long long>(st.misses), static_cast<unsigned long long>(st.evictions),
                      st.bytes);
        log.debug(line);
      }
      const milliseconds hold = pages.size() > 1 ? s.page_duration : s.duration;
      if (simulated) {
        sim += hold;
        link.tick();
      } else if (headless) {
        const auto left = duration_cast<milliseconds>(hold);
        link.sleep(total.count() ? std::min(left, total - elapsed()) : left);
      } else {
        const auto until = elapsed() + hold;
        while (!quit && !link.interrupted() && elapsed() < until) {
          SDL_Event ev;
          const auto left = std::min(duration_cast<milliseconds>(until - elapsed()), link.max_slice());
          if (SDL_WaitEventTimeout(&ev, static_cast<int>(std::max<long long>(1, left.count())))) {
            if (ev.type == SDL_QUIT || (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q)))
              quit = true;
          }
          link.tick();
        }
      }
      if (total.count() && elapsed() >= total) break;
      if (link.interrupted()) break;
    }
    si = (si + 1) % pl.slides.size();
    // [service] signals: SIGTERM/SIGINT stop cleanly; SIGHUP re-reads the playlist (the last good one
    // stays on screen if the new one is broken) and starts it from its first slide.
    const platform::SignalRequests req = link.take_requests();
    if (req.stop) {
      log.info(std::string("stopping on ") + (req.stop_signal == SIGINT ? "SIGINT" : "SIGTERM"));
      link.stopping();
      quit = true;
    } else if (req.reload) {
      link.reloading();
      content::ParseResult next = content::load_playlist(file);
      if (next.playlist) {
        pl = std::move(*next.playlist);
        si = 0;
        log.info("reloaded " + file);
      } else {
        log.error("reload failed, keeping the current playlist: " + next.first_error(file));
      }
    }
  }
  (void)shot_no;
  return kExitOk;
}

}  // namespace paizi::app
